// The HTTP surface from the attacker's side: security headers on every response, nothing cacheable from the
// API, every error an RFC 9457 problem+json that names no internals, routes that cannot be registered
// without an access declaration, and the published contract (OpenAPI 3.1) and probes (/healthz, /readyz).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import Fastify, { type FastifyInstance, type LightMyRequestResponse } from 'fastify';
import { expectProblem } from '../../../../test/helpers/problem.js';
import { createTestApp, type TestApp } from '../../../../test/helpers/test-app.js';
import { enforceRouteDeclarations } from './auth.js';
import { installProblemHandlers } from './problem.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The CSP header as directive → sources. */
function csp(res: LightMyRequestResponse): Map<string, string[]> {
  const header = res.headers['content-security-policy'];
  assert.equal(typeof header, 'string', `no CSP on ${res.raw.req.url}`);
  return new Map(
    String(header)
      .split(';')
      .map((d) => d.trim())
      .filter(Boolean)
      .map((d) => {
        const [name, ...sources] = d.split(/\s+/);
        return [name!, sources] as const;
      }),
  );
}

describe('HTTP surface', () => {
  let t: TestApp;
  // Each failing request comes from its own address so the strict per-IP limit on sign-in never interferes.
  let ipCounter = 1;
  const nextIp = () => `127.0.1.${ipCounter++}`;

  before(async () => {
    t = await createTestApp();
  });
  after(async () => {
    await t?.close();
  });

  const probes: { name: string; run: () => Promise<LightMyRequestResponse>; status: number }[] = [
    { name: 'GET /healthz', status: 200, run: () => t.app.inject({ method: 'GET', url: '/healthz' }) },
    { name: 'GET /readyz', status: 200, run: () => t.app.inject({ method: 'GET', url: '/readyz' }) },
    { name: 'GET /api/openapi.json', status: 200, run: () => t.app.inject({ method: 'GET', url: '/api/openapi.json' }) },
    { name: 'GET /api/v1/audit/events (no session)', status: 401, run: () => t.app.inject({ method: 'GET', url: '/api/v1/audit/events' }) },
    { name: 'GET /api/v1/no-such-route', status: 404, run: () => t.app.inject({ method: 'GET', url: '/api/v1/no-such-route' }) },
    { name: 'GET /no-such-page (web disabled)', status: 404, run: () => t.app.inject({ method: 'GET', url: '/no-such-page' }) },
    {
      name: 'POST /api/v1/auth/login (malformed JSON)',
      status: 400,
      run: () =>
        t.app.inject({
          method: 'POST',
          url: '/api/v1/auth/login',
          remoteAddress: nextIp(),
          headers: { 'content-type': 'application/json' },
          payload: '{"email":',
        }),
    },
  ];

  it('sends a strict CSP, nosniff and frame denial on every response, and no HSTS on plain loopback HTTP', async () => {
    for (const p of probes) {
      const res = await p.run();
      assert.equal(res.statusCode, p.status, `${p.name}: ${res.body}`);
      const policy = csp(res);
      assert.deepEqual(policy.get('default-src'), ["'self'"], `${p.name} default-src`);
      assert.deepEqual(policy.get('script-src'), ["'self'"], `${p.name} script-src (no unsafe-inline/eval)`);
      assert.deepEqual(policy.get('frame-ancestors'), ["'none'"], `${p.name} frame-ancestors`);
      assert.deepEqual(policy.get('object-src'), ["'none'"], `${p.name} object-src`);
      assert.deepEqual(policy.get('base-uri'), ["'none'"], `${p.name} base-uri`);
      assert.equal(res.headers['x-content-type-options'], 'nosniff', p.name);
      assert.equal(res.headers['x-frame-options'], 'DENY', p.name);
      assert.equal(res.headers['referrer-policy'], 'no-referrer', p.name);
      assert.equal(res.headers['strict-transport-security'], undefined, `${p.name}: HSTS on plain HTTP`);
      assert.equal(policy.has('upgrade-insecure-requests'), false, `${p.name}: upgrade-insecure-requests on plain HTTP`);
      assert.equal(res.headers['x-powered-by'], undefined, p.name);
      assert.equal(res.headers.server, undefined, p.name);
    }
  });

  it('marks every API and probe response Cache-Control: no-store', async () => {
    for (const p of probes) {
      const res = await p.run();
      const path = res.raw.req.url ?? '';
      if (!path.startsWith('/api/') && path !== '/healthz' && path !== '/readyz') continue;
      assert.equal(res.headers['cache-control'], 'no-store', `${p.name}: ${String(res.headers['cache-control'])}`);
    }
  });

  it('ignores a request id sent by the client (no log or audit injection through it)', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/no-such-route', headers: { 'x-request-id': 'attacker-chosen-id' } });
    const body = expectProblem(res, 404, 'not_found');
    const id = String(body.instance).slice('urn:request:'.length);
    assert.match(id, UUID);
    assert.ok(!res.body.includes('attacker-chosen-id'));
  });

  it('answers a malformed JSON body with 400 problem+json that does not echo the body', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      remoteAddress: nextIp(),
      headers: { 'content-type': 'application/json' },
      payload: '{"email":"victim@bank.test","password":"hunter2-Secret!!',
    });
    const body = expectProblem(res, 400, 'bad_request');
    assert.equal(body.detail, 'The body is not valid JSON');
    assert.ok(!res.body.includes('hunter2'), res.body);
    assert.ok(!res.body.includes('victim@bank.test'), res.body);
  });

  it('answers a body over 1 MiB with 413 before parsing it, and accepts one just under (control)', async () => {
    const big = JSON.stringify({ email: 'a@b.test', password: 'x'.repeat(1024 * 1024), totpCode: '123456' });
    const tooLarge = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      remoteAddress: nextIp(),
      headers: { 'content-type': 'application/json' },
      payload: big,
    });
    expectProblem(tooLarge, 413, 'payload_too_large');
    assert.equal(tooLarge.headers['cache-control'], 'no-store');

    // Just under the limit: parsed, then refused by the schema (the password is at most 128 characters).
    const under = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      remoteAddress: nextIp(),
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ email: 'a@b.test', password: 'x'.repeat(1024 * 1024 - 100), totpCode: '123456' }),
    });
    const body = expectProblem(under, 400, 'validation_failed');
    assert.ok(under.body.length < 2000, 'the validation error must not echo the value');
    assert.ok((body.errors as { path: string }[]).some((e) => e.path.endsWith('password')));
  });

  it('refuses bodies that are not JSON with 415 (form posts and text/plain are what cross-site forms send)', async () => {
    for (const [type, payload] of [
      ['application/x-www-form-urlencoded', 'email=a%40b.test&password=x&totpCode=123456'],
      ['multipart/form-data; boundary=x', '--x\r\nContent-Disposition: form-data; name="email"\r\n\r\na@b.test\r\n--x--\r\n'],
      ['text/plain', '{"email":"a@b.test","password":"x","totpCode":"123456"}'],
      ['application/xml', '<login/>'],
    ] as const) {
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        remoteAddress: nextIp(),
        headers: { 'content-type': type },
        payload,
      });
      expectProblem(res, 415, 'unsupported_media_type');
      assert.equal(res.headers['cache-control'], 'no-store');
    }
    // Control: JSON with a charset parameter is JSON.
    const ok = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      remoteAddress: nextIp(),
      headers: { 'content-type': 'application/json; charset=utf-8' },
      payload: JSON.stringify({ email: 'nobody@bank.test', password: 'wrong password here', totpCode: '123456' }),
    });
    expectProblem(ok, 401, 'login_failed');
  });

  it('names the offending field of a validation error, without echoing its value', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/bootstrap/complete',
      remoteAddress: nextIp(),
      payload: { token: 'A'.repeat(43), displayName: 'Eve', email: 'eve@bank.test', password: 'Sh0rt!pw', totpCode: '123456' },
    });
    const body = expectProblem(res, 400, 'validation_failed');
    const errors = body.errors as { path: string; message: string }[];
    assert.ok(Array.isArray(errors) && errors.length > 0);
    assert.ok(errors.some((e) => e.path.includes('password')), JSON.stringify(errors));
    assert.ok(!res.body.includes('Sh0rt!pw'), 'the rejected password is echoed back');

    const badEmail = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      remoteAddress: nextIp(),
      payload: { email: 'not-an-email-<script>', password: '' },
    });
    const b2 = expectProblem(badEmail, 400, 'validation_failed');
    const paths = (b2.errors as { path: string }[]).map((e) => e.path);
    assert.ok(paths.some((p) => p.endsWith('email')), paths.join());
    assert.ok(paths.some((p) => p.endsWith('password')), paths.join());
    assert.ok(!badEmail.body.includes('<script>'));
  });

  it('answers unknown routes and methods with problem+json 404, never the SPA or a stack', async () => {
    for (const [method, url] of [
      ['GET', '/api/v1/no-such-route'],
      ['POST', '/api/v1/no-such-route'],
      ['DELETE', '/api/v1/auth/login'],
      ['GET', '/api'],
      ['GET', '/api/v1/audit/events/../../../etc/passwd'],
    ] as const) {
      const res = await t.app.inject({ method, url, remoteAddress: nextIp(), ...(method === 'POST' ? { payload: {} } : {}) });
      expectProblem(res, 404, 'not_found');
      assert.equal(res.headers['cache-control'], 'no-store', `${method} ${url}`);
    }
  });

  it('publishes OpenAPI 3.1 generated from the route schemas', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/openapi.json' });
    assert.equal(res.statusCode, 200);
    const doc = res.json() as {
      openapi: string;
      paths: Record<string, Record<string, { requestBody?: { content: Record<string, { schema: { properties: Record<string, unknown>; required: string[] } }> }; parameters?: { name: string; in: string }[]; responses: Record<string, { content?: Record<string, { schema: { properties?: Record<string, unknown> } }> }> }>>;
      components: { securitySchemes: Record<string, { in: string; name: string }> };
    };
    assert.match(doc.openapi, /^3\.1\.\d+$/);
    const login = doc.paths['/api/v1/auth/login']?.post;
    assert.ok(login, 'login is listed');
    const loginSchema = login.requestBody!.content['application/json']!.schema;
    // Sign-in is two steps: email and password here, the second factor at /auth/mfa/*.
    assert.deepEqual(Object.keys(loginSchema.properties).sort(), ['email', 'password']);
    assert.deepEqual([...loginSchema.required].sort(), ['email', 'password']);
    assert.ok(login.responses['200']!.content!['application/json']!.schema.properties!.csrfToken);
    assert.ok(login.responses['200']!.content!['application/json']!.schema.properties!.state);
    const totp = doc.paths['/api/v1/auth/mfa/totp']?.post;
    assert.ok(totp, 'the second step is listed');
    assert.deepEqual(Object.keys(totp.requestBody!.content['application/json']!.schema.properties), ['code']);

    const complete = doc.paths['/api/v1/bootstrap/complete']?.post;
    assert.ok(complete, 'bootstrap/complete is listed');
    const completeSchema = complete.requestBody!.content['application/json']!.schema;
    assert.deepEqual(Object.keys(completeSchema.properties).sort(), ['displayName', 'email', 'password', 'token', 'totpCode']);
    assert.equal((completeSchema.properties.password as { minLength: number }).minLength, 12);

    const events = doc.paths['/api/v1/audit/events']?.get;
    assert.ok(events, 'audit/events is listed');
    assert.ok(events.parameters!.some((p) => p.in === 'query' && p.name === 'before'));
    assert.ok(events.responses['200']!.content!['application/json']!.schema.properties!.events);

    // The session cookie and the CSRF header are documented; internal routes are not.
    assert.equal(doc.components.securitySchemes.session!.in, 'cookie');
    assert.equal(doc.components.securitySchemes.csrf!.name, 'x-csrf-token');
    assert.equal(doc.paths['/metrics'], undefined);
    assert.equal(doc.paths['/api/openapi.json'], undefined);
  });

  it('/healthz says only "ok"; /readyz reports database, migrations and key ring all ready', async () => {
    const health = await t.app.inject({ method: 'GET', url: '/healthz' });
    assert.equal(health.statusCode, 200);
    assert.deepEqual(health.json(), { status: 'ok' });
    const ready = await t.app.inject({ method: 'GET', url: '/readyz' });
    assert.equal(ready.statusCode, 200);
    assert.deepEqual(ready.json(), { status: 'ready', checks: { database: true, migrations: true, keyRing: true } });
  });

  // Last on purpose: it shuts the audit writer down, after which this app refuses everything.
  it('fails closed with a bare 500 when the audit log cannot be written (no detail, no stack)', async () => {
    await t.container.writer.close();
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/audit/events' });
    const body = expectProblem(res, 500, 'internal_error');
    assert.deepEqual(Object.keys(body).sort(), ['code', 'instance', 'status', 'title', 'type']);
    assert.ok(!/audit writer|closed|at .*\.ts/.test(res.body), res.body);
    assert.equal(res.headers['cache-control'], 'no-store');
    assert.match(t.logs(), /unhandled error/);
  });
});

describe('installProblemHandlers on a bare Fastify instance', () => {
  let app: FastifyInstance;
  const secret = 'alice.secret@bank.test';
  before(async () => {
    app = Fastify({ logger: false });
    installProblemHandlers(app);
    app.get('/plain', async () => {
      throw new Error(`connect ECONNREFUSED 10.0.0.5:5432 for ${secret}`);
    });
    app.get('/pg', async () => {
      throw Object.assign(new Error('duplicate key value violates unique constraint "staff_email_bidx_key"'), {
        code: '23505',
        detail: `Key (email)=(${secret}) already exists.`,
        where: 'SQL statement "insert into staff …"',
      });
    });
    app.get('/503', async () => {
      throw Object.assign(new Error(`upstream down for ${secret}`), { statusCode: 503 });
    });
    app.get('/409', async () => {
      throw Object.assign(new Error(`conflict on ${secret}`), { statusCode: 409 });
    });
    app.get('/string', async () => {
      throw `raw string ${secret}`;
    });
    app.get('/null', async () => {
      throw null;
    });
    await app.ready();
  });
  after(async () => {
    await app.close();
  });

  it('turns any 5xx into a bare internal_error: no detail, no stack, no message', async () => {
    for (const url of ['/plain', '/pg', '/503', '/string', '/null']) {
      const res = await app.inject({ method: 'GET', url });
      const body = expectProblem(res, 500, 'internal_error');
      assert.deepEqual(Object.keys(body).sort(), ['code', 'instance', 'status', 'title', 'type'], url);
      for (const leak of [secret, 'ECONNREFUSED', '10.0.0.5', 'staff_email_bidx_key', '23505', 'stack', 'node_modules']) {
        assert.ok(!res.body.includes(leak), `${url} leaks ${leak}: ${res.body}`);
      }
    }
  });

  it('never copies the message of an unexpected 4xx error into the answer', async () => {
    const res = await app.inject({ method: 'GET', url: '/409' });
    assert.equal(res.statusCode, 409);
    assert.match(String(res.headers['content-type']), /^application\/problem\+json/);
    assert.ok(!res.body.includes(secret), res.body);
  });
});

describe('enforceRouteDeclarations', () => {
  /** Builds a bare app with the guard and `register`, then readies it. */
  async function build(register: (app: FastifyInstance) => void | Promise<void>): Promise<void> {
    const app = Fastify({ logger: false });
    try {
      enforceRouteDeclarations(app);
      await register(app);
      await app.ready();
    } finally {
      await app.close();
    }
  }

  it('refuses to start with a route that declares neither a permission nor public', async () => {
    await assert.rejects(build((app) => void app.get('/api/v1/forgotten', async () => 'data')), /declares neither/);
    await assert.rejects(build((app) => void app.post('/api/v1/forgotten', { config: {} }, async () => 'data')), /declares neither/);
    await assert.rejects(build((app) => void app.get('/api/v1/forgotten', { config: { public: false } }, async () => 'data')), /declares neither/);
    // Inside an encapsulated plugin too (hooks are inherited by child contexts).
    await assert.rejects(
      build(async (app) => {
        await app.register(async (child) => {
          child.put('/api/v1/nested', async () => 'data');
        });
      }),
      /declares neither/,
    );
  });

  it('refuses a permission that is not in the registry (a typo must not open a route)', async () => {
    await assert.rejects(
      build((app) => void app.get('/api/v1/typo', { config: { permission: 'audit.raed' as never } }, async () => 'data')),
      /unknown permission/,
    );
  });

  it('accepts routes that declare a registered permission, signedIn or public (control)', async () => {
    await build((app) => {
      app.get('/a', { config: { permission: 'audit.read' } }, async () => 'a');
      app.get('/b', { config: { public: true } }, async () => 'b');
      app.post('/c', { config: { signedIn: true } }, async () => 'c');
    });
  });
});
