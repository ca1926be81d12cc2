import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ALL_PERMISSIONS, BUILT_IN_ROLES, closePermissions, isPrivilegedGrant, PERMISSIONS, permissionsOf, permissionSpec, PRIVILEGED_PERMISSIONS, type BuiltInRole } from './permissions.js';

describe('permission registry', () => {
  it('denies by default: no roles, unknown roles and prototype names grant nothing', () => {
    assert.equal(permissionsOf([]).size, 0);
    assert.equal(permissionsOf(['root', 'superuser']).size, 0);
    assert.equal(permissionsOf(['constructor', '__proto__', 'toString', 'hasOwnProperty']).size, 0);
    assert.equal(closePermissions(['constructor', '__proto__', 'all', '*', 'audit.*']).size, 0);
  });

  it('closes over dependencies', () => {
    const perms = permissionsOf(['auditor']);
    assert.ok(perms.has('audit.export'));
    assert.ok(perms.has('audit.read'), 'audit.export depends on audit.read');
    assert.ok(!perms.has('keys.rotate'));
    // Transitive: role.grant.approve → approval.decide → approval.read.
    assert.deepEqual([...closePermissions(['role.grant.approve'])].sort(), ['approval.decide', 'approval.read', 'role.grant.approve', 'role.read', 'staff.read']);
  });

  it('names resource.action, describes every permission, and depends only on registered ones', () => {
    for (const p of ALL_PERMISSIONS) {
      assert.match(p, /^[a-z_]+(\.[a-z_]+)+$/, p);
      assert.ok(permissionSpec(p).description.length > 10, `${p} has a description`);
      for (const d of permissionSpec(p).dependsOn) assert.ok(Object.hasOwn(PERMISSIONS, d), `${p} depends on unknown ${d}`);
    }
  });

  it('registers the names other parts of the product use', () => {
    for (const p of [
      'staff.read', 'staff.invite', 'staff.disable', 'staff.reset', 'staff.roles.grant', 'role.read', 'role.manage', 'role.grant.approve',
      'approval.read', 'approval.decide', 'session.manage', 'security.unfreeze', 'security.alert.read', 'audit.read', 'audit.export',
      'keys.read', 'keys.rotate', 'trader.read', 'trader.reveal', 'trader.search', 'ticket.read', 'withdrawal_limit.approve',
    ]) {
      assert.ok(Object.hasOwn(PERMISSIONS, p), p);
    }
  });

  it('built-in roles grant only registered permissions, and no field policy shows a secret', () => {
    for (const [role, def] of Object.entries(BUILT_IN_ROLES) as [string, BuiltInRole][]) {
      for (const p of def.permissions) assert.ok(Object.hasOwn(PERMISSIONS, p), `${role} grants unknown ${p}`);
      assert.equal(def.fieldPolicy.secret, 'hidden', role);
      assert.ok(def.idleTimeoutMinutes >= 1 && def.idleTimeoutMinutes <= 15, role);
    }
  });

  it('privileged roles are the brief’s three, they require a hardware key, and every role holding a privileged permission is one', () => {
    const privileged = Object.entries(BUILT_IN_ROLES as Record<string, BuiltInRole>).filter(([, r]) => isPrivilegedGrant(r.privileged, r.permissions)).map(([n]) => n).sort();
    assert.deepEqual(privileged, ['admin', 'compliance_senior', 'security_officer']);
    for (const n of privileged) assert.equal((BUILT_IN_ROLES as Record<string, BuiltInRole>)[n]!.requireHardwareKey, true, n);
    for (const [n, r] of Object.entries(BUILT_IN_ROLES as Record<string, BuiltInRole>)) {
      if (r.permissions.some((p) => PRIVILEGED_PERMISSIONS.has(p))) assert.equal(r.privileged, true, `${n} holds a privileged permission but is not flagged`);
    }
  });

  it('only senior compliance approves withdrawal-limit increases; nobody but marketing has the audience list', () => {
    const holders = (p: string) => Object.keys(BUILT_IN_ROLES).filter((r) => permissionsOf([r]).has(p as never));
    assert.deepEqual(holders('withdrawal_limit.approve'), ['compliance_senior']);
    assert.deepEqual(holders('marketing.audience.read'), ['marketing']);
    assert.ok(!permissionsOf(['marketing']).has('trader.read'), 'marketing cannot open trader profiles');
    assert.deepEqual([...permissionsOf(['auditor'])].sort(), ['audit.export', 'audit.read', 'report.read'], 'the auditor is read-only');
  });
});
