// Signs a demo user in through the auth HTTP API (no browser) and optionally activates an
// organization. Not a test: the end-to-end files use it for API-level checks.

import assert from 'node:assert/strict';

export const DEMO_PASSWORD = 'gatehouse-demo';

export interface DemoSession {
  /** The Cookie header a browser would send (`__client` and `__session`). */
  cookie: string;
  /** The session token alone, for `Authorization: Bearer`. */
  token: string;
  /** Everything the sign-in answered with in Set-Cookie. */
  setCookies: string[];
}

const sessionToken = (setCookies: string[]) =>
  setCookies
    .find((c) => c.startsWith('__session='))!
    .split(';')[0]!
    .slice('__session='.length);

export async function demoSession(baseUrl: string, email: string, org?: string): Promise<DemoSession> {
  const signIn = await fetch(`${baseUrl}/api/gatehouse/sign-in`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: baseUrl },
    body: JSON.stringify({ email, password: DEMO_PASSWORD }),
  });
  assert.equal(signIn.status, 200, `sign-in of ${email}`);
  const setCookies = signIn.headers.getSetCookie();
  let cookie = setCookies.map((c) => c.split(';')[0]).join('; ');
  let token = sessionToken(setCookies);
  if (org) {
    const active = await fetch(`${baseUrl}/api/gatehouse/sessions/active-organization`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: baseUrl, cookie },
      body: JSON.stringify({ organization: org }),
    });
    assert.equal(active.status, 200, `${email} activating ${org}`);
    token = sessionToken(active.headers.getSetCookie());
    cookie = cookie.replace(/__session=[^;]*/, `__session=${token}`);
  }
  return { cookie, token, setCookies };
}
