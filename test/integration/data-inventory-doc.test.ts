// docs/data-inventory.md is generated from the field registry; this fails when it is stale
// (regenerate with `node --import tsx scripts/data-inventory-doc.ts --write`), and checks the registry itself.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { DOC_PATH, updatedDocument } from '../../scripts/data-inventory-doc.js';
import { FIELD_REGISTRY } from '../../src/server/field-registry.js';
import { TRADER_FIELD_NAMES } from '../../src/server/modules/traders/traders.fields.js';

describe('docs/data-inventory.md', () => {
  it('matches the field registry', () => {
    const doc = readFileSync(DOC_PATH, 'utf8');
    assert.equal(doc, updatedDocument(doc), 'out of date: run node --import tsx scripts/data-inventory-doc.ts --write');
  });

  it('the registry names every trader field, each with a purpose and a lawful basis, and no record twice', () => {
    const trader = FIELD_REGISTRY.find((e) => e.record === 'Trader profile')!;
    assert.deepEqual(Object.keys(trader.fields).sort(), [...TRADER_FIELD_NAMES].sort());
    assert.equal(new Set(FIELD_REGISTRY.map((e) => e.record)).size, FIELD_REGISTRY.length);
    for (const e of FIELD_REGISTRY) {
      for (const [name, f] of Object.entries(e.fields)) {
        assert.ok(f.purpose.length >= 10, `${e.record}.${name}: purpose`);
        assert.ok(f.legalBasis, `${e.record}.${name}: lawful basis`);
      }
    }
  });
});
