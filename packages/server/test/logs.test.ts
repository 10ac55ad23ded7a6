// Structured logs (issue #21): JSON lines with a request id (the caller's when well-formed, echoed back), the level from the environment, no secret in any line.

import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createLogger, logLevel } from '../src/observability/logger.js';
import {
  API,
  PASSWORD,
  createCookieJar,
  createTestInstance,
  send,
  signIn,
  signUp,
  refresh,
  type TestInstance,
} from '../../../test-support/instance.js';

const instances: TestInstance[] = [];
after(async () => {
  for (const t of instances.reverse()) await t.close();
});

/** An instance whose logger writes into `lines` (parsed JSON). */
async function open(level = 'info'): Promise<{ t: TestInstance; lines: Record<string, unknown>[] }> {
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger({ level, destination: { write: (line: string) => void lines.push(JSON.parse(line)) } });
  const t = await createTestInstance({ logger, log: undefined });
  instances.push(t);
  return { t, lines };
}

describe('structured logs', () => {
  test('one request line per API request with a generated id, echoed in X-Request-Id; the query string is never logged', async () => {
    const { t, lines } = await open();
    const res = await send(t, `${API}/session?__clerk_ticket=sekrit-ticket`);
    assert.equal(res.status, 401);
    const id = res.headers.get('x-request-id') ?? '';
    assert.match(id, /^[0-9a-f-]{36}$/);
    const requestLines = lines.filter((l) => l.msg === 'request');
    assert.equal(requestLines.length, 1);
    assert.deepEqual(
      { ...requestLines[0], time: 0, ms: 0, pid: 0, hostname: '' },
      {
        level: 30,
        time: 0,
        pid: 0,
        hostname: '',
        service: 'gatehouse',
        requestId: id,
        method: 'GET',
        path: `${API}/session`,
        status: 401,
        ms: 0,
        msg: 'request',
      },
    );
    assert.ok(!JSON.stringify(lines).includes('sekrit-ticket'));
  });

  test("a caller's well-formed X-Request-Id is kept; a malformed one is replaced", async () => {
    const { t } = await open();
    const kept = await send(t, `${API}/jwks`, { headers: { 'x-request-id': 'edge-4bf92f3577b34da6.a3ce929d0e0e4736' } });
    assert.equal(kept.headers.get('x-request-id'), 'edge-4bf92f3577b34da6.a3ce929d0e0e4736');
    for (const bad of ['a b', 'x'.repeat(129), '{"level":60}', 'id\u00e9']) {
      const res = await send(t, `${API}/jwks`, { headers: { 'x-request-id': bad } });
      assert.match(res.headers.get('x-request-id') ?? '', /^[0-9a-f-]{36}$/, bad);
    }
  });

  test('sign-up, sign-in, a failed sign-in and refresh leave no password, token or cookie value in any line', async () => {
    const { t, lines } = await open('trace');
    const jar = createCookieJar();
    await signUp(t, 'logs@example.com', jar);
    const failed = await signIn(t, 'logs@example.com', 'Wrong-Password-123');
    assert.equal(failed.status, 401);
    const other = createCookieJar();
    assert.equal((await signIn(t, 'logs@example.com', PASSWORD, other)).status, 200);
    const refreshed = await refresh(t, jar);
    assert.equal(refreshed.status, 200);
    assert.ok(lines.length >= 4);
    const text = JSON.stringify(lines);
    const secrets = [
      PASSWORD,
      'Wrong-Password-123',
      jar.get('__session'),
      jar.get('__client'),
      other.get('__session'),
      other.get('__client'),
    ];
    for (const secret of secrets) assert.ok(secret && !text.includes(secret), 'a secret reached the log');
  });

  test('messages are scrubbed of anything shaped like a credential, and object fields of credentials are redacted', () => {
    const lines: string[] = [];
    const logger = createLogger({ level: 'info', destination: { write: (line: string) => void lines.push(line) } });
    const jwt = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ1c2VyXzEifQ.c2lnbmF0dXJlLXNpZ25hdHVyZQ';
    const key = 'gh_sk_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';
    const client = `client_${'a'.repeat(26)}.${'B'.repeat(43)}`;
    logger.info(`failed with ${jwt} and ${key} for ${client} at postgres://app:hunter2@db/prod`);
    logger.info(
      { password: 'pw-1', headers: { cookie: '__session=abc', authorization: 'Bearer xyz' }, body: { token: 'tok-1' } },
      'object',
    );
    const text = lines.join('');
    for (const secret of [jwt, key, 'B'.repeat(43), 'hunter2', 'pw-1', '__session=abc', 'Bearer xyz', 'tok-1'])
      assert.ok(!text.includes(secret), secret);
    assert.match(text, /client_a{26}\.\[secret\]/);
    assert.match(text, /postgres:\/\/app:\[password\]@db\/prod/);
  });

  test('the level comes from GATEHOUSE_LOG_LEVEL, then LOG_LEVEL; an unknown level stops the start', async () => {
    assert.equal(logLevel({}), 'info');
    assert.equal(logLevel({ LOG_LEVEL: 'debug' }), 'debug');
    assert.equal(logLevel({ GATEHOUSE_LOG_LEVEL: 'WARN', LOG_LEVEL: 'debug' }), 'warn');
    assert.throws(() => logLevel({ GATEHOUSE_LOG_LEVEL: 'verbose' }), /GATEHOUSE_LOG_LEVEL must be one of/);
    const { t, lines } = await open('warn');
    await send(t, `${API}/jwks`);
    assert.equal(lines.filter((l) => l.msg === 'request').length, 0, 'info lines are below warn');
  });
});
