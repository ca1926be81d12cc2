// REDIS_URL switches rate limiting to counters shared by every server process: an attacker cannot multiply
// the sign-in budget by spreading attempts over instances.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

async function redisReachable(): Promise<boolean> {
  const r = new Redis(REDIS_URL, { lazyConnect: true, connectTimeout: 1000, maxRetriesPerRequest: 0, retryStrategy: () => null });
  try {
    await r.connect();
    return (await r.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    r.disconnect();
  }
}

describe('scale-out with REDIS_URL', async () => {
  const reachable = await redisReachable();
  if (!reachable && process.env.CI === 'true') {
    it('needs Redis on ' + REDIS_URL, () => assert.fail(`Redis is not reachable at ${REDIS_URL} (CI must have it)`));
    return;
  }
  const skip = reachable ? false : `Redis not reachable at ${REDIS_URL}`;
  let a: TestApp;
  let b: TestApp;
  const prefix = `bulwark-test-${randomBytes(4).toString('hex')}:`;

  before(async () => {
    if (skip) return;
    const env = { REDIS_URL, REDIS_PREFIX: prefix };
    a = await createTestApp({ env });
    b = await createTestApp({ env });
  });
  after(async () => {
    await a?.close();
    await b?.close();
  });

  it('shares the sign-in rate limit between two server processes', { skip }, async () => {
    const attempt = (t: TestApp) =>
      t.app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { email: 'nobody@bank.test', password: 'wrong password!', totpCode: '000000' },
        remoteAddress: '203.0.113.7',
      });
    // The sign-in route allows 10 attempts per minute per address; 6 on each instance exceed it together.
    const codes: number[] = [];
    for (let i = 0; i < 6; i++) codes.push((await attempt(a)).statusCode);
    for (let i = 0; i < 6; i++) codes.push((await attempt(b)).statusCode);
    assert.deepEqual(codes.slice(0, 10), Array(10).fill(401));
    assert.equal(codes[10], 429, 'the 11th attempt, on the second instance, must be refused');
    const res = await attempt(b);
    assert.equal(res.statusCode, 429);
    assert.equal(res.headers['content-type'], 'application/problem+json; charset=utf-8');
    assert.equal(res.json().code, 'rate_limited');
  });

  it('reports Redis in /readyz', { skip }, async () => {
    const res = await a.app.inject({ url: '/readyz' });
    assert.equal(res.statusCode, 200);
    assert.equal(res.json().checks.redis, true);
  });
});
