// The one cross-site write check (both scopes) and the live config reader's cache.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createConfigReader, crossSiteWrite, type BackendConfig } from '@gatehouse/core';
import { parseBackendConfig } from '../src/backend-config.js';

const OWN = 'https://app.example';
const req = (method: string, headers: Record<string, string>) => ({ method, headers: new Headers(headers) });

describe('crossSiteWrite', () => {
  const api = { ownOrigin: OWN, allowedOrigins: ['https://partner.example'], scope: 'every-write' } as const;
  const app = { ...api, scope: 'cookie-writes' } as const;

  test('safe methods pass; OPTIONS is a write only for the auth API', () => {
    for (const method of ['GET', 'head']) assert.equal(crossSiteWrite(req(method, { origin: 'https://evil.example' }), api), null);
    assert.equal(crossSiteWrite(req('OPTIONS', { origin: 'https://evil.example' }), api), 'foreign-origin');
    assert.equal(crossSiteWrite(req('OPTIONS', { origin: 'https://evil.example', cookie: '__session=x' }), app), null);
  });

  test('the browser saying cross-site, or a foreign Origin, is refused; own and allowed origins pass', () => {
    assert.equal(crossSiteWrite(req('POST', { 'sec-fetch-site': 'cross-site' }), api), 'cross-site');
    assert.equal(crossSiteWrite(req('POST', { origin: 'https://evil.example' }), api), 'foreign-origin');
    assert.equal(crossSiteWrite(req('POST', { origin: 'null' }), api), 'foreign-origin');
    assert.equal(crossSiteWrite(req('POST', { origin: OWN }), api), null);
    assert.equal(crossSiteWrite(req('DELETE', { origin: 'https://partner.example' }), api), null);
    assert.equal(crossSiteWrite(req('POST', {}), api), null);
  });

  test('on the app routes only writes that carry Gatehouse cookies are checked', () => {
    assert.equal(crossSiteWrite(req('POST', { origin: 'https://evil.example' }), app), null);
    assert.equal(crossSiteWrite(req('POST', { origin: 'https://evil.example', cookie: 'other=1' }), app), null);
    assert.equal(crossSiteWrite(req('POST', { origin: 'https://evil.example', cookie: '__client=c' }), app), 'foreign-origin');
    assert.equal(crossSiteWrite(req('PUT', { 'sec-fetch-site': 'cross-site', cookie: '__session=s' }), app), 'cross-site');
  });

  test('an own origin given as a function is read only when an Origin is compared, with the same verdicts', () => {
    let reads = 0;
    const lazy = { ...app, ownOrigin: () => (reads++, OWN) };
    const cases: [string, Record<string, string>][] = [
      ['GET', { origin: 'https://evil.example', cookie: '__session=s' }],
      ['POST', { origin: 'https://evil.example' }],
      ['POST', { 'sec-fetch-site': 'cross-site', cookie: '__session=s' }],
      ['POST', { cookie: '__session=s' }],
    ];
    for (const [method, headers] of cases)
      assert.equal(crossSiteWrite(req(method, headers), lazy), crossSiteWrite(req(method, headers), app));
    assert.equal(reads, 0, 'no Origin compared');
    for (const origin of [OWN, 'https://partner.example', 'https://evil.example']) {
      const headers = { origin, cookie: '__client=c' };
      assert.equal(crossSiteWrite(req('POST', headers), lazy), crossSiteWrite(req('POST', headers), app), origin);
    }
    assert.equal(reads, 3);
  });
});

describe('the live config reader', () => {
  const fallback: BackendConfig = {
    basePath: '/api/gatehouse',
    trustedProxyHops: 1,
    allowedOrigins: ['https://env.example'],
    clientMaxAgeSeconds: 60,
  };
  const served = (origins: string[]) => ({ ...fallback, allowedOrigins: origins });

  test('reads once per 2 s, shares a pending read, and keeps the last good value on failure', async () => {
    let clock = 0;
    let loads = 0;
    let answer: () => Promise<unknown> = async () => served(['https://a.example']);
    const read = createConfigReader(
      () => {
        loads += 1;
        return answer();
      },
      fallback,
      () => clock,
    );
    const [first, second] = await Promise.all([read(), read()]);
    assert.deepEqual(first.allowedOrigins, ['https://a.example']);
    assert.equal(second, first);
    assert.equal(loads, 1);
    clock = 1999;
    answer = async () => served(['https://b.example']);
    assert.deepEqual((await read()).allowedOrigins, ['https://a.example']);
    clock = 2000;
    assert.deepEqual((await read()).allowedOrigins, ['https://b.example']);
    assert.equal(loads, 2);
    clock = 4000;
    answer = async () => {
      throw new Error('unreachable');
    };
    assert.deepEqual((await read()).allowedOrigins, ['https://b.example']);
    clock = 6000;
    answer = async () => ({ allowedOrigins: 'everyone' });
    assert.deepEqual((await read()).allowedOrigins, ['https://b.example']);
  });

  test('a fresh read fetches whatever the cache holds, and later cached reads see its answer', async () => {
    let loads = 0;
    let origins = ['https://a.example'];
    const read = createConfigReader(
      async () => {
        loads += 1;
        return served(origins);
      },
      fallback,
      () => 0,
    );
    assert.deepEqual((await read()).allowedOrigins, ['https://a.example']);
    origins = [];
    assert.deepEqual((await read()).allowedOrigins, ['https://a.example'], 'within the cache time');
    assert.deepEqual((await read({ fresh: true })).allowedOrigins, [], 'the change, at once');
    assert.deepEqual((await read()).allowedOrigins, []);
    assert.equal(loads, 2);
  });

  test('before any good answer the fallback is used', async () => {
    const read = createConfigReader(async () => {
      throw new Error('down');
    }, fallback);
    assert.deepEqual((await read()).allowedOrigins, ['https://env.example']);
  });

  test('parseBackendConfig refuses documents that are not a config', () => {
    assert.equal(parseBackendConfig(null), null);
    assert.equal(parseBackendConfig({ ...fallback, basePath: 'relative' }), null);
    assert.equal(parseBackendConfig({ ...fallback, allowedOrigins: [1] }), null);
    assert.equal(parseBackendConfig({ ...fallback, trustedProxyHops: -1 }), null);
    assert.deepEqual(parseBackendConfig({ ...fallback, extra: true }), fallback);
  });
});
