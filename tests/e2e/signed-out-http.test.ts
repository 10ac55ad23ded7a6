// Raw HTTP against the example app's production server: what a signed-out or forged request gets.
// Needs `npm run build` first.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startAppServer, type AppServer } from '../../test-support/app-server.js';

const PASSWORD = 'correct horse battery staple';
/** Core's default clock skew when checking exp/nbf/iat. */
const CLOCK_SKEW_S = 5;
/** The dedicated server whose tokens expire almost at once. */
const SHORT_TTL_S = 1;

const SIGN_IN_REDIRECT = '/sign-in?redirect_url=%2Fdashboard';

interface SignedUp {
  userId: string;
  sessionToken: string;
  clientToken: string;
}

/** The value of one cookie from a response's Set-Cookie headers. */
function setCookieValue(res: Response, name: string): string | undefined {
  for (const line of res.headers.getSetCookie()) {
    const [pair] = line.split(';');
    const eq = pair!.indexOf('=');
    if (pair!.slice(0, eq).trim() === name) return pair!.slice(eq + 1).trim();
  }
  return undefined;
}

async function signUp(server: AppServer, email: string): Promise<SignedUp> {
  const res = await fetch(`${server.baseUrl}/api/gatehouse/sign-up`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: server.baseUrl },
    body: JSON.stringify({ email, password: PASSWORD }),
  });
  const text = await res.text();
  assert.equal(res.status, 200, `sign-up answered ${res.status}: ${text}\n--- server output ---\n${server.output()}`);
  const body = JSON.parse(text) as { user: { id: string; email: string } };
  assert.equal(body.user.email, email);
  const sessionToken = setCookieValue(res, '__session');
  const clientToken = setCookieValue(res, '__client');
  assert.ok(sessionToken, 'sign-up sets __session');
  assert.ok(clientToken, 'sign-up sets __client');
  return { userId: body.user.id, sessionToken, clientToken };
}

const b64url = (value: string | Buffer) => Buffer.from(value).toString('base64url');
const decodeSegment = (segment: string) => JSON.parse(Buffer.from(segment, 'base64url').toString('utf8')) as Record<string, unknown>;

function jwtParts(token: string): { header: Record<string, unknown>; payload: Record<string, unknown>; segments: string[] } {
  const segments = token.split('.');
  assert.equal(segments.length, 3, 'a session token is a JWS in compact form');
  return { header: decodeSegment(segments[0]!), payload: decodeSegment(segments[1]!), segments };
}

type Credential = { kind: 'cookie' | 'bearer'; token: string };

function credentialHeaders(credential: Credential): Record<string, string> {
  return credential.kind === 'cookie' ? { cookie: `__session=${credential.token}` } : { authorization: `Bearer ${credential.token}` };
}

async function getMe(server: AppServer, credential?: Credential): Promise<{ status: number; headers: Headers; body: unknown }> {
  const res = await fetch(`${server.baseUrl}/api/me`, {
    redirect: 'manual',
    headers: { accept: 'application/json', ...(credential ? credentialHeaders(credential) : {}) },
  });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    /* keep the text for the assertion message */
  }
  return { status: res.status, headers: res.headers, body };
}

async function getDashboardDocument(server: AppServer, credential?: Credential): Promise<Response> {
  const res = await fetch(`${server.baseUrl}/dashboard`, {
    redirect: 'manual',
    headers: {
      'sec-fetch-dest': 'document',
      'sec-fetch-mode': 'navigate',
      accept: 'text/html',
      ...(credential ? credentialHeaders(credential) : {}),
    },
  });
  await res.arrayBuffer();
  return res;
}

function assertUnauthenticatedJson(res: { status: number; headers: Headers; body: unknown }, what: string): void {
  assert.equal(res.status, 401, `${what}: /api/me must be 401, got ${res.status} ${JSON.stringify(res.body)}`);
  const body = res.body as { error?: { code?: unknown; message?: unknown } };
  assert.equal(typeof body, 'object', `${what}: a JSON body`);
  assert.equal(body.error?.code, 'unauthenticated', `${what}: error.code`);
  assert.equal(typeof body.error?.message, 'string', `${what}: error.message`);
  assert.match(res.headers.get('www-authenticate') ?? '', /^Bearer\b/, `${what}: WWW-Authenticate`);
}

function assertSignInRedirect(res: Response, what: string): void {
  assert.equal(res.status, 307, `${what}: /dashboard must be a 307, got ${res.status}`);
  const location = res.headers.get('location') ?? '';
  assert.ok(location.endsWith(SIGN_IN_REDIRECT), `${what}: Location ${JSON.stringify(location)} must end with ${SIGN_IN_REDIRECT}`);
  assert.equal(
    res.headers.getSetCookie().filter((c) => c.startsWith('__session=') && !/max-age=0|expires=Thu, 01 Jan 1970/i.test(c)).length,
    0,
    `${what}: no new session cookie`,
  );
}

/** Both refusals (API 401, page 307) for a token sent as the only credential, as cookie and as Bearer. */
async function assertRefusedEverywhere(server: AppServer, token: string, what: string): Promise<void> {
  for (const kind of ['cookie', 'bearer'] as const) {
    const credential = { kind, token };
    assertUnauthenticatedJson(await getMe(server, credential), `${what} as ${kind}`);
    assertSignInRedirect(await getDashboardDocument(server, credential), `${what} as ${kind}`);
  }
}

describe('example app over raw HTTP (production server)', () => {
  let server: AppServer;
  let shortTtlServer: AppServer;
  let shortTtlUser: SignedUp;

  before(async () => {
    // The short-TTL server's token starts ageing now; its test runs last, so most of the wait overlaps the others.
    const [main, short] = await Promise.allSettled([
      startAppServer(),
      startAppServer({
        sessionTokenTtlSeconds: SHORT_TTL_S,
        testClock: true,
        // With authorized parties on, a token minted for the wrong origin (azp) is refused.
        env: (baseUrl) => ({ GATEHOUSE_AUTHORIZED_PARTIES: baseUrl }),
      }),
    ]);
    if (main.status === 'fulfilled') server = main.value;
    if (short.status === 'fulfilled') shortTtlServer = short.value;
    if (main.status === 'rejected') throw main.reason;
    if (short.status === 'rejected') throw short.reason;
    shortTtlUser = await signUp(shortTtlServer, 'expiring@example.com');
    // Control: fresh, it is accepted (so the later refusal is about expiry).
    const fresh = await getMe(shortTtlServer, { kind: 'bearer', token: shortTtlUser.sessionToken });
    assert.equal(fresh.status, 200, `a fresh short-lived token works: ${JSON.stringify(fresh.body)}`);
  });

  after(async () => {
    await Promise.all([server?.stop(), shortTtlServer?.stop()]);
  });

  test('GET / is a public 200 page', async () => {
    const res = await fetch(`${server.baseUrl}/`, { redirect: 'manual', headers: { accept: 'text/html' } });
    const html = await res.text();
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /text\/html/);
    assert.match(html, /Gatehouse example/);
  });

  test('GET /dashboard as a signed-out document request is a 307 to sign-in with redirect_url', async () => {
    assertSignInRedirect(await getDashboardDocument(server), 'no credential');
  });

  test('GET /api/me signed out is a 401 JSON error', async () => {
    assertUnauthenticatedJson(await getMe(server), 'no credential');
  });

  test('GET /.well-known/jwks.json serves the public key set', async () => {
    const res = await fetch(`${server.baseUrl}/.well-known/jwks.json`, { redirect: 'manual' });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /application\/json/);
    const body = (await res.json()) as { keys?: Array<Record<string, unknown>> };
    assert.ok(Array.isArray(body.keys) && body.keys.length > 0, 'at least one key');
    for (const key of body.keys) {
      assert.equal(key.kty, 'RSA');
      assert.equal(typeof key.kid, 'string');
      assert.equal(typeof key.n, 'string');
      for (const secret of ['d', 'p', 'q', 'dp', 'dq', 'qi']) assert.equal(key[secret], undefined, `the JWKS must not publish ${secret}`);
    }
  });

  test('a malformed percent-encoded path is a 400, not a 500', async () => {
    const res = await fetch(`${server.baseUrl}/%zz`, {
      redirect: 'manual',
      headers: { 'sec-fetch-dest': 'document', accept: 'text/html' },
    });
    await res.arrayBuffer();
    assert.equal(res.status, 400);
  });

  describe('with a session token from sign-up', () => {
    let user: SignedUp;
    let other: SignedUp;

    before(async () => {
      user = await signUp(server, 'alice@example.com');
      other = await signUp(server, 'mallory@example.com');
    });

    test('the valid token alone, as cookie or as Bearer, authenticates /api/me', async () => {
      const { header, payload } = jwtParts(user.sessionToken);
      assert.equal(header.alg, 'RS256');
      assert.equal(payload.sub, user.userId);
      for (const kind of ['cookie', 'bearer'] as const) {
        const me = await getMe(server, { kind, token: user.sessionToken });
        assert.equal(me.status, 200, `${kind}: ${JSON.stringify(me.body)}`);
        const body = me.body as { isAuthenticated: boolean; userId: string; sessionId: string };
        assert.equal(body.isAuthenticated, true);
        assert.equal(body.userId, user.userId);
        assert.equal(body.sessionId, payload.sid);
      }
      const page = await getDashboardDocument(server, { kind: 'cookie', token: user.sessionToken });
      assert.equal(page.status, 200, 'the dashboard renders for a valid session cookie');
    });

    test('a tampered token (payload changed, signature kept) is refused', async () => {
      const { payload, segments } = jwtParts(user.sessionToken);
      // One character of the payload changed.
      const body = segments[1]!;
      const i = Math.floor(body.length / 2);
      const flipped = `${body.slice(0, i)}${body[i] === 'A' ? 'B' : 'A'}${body.slice(i + 1)}`;
      await assertRefusedEverywhere(server, `${segments[0]}.${flipped}.${segments[2]}`, 'one payload character changed');
      // A meaningful change: claim to be another user.
      const forged = b64url(JSON.stringify({ ...payload, sub: other.userId }));
      await assertRefusedEverywhere(server, `${segments[0]}.${forged}.${segments[2]}`, 'sub swapped to another user');
    });

    test('an alg:none token with the same claims is refused', async () => {
      const { header, segments } = jwtParts(user.sessionToken);
      for (const alg of ['none', 'None', 'NONE']) {
        const unsigned = `${b64url(JSON.stringify({ ...header, alg }))}.${segments[1]}.`;
        await assertRefusedEverywhere(server, unsigned, `alg ${alg}`);
      }
      // The original signature left in place does not rescue it.
      await assertRefusedEverywhere(
        server,
        `${b64url(JSON.stringify({ ...header, alg: 'none' }))}.${segments[1]}.${segments[2]}`,
        'alg none, signature kept',
      );
      const withoutKid = `${b64url(JSON.stringify({ alg: 'none', typ: 'JWT' }))}.${segments[1]}.`;
      await assertRefusedEverywhere(server, withoutKid, 'alg none without kid');
    });
  });

  test('an expired token, as the only credential, is refused; with __client the proxy refreshes it in place', async () => {
    const { payload } = jwtParts(shortTtlUser.sessionToken);
    assert.equal(typeof payload.exp, 'number');
    assert.ok((payload.exp as number) - (payload.iat as number) <= SHORT_TTL_S, 'the short-TTL server issues short-lived tokens');
    // Expired means past exp plus the verifier's clock skew; one more second of margin. The server's clock moves there.
    shortTtlServer.advanceClock(Math.max(0, ((payload.exp as number) + CLOCK_SKEW_S + 1) * 1000 - Date.now()));
    await assertRefusedEverywhere(shortTtlServer, shortTtlUser.sessionToken, 'expired token');
    // The same user's client cookie still refreshes the session (so the refusal above was about the
    // expired token, not a dead session), and the fresh token names the origin the browser used,
    // which the authorized-parties check on this server requires.
    const refreshed = await fetch(`${shortTtlServer.baseUrl}/dashboard`, {
      redirect: 'manual',
      headers: {
        'sec-fetch-dest': 'document',
        accept: 'text/html',
        cookie: `__session=${shortTtlUser.sessionToken}; __client=${shortTtlUser.clientToken}`,
      },
    });
    await refreshed.arrayBuffer();
    assert.equal(refreshed.status, 200, 'with __client the proxy refreshes in place');
    const fresh = setCookieValue(refreshed, '__session');
    assert.ok(fresh && fresh !== shortTtlUser.sessionToken, 'a new __session cookie is set');
    const { payload: freshClaims } = jwtParts(fresh);
    assert.equal(freshClaims.azp, shortTtlServer.baseUrl, 'azp is the public origin, not the listen address of Next.js');
    assert.equal(freshClaims.sid, payload.sid, 'the same session, refreshed');
  });
});
