// The identity settings: sign-in lock threshold and duration, the SMTP relay and sender. Wrong values stop the
// process with one line naming the variable, and a relay URL's password is never echoed.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, loadConfig } from './config.js';

function configError(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (err) {
    assert.ok(err instanceof ConfigError);
    assert.ok(!/[\r\n]/.test(err.message));
    return err.message;
  }
  assert.fail(`expected a ConfigError for ${JSON.stringify(env)}`);
}

describe('identity configuration', () => {
  it('defaults: lock after 10 failures for 30 minutes; no relay (outbox only)', () => {
    const c = loadConfig({});
    assert.equal(c.signInLockAfter, 10);
    assert.equal(c.signInLockMinutes, 30);
    assert.equal(c.smtpUrl, undefined);
    assert.match(c.smtpFrom, /^Bulwark <bulwark@/);
  });

  it('accepts valid values', () => {
    const c = loadConfig({ SIGN_IN_LOCK_AFTER: '5', SIGN_IN_LOCK_MINUTES: '120', SMTP_URL: 'smtps://mailer:s3cret@relay.bank.test:465', SMTP_FROM: 'Back office <bo@bank.test>' });
    assert.equal(c.signInLockAfter, 5);
    assert.equal(c.signInLockMinutes, 120);
    assert.equal(c.smtpUrl, 'smtps://mailer:s3cret@relay.bank.test:465');
    assert.equal(c.smtpFrom, 'Back office <bo@bank.test>');
  });

  it('refuses wrong values with one line naming the variable', () => {
    for (const v of ['0', '2', '101', 'ten', '', '1e1', '-5']) assert.match(configError({ SIGN_IN_LOCK_AFTER: v }), /SIGN_IN_LOCK_AFTER/);
    for (const v of ['0', '1441', 'x', '']) assert.match(configError({ SIGN_IN_LOCK_MINUTES: v }), /SIGN_IN_LOCK_MINUTES/);
    for (const v of ['http://relay.bank.test', 'relay.bank.test', 'smtp://', '']) assert.match(configError({ SMTP_URL: v }), /SMTP_URL/);
    assert.match(configError({ SMTP_FROM: 'not an address' }), /SMTP_FROM/);
    assert.match(configError({ SMTP_FROM: 'x@y.test\r\nBcc: evil@z.test' }), /SMTP_FROM/);
    const m = configError({ SMTP_URL: 'ftp://mailer:hunter2secret@relay.bank.test' });
    assert.ok(!m.includes('hunter2secret'), 'the password in a wrong URL is not echoed');
  });
});
