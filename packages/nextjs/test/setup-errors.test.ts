// Setup mistakes answered with messages that name the fix: the auth API not mounted (a real HTTP
// server answering like Next's 404 page), and auth() reached without the middleware/proxy.

import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isGatehouseError } from '@gatehouse/core';
import { callApi } from '../src/client/gatehouse-fetch.js';
import { MIDDLEWARE_SKIPPED_MESSAGE, resetMiddlewareWarning, warnIfMiddlewareSkipped } from '../src/server/setup-errors.js';
import { PATH_HEADER } from '../src/server/settings.js';

const server = createServer((req, res) => {
  if (req.url?.startsWith('/api/gatehouse/')) {
    // The API itself: its 404s are JSON.
    res
      .writeHead(404, { 'content-type': 'application/json' })
      .end(JSON.stringify({ error: { code: 'not_found', message: 'No such endpoint.' } }));
  } else {
    // What Next.js answers where no route handler is mounted.
    res
      .writeHead(404, { 'content-type': 'text/html; charset=utf-8' })
      .end('<!DOCTYPE html><html><body>404: This page could not be found.</body></html>');
  }
});
await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
after(() => new Promise<void>((done) => server.close(() => done())));

describe('setup errors', () => {
  test('the client SDK says how to mount the handler when the auth API path answers an HTML 404', async () => {
    const logged: string[] = [];
    const original = console.error;
    console.error = (message: string) => void logged.push(message);
    try {
      await assert.rejects(callApi(fetch, `${origin}/api/auth/session`), (error: unknown) => {
        assert.ok(isGatehouseError(error));
        assert.equal(error.code, 'setup_missing');
        assert.match(error.message, /app\/api\/gatehouse\/\[\.\.\.gatehouse\]\/route\.ts/);
        assert.match(error.message, /@gatehouse\/nextjs\/handler/);
        return true;
      });
    } finally {
      console.error = original;
    }
    assert.equal(logged.length, 1);
    assert.match(logged[0]!, /Mount the handler/);
  });

  test('a JSON 404 from the mounted API stays the API error, not a setup error', async () => {
    await assert.rejects(callApi(fetch, `${origin}/api/gatehouse/nope`), (error: unknown) => {
      assert.ok(isGatehouseError(error));
      assert.equal(error.code, 'not_found');
      return true;
    });
  });

  test('auth() without the middleware: one warning naming the file, its place and its Next 15/16 name', () => {
    resetMiddlewareWarning();
    const warnings: string[] = [];
    const warn = (m: string) => void warnings.push(m);
    assert.equal(warnIfMiddlewareSkipped(new Headers({ [PATH_HEADER]: '/dashboard' }), warn), false, 'the middleware ran');
    assert.equal(warnIfMiddlewareSkipped(new Headers(), warn), true);
    assert.equal(warnIfMiddlewareSkipped(new Headers(), warn), false, 'once per process');
    assert.deepEqual(warnings, [MIDDLEWARE_SKIPPED_MESSAGE]);
    for (const needle of ['proxy.ts on Next 16', 'middleware.ts on Next 15', 'project root', 'src/', 'matcher']) {
      assert.ok(MIDDLEWARE_SKIPPED_MESSAGE.includes(needle), needle);
    }
  });
});
