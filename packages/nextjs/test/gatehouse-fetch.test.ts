// The browser fetch wrapper: a same-origin 401 is retried once after a refresh, nothing else is;
// callApi turns the API's error bodies into GatehouseErrors with their codes.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isGatehouseError } from '@gatehouse/core';
import { callApi, createGatehouseFetch, type FetchLike } from '../src/client/gatehouse-fetch.js';

const ORIGIN = 'http://app.test';

/** A fake fetch answering from a list of statuses, recording what it was asked. */
function fakeFetch(statuses: number[]): FetchLike & { calls: Array<{ url: string; init: RequestInit | undefined; body: string | null }> } {
  const calls: Array<{ url: string; init: RequestInit | undefined; body: string | null }> = [];
  const fn = async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const body = input instanceof Request ? await input.text() : typeof init?.body === 'string' ? init.body : null;
    calls.push({ url, init, body });
    const status = statuses.shift() ?? 500;
    return new Response(JSON.stringify(status === 200 ? { ok: true } : { error: { code: 'unauthenticated', message: 'no' } }), { status });
  };
  return Object.assign(fn, { calls });
}

function wrapper(statuses: number[], refreshed: string | null = 'jwt') {
  const base = fakeFetch(statuses);
  let refreshes = 0;
  const wrapped = createGatehouseFetch({
    fetch: base,
    origin: () => ORIGIN,
    refresh: async () => {
      refreshes++;
      return refreshed;
    },
  });
  return { wrapped, base, refreshes: () => refreshes };
}

describe('createGatehouseFetch', () => {
  test('a same-origin 401 is refreshed and sent again once, with the same body', async () => {
    const { wrapped, base, refreshes } = wrapper([401, 200]);
    const res = await wrapped('/api/gatehouse/organizations', { method: 'POST', body: '{"name":"Acme"}' });
    assert.equal(res.status, 200);
    assert.equal(refreshes(), 1);
    assert.deepEqual(
      base.calls.map((c) => [c.url, c.body, c.init?.credentials]),
      [
        ['/api/gatehouse/organizations', '{"name":"Acme"}', 'same-origin'],
        ['/api/gatehouse/organizations', '{"name":"Acme"}', 'same-origin'],
      ],
    );
  });

  test('a Request input is cloned, so its body goes out twice', async () => {
    const { wrapped, base } = wrapper([401, 200]);
    const res = await wrapped(new Request(`${ORIGIN}/api/data`, { method: 'POST', body: 'payload' }));
    assert.equal(res.status, 200);
    assert.deepEqual(
      base.calls.map((c) => c.body),
      ['payload', 'payload'],
    );
  });

  test('a second 401 is returned as is (no loop), and so is a 401 when the refresh fails', async () => {
    const twice = wrapper([401, 401]);
    assert.equal((await twice.wrapped('/api/me')).status, 401);
    assert.equal(twice.refreshes(), 1);
    assert.equal(twice.base.calls.length, 2);

    const gone = wrapper([401], null);
    assert.equal((await gone.wrapped('/api/me')).status, 401);
    assert.equal(gone.refreshes(), 1);
    assert.equal(gone.base.calls.length, 1, 'not sent again without a fresh token');
  });

  test('other statuses, cross-origin requests and stream bodies are never retried', async () => {
    const forbidden = wrapper([403]);
    assert.equal((await forbidden.wrapped('/api/me')).status, 403);
    assert.equal(forbidden.refreshes(), 0);

    const crossOrigin = wrapper([401]);
    assert.equal((await crossOrigin.wrapped('https://other.test/api')).status, 401);
    assert.equal(crossOrigin.refreshes(), 0, 'the session cookie never went there');

    const stream = wrapper([401]);
    const body = new ReadableStream({ start: (c) => c.close() });
    assert.equal((await stream.wrapped('/api/upload', { method: 'POST', body, duplex: 'half' } as RequestInit)).status, 401);
    assert.equal(stream.refreshes(), 0, 'a stream cannot be sent twice');
  });
});

describe('callApi', () => {
  test('returns the JSON body and sends JSON', async () => {
    const base = fakeFetch([200]);
    assert.deepEqual(await callApi(base, '/api/x', { method: 'POST', body: { a: 1 } }), { ok: true });
    assert.equal(base.calls[0]?.body, '{"a":1}');
    assert.deepEqual(base.calls[0]?.init?.headers, { 'content-type': 'application/json' });
  });

  test("an error body becomes a GatehouseError with the API's code and message", async () => {
    await assert.rejects(callApi(fakeFetch([401]), '/api/x'), (error: unknown) => {
      assert.ok(isGatehouseError(error));
      assert.equal(error.code, 'unauthenticated');
      assert.equal(error.message, 'no');
      return true;
    });
  });

  test('an unknown code, a non-JSON answer and a network failure are internal_error', async () => {
    const odd: FetchLike = async () => new Response(JSON.stringify({ error: { code: 'made_up', message: 'x' } }), { status: 418 });
    await assert.rejects(callApi(odd, '/x'), { name: 'GatehouseError', code: 'internal_error' });
    const html: FetchLike = async () => new Response('<html>', { status: 502 });
    await assert.rejects(callApi(html, '/x'), { name: 'GatehouseError', code: 'internal_error' });
    const offline: FetchLike = async () => {
      throw new TypeError('fetch failed');
    };
    await assert.rejects(callApi(offline, '/x'), { name: 'GatehouseError', code: 'internal_error' });
  });
});
