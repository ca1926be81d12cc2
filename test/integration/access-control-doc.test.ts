// docs/security/access-control.md carries tables generated from the code; this fails when they are stale
// (regenerate with `node --import tsx scripts/access-control-doc.ts --write`).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { DOC_PATH, updatedDocument } from '../../scripts/access-control-doc.js';

describe('docs/security/access-control.md', () => {
  it('its generated tables match the permission registry, the built-in roles and the trader fields', () => {
    const doc = readFileSync(DOC_PATH, 'utf8');
    assert.equal(doc, updatedDocument(doc), 'out of date: run node --import tsx scripts/access-control-doc.ts --write');
  });
});
