// Issue #23: where a middleware redirect points. Next's own view of the request decides; only under Next 15's `localhost`
// naming of a loopback listen address does the request's Host pick the loopback address the browser used, and nothing else.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { redirectLocation } from '../src/server/redirect-location.js';

describe('redirectLocation (issue #23)', () => {
  const next15 = new URL('http://localhost:3000/dashboard');

  test("on Next 15's localhost: the loopback address of the Host header, spelled so Next keeps it, same path and query", () => {
    const location = redirectLocation('/sign-in?redirect_url=%2Fdashboard', next15, '127.0.0.1:3000');
    assert.equal(location, 'http://127.1:3000/sign-in?redirect_url=%2Fdashboard');
    assert.equal(new URL(location).host, '127.0.0.1:3000');
    assert.equal(new URL(redirectLocation('/sign-in', next15, '[::1]:3000')).host, '[::1]:3000');
    assert.equal(new URL(redirectLocation('/sign-in', next15, '127.0.0.2:3000')).host, '127.0.0.2:3000');
  });

  test('a Host that is no loopback address, or another port, or another target origin: Next’s own URL', () => {
    for (const host of [
      'evil.example',
      'evil.example:3000',
      '127.0.0.1:4000',
      '127.0.0.1',
      '127.0.0.1.evil.example:3000',
      '127.0.0.256:3000',
      null,
    ]) {
      assert.equal(redirectLocation('/sign-in', next15, host), 'http://localhost:3000/sign-in', String(host));
    }
    assert.equal(redirectLocation('https://accounts.example/sign-in', next15, '127.0.0.1:3000'), 'https://accounts.example/sign-in');
  });

  test('anywhere Next names the origin itself (Next 16, a real host): its URL, whatever the Host says', () => {
    const real = new URL('https://app.example/dashboard');
    assert.equal(redirectLocation('/sign-in', real, '127.0.0.1:443'), 'https://app.example/sign-in');
    assert.equal(redirectLocation('/sign-in', new URL('http://127.0.0.1:3000/x'), '127.0.0.1:3000'), 'http://127.0.0.1:3000/sign-in');
  });
});
