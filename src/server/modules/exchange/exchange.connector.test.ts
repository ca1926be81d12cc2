// The connector from the attacker's side and the network's: the method list is pinned (no trading, no
// withdrawals); the simulator refuses unsigned, mis-signed, old and replayed requests while the adapter's own
// requests verify; reads retry with exponential backoff, 4xx answers are final, the breaker opens and then
// stops requests from leaving; a hanging exchange times out; an API secret the exchange sends is dropped.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { CONNECTOR_METHODS, ExchangeError, routePath } from './exchange.connector.js';
import { createHttpConnector } from './exchange.http.js';
import { HEADERS, sign } from './exchange.signing.js';
import { createSimulator, syntheticAccount, type Simulator } from './simulator.js';

const SECRET = 'test-secret-0123456789-abcdefghijklmnop';
const KEY_ID = 'bulwark-test';
const REF = 'ACC-0000042-abcdef';

describe('exchange connector', () => {
  let sim: Simulator;
  let url: string;
  const simNow = Date.now();
  const fast = { initialDelayMs: 1, maxDelayMs: 20, timeoutMs: 2000 };

  before(async () => {
    sim = createSimulator({ keyId: KEY_ID, secret: SECRET, now: () => simNow });
    url = await sim.listen(0);
  });
  after(async () => sim?.close());

  it('has exactly the listed methods: reads and containment, nothing that trades or withdraws', () => {
    assert.deepEqual(
      [...CONNECTOR_METHODS],
      [
        'balances', 'openOrders', 'recentTrades', 'deposits', 'withdrawals', 'securityEvents', 'securitySettings', 'apiKeys', 'antiPhishingCode', 'dailyLimits',
        'freezeAccount', 'unfreezeAccount', 'revokeApiKey', 'endSessions', 'setWithdrawalLimit',
      ],
    );
    const { connector } = createHttpConnector({ baseUrl: url, keyId: KEY_ID, secret: SECRET });
    assert.deepEqual(Object.keys(connector).sort(), [...CONNECTOR_METHODS].sort(), 'the adapter implements exactly the list');
    for (const m of CONNECTOR_METHODS) assert.doesNotMatch(m, /^(place|create|cancel|submit|send|buy|sell|trade|transfer|move|convert)|^withdraw(?!als$)/i, m);
  });

  it('the adapter signs every request so the simulator accepts it; the data is deterministic per account', async () => {
    const { connector } = createHttpConnector({ baseUrl: url, keyId: KEY_ID, secret: SECRET, now: () => simNow });
    const a = await connector.balances(REF);
    assert.deepEqual(a, syntheticAccount(REF).balances);
    assert.deepEqual(await connector.balances(REF), a);
    assert.notDeepEqual(await connector.recentTrades('ACC-other'), await connector.recentTrades(REF));
    assert.ok((sim.hits.get('balances') ?? 0) >= 2);
  });

  async function raw(path: string, headers: Record<string, string>, method = 'GET', body = '') {
    const res = await fetch(`${url}${path}`, { method, headers: { ...headers, ...(body ? { 'content-type': 'application/json' } : {}) }, body: body || null });
    return { status: res.status, body: (await res.json()) as { code: string } };
  }
  function signed(path: string, opts: { ts?: number; nonce?: string; secret?: string; method?: string; body?: string; keyId?: string } = {}) {
    const parts = {
      method: opts.method ?? 'GET',
      path,
      timestamp: String(opts.ts ?? simNow),
      nonce: opts.nonce ?? `n${Math.random().toString(36).slice(2)}xxxxxxxxxxxxxxxxxxxx`,
      keyId: opts.keyId ?? KEY_ID,
      body: opts.body ?? '',
    };
    return {
      [HEADERS.keyId]: parts.keyId,
      [HEADERS.timestamp]: parts.timestamp,
      [HEADERS.nonce]: parts.nonce,
      [HEADERS.signature]: sign(opts.secret ?? SECRET, parts),
    };
  }

  it('the simulator refuses unsigned, mis-signed, foreign-key, old, future and replayed requests', async () => {
    const path = routePath('balances', REF);
    assert.equal((await raw(path, {})).body.code, 'missing_signature');
    const bad = await raw(path, signed(path, { secret: 'another-secret-another-secret-12345' }));
    assert.deepEqual([bad.status, bad.body.code], [401, 'bad_signature']);
    assert.equal((await raw(path, signed(path, { keyId: 'someone-else' }))).body.code, 'unknown_key');
    // Signed for another path (a captured request moved elsewhere).
    const moved = signed(routePath('balances', 'ACC-victim'));
    assert.equal((await raw(path, moved)).body.code, 'bad_signature');
    assert.equal((await raw(path, signed(path, { ts: simNow - 31_000 }))).body.code, 'stale_timestamp');
    assert.equal((await raw(path, signed(path, { ts: simNow + 31_000 }))).body.code, 'stale_timestamp');
    const once = signed(path, { nonce: 'replay-me-0123456789abcdef' });
    assert.equal((await raw(path, once)).status, 200);
    const again = await raw(path, once);
    assert.deepEqual([again.status, again.body.code], [401, 'replayed_nonce']);
    // A body changed after signing.
    const wpath = routePath('setWithdrawalLimit', REF);
    const h = { ...signed(wpath, { method: 'PUT', body: '{"asset":"BTC","dailyLimit":"1"}' }), [HEADERS.idempotencyKey]: 'idem-0123456789abcdef' };
    assert.equal((await raw(wpath, h, 'PUT', '{"asset":"BTC","dailyLimit":"1000"}')).body.code, 'bad_signature');
  });

  it('writes need an idempotency key; the same key is answered once and never acts twice', async () => {
    const path = routePath('endSessions', 'ACC-idem');
    const body = '{}';
    const noKey = await raw(path, signed(path, { method: 'POST', body }), 'POST', body);
    assert.equal(noKey.body.code, 'idempotency_key_required');
    const key = { [HEADERS.idempotencyKey]: 'idem-key-0123456789abcdef' };
    const first = await raw(path, { ...signed(path, { method: 'POST', body }), ...key }, 'POST', body);
    const second = await raw(path, { ...signed(path, { method: 'POST', body }), ...key }, 'POST', body);
    assert.equal(first.status, 200);
    assert.deepEqual(second.body, first.body);
    const { connector } = createHttpConnector({ baseUrl: url, keyId: KEY_ID, secret: SECRET, now: () => simNow });
    const events = await connector.securityEvents('ACC-idem');
    assert.equal(events.filter((e) => e.kind === 'sessions.ended').length, 1, 'acted once');
  });

  it('reads retry transient failures with exponential backoff; a 4xx answer is final', async () => {
    const delays: number[] = [];
    const { connector } = createHttpConnector({ baseUrl: url, keyId: KEY_ID, secret: SECRET, now: () => simNow, ...fast, maxAttempts: 3, onRetry: (d) => delays.push(d) });
    sim.failNext(2, 503);
    assert.deepEqual(await connector.balances(REF), syntheticAccount(REF).balances);
    assert.deepEqual(delays, [1, 2], 'two retries, the delay doubling');
    sim.failNext(3, 503);
    const before = sim.received();
    await assert.rejects(connector.balances(REF), (e) => e instanceof ExchangeError && e.kind === 'unavailable');
    assert.equal(sim.received() - before, 3, 'three attempts in all');
    sim.failNext(0);
    const n = sim.received();
    await assert.rejects(connector.revokeApiKey(REF, 'no-such-key'), (e) => e instanceof ExchangeError && e.kind === 'not_found');
    assert.equal(sim.received() - n, 1, 'a 404 is not retried');
  });

  it('the breaker opens after consecutive failures and then no request leaves', async () => {
    const h = createHttpConnector({ baseUrl: url, keyId: KEY_ID, secret: SECRET, now: () => simNow, ...fast, maxAttempts: 1, breakerThreshold: 2, halfOpenAfterMs: 60_000 });
    sim.failNext(100, 500);
    await assert.rejects(h.connector.balances(REF));
    assert.equal(h.breakerState(), 'closed');
    await assert.rejects(h.connector.balances(REF));
    assert.equal(h.breakerState(), 'open');
    const n = sim.received();
    await assert.rejects(h.connector.balances(REF), (e) => e instanceof ExchangeError && e.kind === 'unavailable' && /circuit open/.test(e.message));
    assert.equal(sim.received(), n, 'an open breaker sends nothing');
    sim.failNext(0);
  });

  it('a hanging exchange times out (and counts as unavailable)', async () => {
    const hang: Server = createServer(() => undefined);
    await new Promise<void>((r) => hang.listen(0, '127.0.0.1', r));
    try {
      const port = (hang.address() as AddressInfo).port;
      const { connector } = createHttpConnector({ baseUrl: `http://127.0.0.1:${port}`, keyId: KEY_ID, secret: SECRET, timeoutMs: 50, maxAttempts: 1 });
      const t0 = Date.now();
      await assert.rejects(connector.balances(REF), (e) => e instanceof ExchangeError && e.kind === 'unavailable' && /in time/.test(e.message));
      assert.ok(Date.now() - t0 < 1500);
    } finally {
      hang.closeAllConnections();
      await new Promise((r) => hang.close(r));
    }
  });

  it('an oversized answer without Content-Length is refused as it streams in, not buffered whole', async () => {
    let sent = 0;
    const flood: Server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' }); // chunked: no Content-Length
      const chunk = Buffer.alloc(64 * 1024, 0x20);
      const pump = () => {
        while (sent < 64 * 1024 * 1024 && res.write(chunk)) sent += chunk.length;
        if (sent < 64 * 1024 * 1024) res.once('drain', pump);
        else res.end();
      };
      res.on('close', () => undefined);
      pump();
    });
    await new Promise<void>((r) => flood.listen(0, '127.0.0.1', r));
    try {
      const port = (flood.address() as AddressInfo).port;
      const { connector } = createHttpConnector({ baseUrl: `http://127.0.0.1:${port}`, keyId: KEY_ID, secret: SECRET, maxAttempts: 1 });
      await assert.rejects(connector.balances(REF), (e) => e instanceof ExchangeError && e.kind === 'invalid_response');
      assert.ok(sent < 16 * 1024 * 1024, `stopped reading early (the server wrote ${sent} bytes of 64 MiB)`);
    } finally {
      flood.closeAllConnections();
      await new Promise((r) => flood.close(r));
    }
  });

  it('a "." or ".." account reference or key id is refused before anything is signed or sent', () => {
    for (const bad of ['.', '..', '']) {
      assert.throws(() => routePath('balances', bad), ExchangeError);
      assert.throws(() => routePath('revokeApiKey', 'ACC-1', bad), ExchangeError);
    }
    assert.equal(routePath('balances', 'a/../b'), '/v1/accounts/a%2F..%2Fb/balances', 'slashes are encoded, so a dotted ref stays one segment');
  });

  it('an API secret the exchange sends anyway is dropped by the allow-list', async () => {
    const leaky = createSimulator({ keyId: KEY_ID, secret: SECRET, leakApiSecrets: true });
    const leakyUrl = await leaky.listen(0);
    try {
      let ref = 'ACC-keys-0';
      for (let i = 1; syntheticAccount(ref).apiKeys.length === 0; i++) ref = `ACC-keys-${i}`;
      const res = await fetch(`${leakyUrl}${routePath('apiKeys', ref)}`, { headers: signed(routePath('apiKeys', ref)) });
      assert.match(await res.text(), /sk_live_/, 'the simulator does leak it');
      const { connector } = createHttpConnector({ baseUrl: leakyUrl, keyId: KEY_ID, secret: SECRET });
      const keys = await connector.apiKeys(ref);
      assert.ok(keys.length > 0);
      assert.doesNotMatch(JSON.stringify(keys), /sk_live_|secret/i);
      for (const k of keys) assert.deepEqual(Object.keys(k).sort(), ['createdAt', 'ipWhitelist', 'keyId', 'label', 'last4', 'lastUsedAt', 'permissions']);
    } finally {
      await leaky.close();
    }
  });
});
