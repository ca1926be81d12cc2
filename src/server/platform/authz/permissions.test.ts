import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BUILT_IN_ROLES, PERMISSIONS, permissionsOf } from './permissions.js';

describe('permission registry', () => {
  it('denies by default: no roles, unknown roles and prototype names grant nothing', () => {
    assert.equal(permissionsOf([]).size, 0);
    assert.equal(permissionsOf(['root', 'superuser']).size, 0);
    assert.equal(permissionsOf(['constructor', '__proto__', 'toString', 'hasOwnProperty']).size, 0);
  });

  it('closes over dependencies', () => {
    const perms = permissionsOf(['auditor']);
    assert.ok(perms.has('audit.export'));
    assert.ok(perms.has('audit.read'), 'audit.export depends on audit.read');
    assert.ok(!perms.has('keys.rotate'));
  });

  it('every role grants only registered permissions', () => {
    for (const [role, perms] of Object.entries(BUILT_IN_ROLES)) {
      for (const p of perms) assert.ok(Object.hasOwn(PERMISSIONS, p), `${role} grants unknown ${p}`);
    }
  });
});
