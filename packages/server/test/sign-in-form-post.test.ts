// Sign-in and sign-up without JavaScript (issue #15, item 14): form posts through the mounted handler, credentials never read from a query string.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { API, PASSWORD, createCookieJar, createTestInstance, send, signUp, type TestInstance } from '../../../test-support/instance.js';

let t: TestInstance;
before(async () => {
  t = await createTestInstance();
  await signUp(t, 'form@example.com', createCookieJar());
});
after(() => t.close());

const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
const FORM = 'application/x-www-form-urlencoded';

describe('form posts (no JavaScript)', () => {
  test('sign-in: 303 to the redirect_url with the session cookies', async () => {
    const jar = createCookieJar();
    const res = await send(t, `${API}/sign-in`, {
      rawBody: form({ email: 'form@example.com', password: PASSWORD, redirect_url: '/dashboard?tab=1', return_to: '/sign-in' }),
      contentType: FORM,
      jar,
    });
    assert.equal(res.status, 303);
    assert.equal(res.headers.get('location'), '/dashboard?tab=1');
    assert.equal(res.headers.get('cache-control'), 'no-store');
    assert.ok(jar.get('__session') && jar.get('__client'));
  });

  test('a wrong password: 303 back to the form with the error code, nothing typed in the URL, no cookie', async () => {
    const before = t.counts();
    const res = await send(t, `${API}/sign-in`, {
      rawBody: form({ email: 'form@example.com', password: 'wrong-password-123', redirect_url: '/dashboard', return_to: '/sign-in' }),
      contentType: FORM,
    });
    assert.equal(res.status, 303);
    const location = res.headers.get('location') ?? '';
    assert.equal(location, '/sign-in?error=invalid_credentials&redirect_url=%2Fdashboard');
    assert.ok(!location.includes('form%40example') && !location.includes('wrong-password'));
    assert.deepEqual(res.setCookies, []);
    assert.equal(t.counts().sessions, before.sessions);
  });

  test('foreign redirect and return targets fall back to this origin', async () => {
    const res = await send(t, `${API}/sign-in`, {
      rawBody: form({ email: 'form@example.com', password: PASSWORD, redirect_url: 'https://evil.example/x', return_to: '//evil.example' }),
      contentType: FORM,
    });
    assert.equal(res.status, 303);
    assert.equal(res.headers.get('location'), '/');
    const failed = await send(t, `${API}/sign-in`, {
      rawBody: form({ email: 'form@example.com', password: 'nope', return_to: 'https://evil.example/sign-in' }),
      contentType: FORM,
    });
    assert.equal(failed.headers.get('location'), '/sign-in?error=invalid_credentials');
  });

  test('sign-up by form post', async () => {
    const jar = createCookieJar();
    const res = await send(t, `${API}/sign-up`, {
      rawBody: form({ email: 'form-new@example.com', password: PASSWORD, redirect_url: '/welcome' }),
      contentType: FORM,
      jar,
    });
    assert.equal(res.status, 303);
    assert.equal(res.headers.get('location'), '/welcome');
    assert.ok(jar.get('__session'));
  });

  test('a cross-site form post is refused like any other', async () => {
    const res = await send(t, `${API}/sign-in`, {
      rawBody: form({ email: 'form@example.com', password: PASSWORD }),
      contentType: FORM,
      origin: 'https://evil.example',
    });
    assert.equal(res.status, 403);
    assert.deepEqual(res.setCookies, []);
  });
});

describe('credentials in the query string are never read', () => {
  test('GET with them: 405, no session; POST with them and an empty body: refused, no session', async () => {
    const before = t.counts();
    const query = `?email=form%40example.com&password=${encodeURIComponent(PASSWORD)}`;
    const get = await send(t, `${API}/sign-in${query}`);
    assert.equal(get.status, 405);
    const emptyForm = await send(t, `${API}/sign-in${query}`, { rawBody: '', contentType: FORM });
    assert.equal(emptyForm.status, 303);
    assert.equal(emptyForm.headers.get('location'), '/sign-in?error=invalid_body');
    assert.deepEqual(emptyForm.setCookies, []);
    const emptyJson = await send(t, `${API}/sign-in${query}`, { method: 'POST', rawBody: '{}' });
    assert.equal(emptyJson.status, 400);
    assert.deepEqual(emptyJson.setCookies, []);
    assert.equal(t.counts().sessions, before.sessions);
  });
});
