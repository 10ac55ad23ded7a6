// Issue #23: the hosted pages for apps without their own (sign-in, sign-up, user profile,
// organizations), served by the mounted handler, usable without JavaScript, same-origin redirects only.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  API,
  PASSWORD,
  createCookieJar,
  createTestInstance,
  send,
  signUp,
  type CookieJar,
  type TestInstance,
} from '../../../test-support/instance.js';

let t: TestInstance;
let member: CookieJar;
before(async () => {
  t = await createTestInstance();
  member = createCookieJar();
  assert.equal((await signUp(t, 'hosted@example.com', member)).status, 200);
});
after(() => t.close());

const FORM = 'application/x-www-form-urlencoded';
/** The value of the hidden input `name` in the page. */
const hidden = (page: string, name: string) => new RegExp(`name="${name}" value="([^"]*)"`).exec(page)?.[1];

describe('hosted pages (issue #23)', () => {
  test('sign-in page: a form posting to the API, the return address kept, a strict CSP', async () => {
    const res = await send(t, `${API}/pages/sign-in?redirect_url=%2Fdashboard%3Ftab%3D1`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/html/);
    assert.match(res.headers.get('content-security-policy') ?? '', /default-src 'none'/);
    assert.equal(res.headers.get('cache-control'), 'no-store');
    assert.match(res.text, /<form method="post" action="\/api\/gatehouse\/sign-in">/);
    assert.equal(hidden(res.text, 'redirect_url'), '/dashboard?tab=1');
    assert.equal(hidden(res.text, 'return_to'), '/api/gatehouse/pages/sign-in');
    assert.match(res.text, /href="\/api\/gatehouse\/pages\/sign-up\?redirect_url=%2Fdashboard%3Ftab%3D1"/);
  });

  test('another origin in redirect_url is replaced by /', async () => {
    for (const target of ['https://evil.example/x', '//evil.example', 'javascript:alert(1)']) {
      const res = await send(t, `${API}/pages/sign-in?redirect_url=${encodeURIComponent(target)}`);
      assert.equal(res.status, 200);
      assert.equal(hidden(res.text, 'redirect_url'), '/', target);
    }
  });

  test('an error code from the form post is shown as a fixed message; the query text is never echoed', async () => {
    const known = await send(t, `${API}/pages/sign-in?error=invalid_credentials`);
    assert.match(known.text, /That email and password do not match\./);
    const odd = await send(t, `${API}/pages/sign-in?error=%3Cscript%3Ealert(1)%3C%2Fscript%3E`);
    assert.equal(odd.status, 200);
    assert.ok(!odd.text.includes('alert(1)'));
    assert.match(odd.text, /Something went wrong/);
  });

  test('sign-up through the hosted form: the account exists, cookies set, on to redirect_url', async () => {
    const page = await send(t, `${API}/pages/sign-up?redirect_url=%2Fwelcome`);
    assert.equal(page.status, 200);
    assert.match(page.text, /action="\/api\/gatehouse\/sign-up"/);
    const jar = createCookieJar();
    const fields = {
      redirect_url: hidden(page.text, 'redirect_url')!,
      return_to: hidden(page.text, 'return_to')!,
      firstName: 'Hosted',
      email: 'new-hosted@example.com',
      password: PASSWORD,
    };
    const res = await send(t, `${API}/sign-up`, { rawBody: new URLSearchParams(fields).toString(), contentType: FORM, jar });
    assert.equal(res.status, 303);
    assert.equal(res.headers.get('location'), '/welcome');
    assert.ok(jar.get('__session'));
    // Signed in, the sign-in and sign-up pages send the user on instead of showing the form.
    for (const kind of ['sign-in', 'sign-up']) {
      const again = await send(t, `${API}/pages/${kind}?redirect_url=%2Fwelcome`, { jar });
      assert.equal(again.status, 303, kind);
      assert.equal(again.headers.get('location'), '/welcome');
    }
  });

  test('user profile: signed out goes to the hosted sign-in and back; signed in shows the account', async () => {
    const out = await send(t, `${API}/pages/user`);
    assert.equal(out.status, 303);
    assert.equal(out.headers.get('location'), '/api/gatehouse/pages/sign-in?redirect_url=%2Fapi%2Fgatehouse%2Fpages%2Fuser');
    const res = await send(t, `${API}/pages/user?after_sign_out_url=https%3A%2F%2Fevil.example`, { jar: member });
    assert.equal(res.status, 200);
    assert.match(res.text, /hosted@example\.com/);
    assert.match(res.text, /id="gatehouse-sign-out" data-api="\/api\/gatehouse\/sign-out" data-next="\/"/);
    assert.match(res.headers.get('content-security-policy') ?? '', /script-src 'sha256-/);
  });

  test('organizations: listed for the member; the create page posts to the API', async () => {
    const none = await send(t, `${API}/pages/organization`, { jar: member });
    assert.equal(none.status, 200);
    assert.match(none.text, /You do not belong to any organization yet/);
    const created = await send(t, `${API}/organizations`, { json: { name: 'Hosted <Org>', slug: 'hosted-org' }, jar: member });
    assert.equal(created.status, 200);
    const listed = await send(t, `${API}/pages/organization`, { jar: member });
    assert.match(listed.text, /Hosted &lt;Org&gt;/);
    assert.match(listed.text, /hosted-org/);
    const create = await send(t, `${API}/pages/create-organization`, { jar: member });
    assert.equal(create.status, 200);
    assert.match(create.text, /data-api="\/api\/gatehouse\/organizations"/);
  });

  test('an expired session token with a live client refreshes through the handshake once, then the page', async () => {
    const jar = member.clone();
    jar.delete('__session');
    const res = await send(t, `${API}/pages/user`, { jar });
    assert.equal(res.status, 307);
    const location = res.headers.get('location') ?? '';
    assert.equal(location, '/api/gatehouse/handshake?redirect_url=%2Fapi%2Fgatehouse%2Fpages%2Fuser%3Frefreshed%3D1');
    const handshake = await send(t, location, { jar });
    assert.equal(handshake.status, 307);
    const back = await send(t, handshake.headers.get('location')!, { jar });
    assert.equal(back.status, 200);
    assert.match(back.text, /hosted@example\.com/);
    // Once only: a client that cannot be refreshed ends on the sign-in page, no loop.
    const dead = createCookieJar({ __client: 'not-a-real-client-token' });
    const loop = await send(t, `${API}/pages/user?refreshed=1`, { jar: dead });
    assert.equal(loop.status, 303);
    assert.match(loop.headers.get('location') ?? '', /^\/api\/gatehouse\/pages\/sign-in\?/);
  });

  test('POST to a page is 405, writes nothing', async () => {
    const before = t.counts();
    const res = await send(t, `${API}/pages/sign-in`, { rawBody: 'email=a%40b.c&password=x', contentType: FORM });
    assert.equal(res.status, 405);
    assert.deepEqual(t.counts(), before);
  });
});

describe('hosted sign-up with email verification (issues #16 and #23)', () => {
  test('the form post comes back to a "Verification code" page; a wrong code is refused there, the mailed one signs in', async () => {
    const mails: { to: string; text: string }[] = [];
    const v = await createTestInstance({
      emailVerificationRequired: true,
      mailer: { send: async (message) => void mails.push({ to: message.to, text: message.text }) },
    });
    try {
      const page = await send(v, `${API}/pages/sign-up?redirect_url=%2Fwelcome`);
      const jar = createCookieJar();
      const fields = {
        redirect_url: hidden(page.text, 'redirect_url')!,
        return_to: hidden(page.text, 'return_to')!,
        email: 'verify-hosted@example.com',
        password: PASSWORD,
      };
      const posted = await send(v, `${API}/sign-up`, { rawBody: new URLSearchParams(fields).toString(), contentType: FORM, jar });
      assert.equal(posted.status, 303);
      const back = posted.headers.get('location') ?? '';
      assert.match(back, /^\/api\/gatehouse\/pages\/sign-up\?sign_up_attempt=sua_[a-z0-9]+&redirect_url=%2Fwelcome$/);
      assert.equal(jar.get('__session'), undefined, 'no session before the code');
      assert.equal((v.db.prepare('SELECT COUNT(*) AS n FROM users').get() as { n: number }).n, 0);

      const ask = await send(v, back);
      assert.equal(ask.status, 200);
      assert.match(ask.text, /Verification code/);
      assert.match(ask.text, /<button type="submit">Verify<\/button>/);
      const action = /action="([^"]+attempt_verification)"/.exec(ask.text)?.[1] ?? '';
      const codeFields = (code: string) =>
        new URLSearchParams({
          redirect_url: hidden(ask.text, 'redirect_url')!,
          return_to: hidden(ask.text, 'return_to')!,
          code,
        }).toString();

      const code = /^(\d{6})$/m.exec(mails.find((m) => m.to === 'verify-hosted@example.com')?.text ?? '')?.[1] ?? '';
      assert.match(code, /^\d{6}$/);
      const wrong = await send(v, action, { rawBody: codeFields(code === '000000' ? '111111' : '000000'), contentType: FORM, jar });
      assert.equal(wrong.status, 303);
      assert.match(wrong.headers.get('location') ?? '', /sign_up_attempt=sua_[a-z0-9]+.*error=form_code_incorrect/);
      assert.match((await send(v, wrong.headers.get('location') ?? '')).text, /That code is not right/);
      assert.equal(jar.get('__session'), undefined);

      const right = await send(v, action, { rawBody: codeFields(code), contentType: FORM, jar });
      assert.equal(right.status, 303);
      assert.equal(right.headers.get('location'), '/welcome');
      assert.ok(jar.get('__session'));
      assert.equal((v.db.prepare('SELECT COUNT(*) AS n FROM users').get() as { n: number }).n, 1);
      // A made-up attempt id never reaches the page's form.
      assert.doesNotMatch((await send(v, `${API}/pages/sign-up?sign_up_attempt=%22%3E%3Cscript%3E`)).text, /Verification code/);
    } finally {
      await v.close();
    }
  });
});
