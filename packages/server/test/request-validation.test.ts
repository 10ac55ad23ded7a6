// Rejected requests to the auth API (bad bodies, wrong media type, oversized, wrong method or path) get an exact 4xx JSON error and write nothing.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  API,
  PASSWORD,
  createCookieJar,
  createTestInstance,
  send,
  type SendOptions,
  type TestInstance,
} from '../../../test-support/instance.js';

let t: TestInstance;
before(async () => {
  t = await createTestInstance();
});
after(async () => {
  await t.close();
});

const invalid = (message: string) => ({ error: { code: 'invalid_body', message } });
const NOT_JSON = invalid('The body is not valid JSON.');
const TOO_LARGE = { error: { code: 'payload_too_large', message: 'The body must be at most 16384 bytes.' } };
const MEDIA_TYPE = { error: { code: 'unsupported_media_type', message: 'Send the body as application/json.' } };

const signUpCases: Array<{ name: string; request: SendOptions; status: number; body: unknown }> = [
  { name: 'not JSON', request: { rawBody: 'email=a%40b.co&password=12345678' }, status: 400, body: NOT_JSON },
  { name: 'truncated JSON', request: { rawBody: '{"email":"a@b.co","password":' }, status: 400, body: NOT_JSON },
  { name: 'empty body', request: { method: 'POST', contentType: 'application/json' }, status: 400, body: NOT_JSON },
  { name: 'empty string body', request: { rawBody: '' }, status: 400, body: NOT_JSON },
  {
    name: 'wrong content-type (text/plain)',
    request: { rawBody: JSON.stringify({ email: 'a@b.co', password: PASSWORD }), contentType: 'text/plain' },
    status: 415,
    body: MEDIA_TYPE,
  },
  {
    // An HTML form post (application/x-www-form-urlencoded) is answered with a 303 instead (issue #15; see below).
    name: 'multipart content-type',
    request: { rawBody: '--x\r\n\r\n--x--', contentType: 'multipart/form-data; boundary=x' },
    status: 415,
    body: MEDIA_TYPE,
  },
  {
    name: 'no content-type',
    request: { rawBody: JSON.stringify({ email: 'a@b.co', password: PASSWORD }), contentType: null },
    status: 415,
    body: MEDIA_TYPE,
  },
  {
    name: 'lookalike content-type',
    request: { rawBody: JSON.stringify({ email: 'a@b.co', password: PASSWORD }), contentType: 'application/jsonp' },
    status: 415,
    body: MEDIA_TYPE,
  },
  {
    name: 'unknown field',
    request: { json: { email: 'a@b.co', password: PASSWORD, admin: true } },
    status: 400,
    body: invalid('The body is invalid (body: Unrecognized key: "admin").'),
  },
  {
    name: '__proto__ field',
    request: { rawBody: `{"email":"a@b.co","password":"${PASSWORD}","__proto__":{"admin":true}}` },
    status: 400,
    body: invalid('The body is invalid (body: Unrecognized key: "__proto__").'),
  },
  {
    // The password policy (issue #16) answers on the field with 422.
    name: 'short password',
    request: { json: { email: 'a@b.co', password: '1234567' } },
    status: 422,
    body: { error: { code: 'form_password_invalid', message: 'Use at least 8 characters.', field: 'password' } },
  },
  {
    name: 'password over 256 characters',
    request: { json: { email: 'a@b.co', password: 'x'.repeat(257) } },
    status: 400,
    body: invalid('The body is invalid (password: Too big: expected string to have <=256 characters).'),
  },
  {
    name: 'bad email',
    request: { json: { email: 'not-an-email', password: PASSWORD } },
    status: 400,
    body: invalid('The body is invalid (email: Enter a valid email address).'),
  },
  {
    name: 'missing password',
    request: { json: { email: 'a@b.co' } },
    status: 400,
    body: invalid('The body is invalid (password: Invalid input: expected string, received undefined).'),
  },
  {
    name: 'wrong types',
    request: { json: { email: 5, password: 12345678 } },
    status: 400,
    body: invalid(
      'The body is invalid (email: Invalid input: expected string, received number; password: Invalid input: expected string, received number).',
    ),
  },
  {
    name: 'JSON array',
    request: { json: [{ email: 'a@b.co', password: PASSWORD }] },
    status: 400,
    body: invalid('The body is invalid (body: Invalid input: expected object, received array).'),
  },
  {
    name: 'JSON null',
    request: { json: null },
    status: 400,
    body: invalid('The body is invalid (body: Invalid input: expected object, received null).'),
  },
  {
    name: 'invalid UTF-8',
    request: { rawBody: new Uint8Array([0x7b, 0xff, 0x7d]) },
    status: 400,
    body: invalid('The body is not valid UTF-8.'),
  },
  {
    name: 'body over 16 KB (streamed, no content-length)',
    request: { rawBody: JSON.stringify({ email: 'a@b.co', password: PASSWORD, firstName: 'x'.repeat(17 * 1024) }) },
    status: 413,
    body: TOO_LARGE,
  },
  {
    name: 'body over 16 KB with an honest content-length',
    request: (() => {
      const rawBody = JSON.stringify({ email: 'a@b.co', password: PASSWORD, firstName: 'x'.repeat(17 * 1024) });
      return { rawBody, headers: { 'content-length': String(Buffer.byteLength(rawBody)) } };
    })(),
    status: 413,
    body: TOO_LARGE,
  },
  {
    name: 'body over 16 KB under a lying small content-length',
    request: {
      rawBody: JSON.stringify({ email: 'a@b.co', password: PASSWORD, firstName: 'x'.repeat(17 * 1024) }),
      headers: { 'content-length': '10' },
    },
    status: 413,
    body: TOO_LARGE,
  },
];

describe('POST /sign-up with a bad request', () => {
  for (const c of signUpCases) {
    test(`${c.name}: ${c.status}, exact error body, nothing written`, async () => {
      const before = t.counts();
      const jar = createCookieJar();
      const response = await send(t, `${API}/sign-up`, { ...c.request, jar });
      assert.equal(response.status, c.status);
      assert.equal(response.headers.get('content-type'), 'application/json; charset=utf-8');
      assert.deepEqual(response.body, c.body);
      assert.deepEqual(response.setCookies, []);
      assert.deepEqual(t.counts(), before);
      assert.deepEqual(before, { users: 0, sessions: 0, clients: 0, audit_events: 0, signing_keys: 1 });
    });
  }

  test('an incomplete HTML form post: 303 back to the form with ?error=invalid_body, nothing written (issue #15)', async () => {
    const before = t.counts();
    const response = await send(t, `${API}/sign-up`, { rawBody: 'email=a%40b.co', contentType: 'application/x-www-form-urlencoded' });
    assert.equal(response.status, 303);
    assert.equal(response.headers.get('location'), '/sign-up?error=invalid_body');
    assert.deepEqual(response.setCookies, []);
    assert.deepEqual(t.counts(), before);
  });

  test('no error message repeats the submitted password', () => {
    assert.ok(t.bodies.length >= signUpCases.length);
    for (const body of t.bodies) {
      assert.ok(!body.includes(PASSWORD) && !body.includes('1234567') && !body.includes('12345678'), body);
    }
  });
});

describe('POST /sign-in with a bad request', () => {
  test('unknown field and wrong content-type are refused and write nothing (not even an audit row)', async () => {
    const before = t.counts();
    const unknown = await send(t, `${API}/sign-in`, { json: { email: 'a@b.co', password: PASSWORD, remember: true } });
    assert.equal(unknown.status, 400);
    assert.deepEqual(unknown.body, invalid('The body is invalid (body: Unrecognized key: "remember").'));
    const media = await send(t, `${API}/sign-in`, { rawBody: '{}', contentType: 'text/plain' });
    assert.equal(media.status, 415);
    assert.deepEqual(media.body, MEDIA_TYPE);
    assert.deepEqual(t.counts(), before);
  });
});

describe('routing', () => {
  test('an unknown endpoint is 404 not_found', async () => {
    for (const path of [`${API}/nope`, `${API}`, `${API}/`, '/elsewhere', `${API}/sign-up/extra`]) {
      const response = await send(t, path, { method: 'POST', json: {} });
      assert.equal(response.status, 404, path);
      assert.deepEqual(response.body, { error: { code: 'not_found', message: 'No such endpoint.' } });
    }
  });

  test('the wrong method is 405 with Allow and writes nothing', async () => {
    const before = t.counts();
    const response = await send(t, `${API}/sign-up`, { method: 'GET' });
    assert.equal(response.status, 405);
    assert.equal(response.headers.get('allow'), 'POST');
    assert.deepEqual(response.body, { error: { code: 'method_not_allowed', message: 'Use POST.' } });
    const put = await send(t, `${API}/sign-in`, { method: 'PUT', json: { email: 'a@b.co', password: PASSWORD } });
    assert.equal(put.status, 405);
    assert.deepEqual(t.counts(), before);
  });

  test('a malformed percent-encoded path is a 404, not a crash', async () => {
    const response = await send(t, `${API}/%zz`, { method: 'POST', json: {} });
    assert.equal(response.status, 404);
  });
});
