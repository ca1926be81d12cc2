// Assertions on RFC 9457 problem+json answers.
import assert from 'node:assert/strict';
import type { LightMyRequestResponse } from 'fastify';

/** Asserts a problem+json response with the given status and stable code; returns the body. */
export function expectProblem(res: LightMyRequestResponse, status: number, code: string): Record<string, unknown> {
  assert.equal(res.statusCode, status, `expected ${status} ${code}, got ${res.statusCode}: ${res.body}`);
  assert.match(String(res.headers['content-type']), /^application\/problem\+json/);
  const body = res.json() as Record<string, unknown>;
  assert.equal(body.status, status, res.body);
  assert.equal(body.code, code, res.body);
  assert.equal(body.type, `https://bulwark.dev/problems/${code}`);
  assert.equal(typeof body.title, 'string');
  assert.match(String(body.instance), /^urn:request:/);
  assert.equal(body.stack, undefined);
  return body;
}
