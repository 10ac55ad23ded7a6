// Stand-ins for outside identity providers, on real loopback HTTP: a minimal OpenID provider whose
// ID tokens can be made wrong on purpose (the certified oidc-provider, used by the Chromium test,
// cannot be told to sign a token for another audience), and GitHub's documented OAuth endpoints
// (authorize, access_token, /user, /user/emails), standing in for github.com. Not tests.

import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignJWT, exportJWK, generateKeyPair } from 'jose';

export interface StandInUser {
  sub: string;
  email?: string;
  email_verified?: unknown;
  given_name?: string;
  family_name?: string;
}

interface Grant {
  clientId: string;
  redirectUri: string;
  challenge: string;
  nonce: string | null;
  user: StandInUser;
  used: boolean;
}

interface Base {
  url: string;
  /** Who "signs in" at the next authorization request. */
  user: StandInUser;
  /** The next authorization request answers `error=<deny>` instead of a code. */
  deny: string | null;
  /** Token requests seen (code replays included). */
  tokenRequests: number;
  close(): Promise<void>;
}

async function listen(
  handler: (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<void>,
): Promise<{ server: Server; url: string }> {
  let origin = '';
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', origin);
    handler(req, res, url).catch(() => res.writeHead(500).end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { server, url: origin };
}

async function form(req: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

function closer(server: Server): () => Promise<void> {
  return () =>
    new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
}

function s256(verifier: string): string {
  return createHash('sha256').update(verifier).digest('base64url');
}

/** Issues a code for the authorization request, or the configured denial; the redirect goes back to `redirect_uri` exactly. */
function authorize(url: URL, res: ServerResponse, self: Base, grants: Map<string, Grant>, clientId: string): void {
  const redirect = new URL(url.searchParams.get('redirect_uri') ?? '');
  const state = url.searchParams.get('state');
  if (url.searchParams.get('client_id') !== clientId || url.searchParams.get('code_challenge_method') !== 'S256') {
    redirect.searchParams.set('error', 'invalid_request');
  } else if (self.deny) {
    redirect.searchParams.set('error', self.deny);
    self.deny = null;
  } else {
    const code = randomBytes(16).toString('base64url');
    grants.set(code, {
      clientId,
      redirectUri: url.searchParams.get('redirect_uri') ?? '',
      challenge: url.searchParams.get('code_challenge') ?? '',
      nonce: url.searchParams.get('nonce'),
      user: { ...self.user },
      used: false,
    });
    redirect.searchParams.set('code', code);
  }
  if (state) redirect.searchParams.set('state', state);
  res.writeHead(302, { location: redirect.href }).end();
}

/** Checks a token request's code: known, unused, same client and redirect URI, PKCE verifier matches. */
function redeem(params: URLSearchParams, grants: Map<string, Grant>, clientId: string, clientSecret: string): Grant | null {
  const grant = grants.get(params.get('code') ?? '');
  if (!grant || grant.used) return null;
  grant.used = true; // a code works once, even when this request fails
  if (params.get('client_id') !== clientId || params.get('client_secret') !== clientSecret) return null;
  if (params.get('redirect_uri') !== grant.redirectUri || s256(params.get('code_verifier') ?? '') !== grant.challenge) return null;
  return grant;
}

export interface OidcStandIn extends Base {
  /** Changes applied to the next ID token's claims (wrong aud, iss, nonce). */
  tamper: Record<string, unknown> | null;
  /** Token requests wait this long before answering (a slow provider). */
  delayMs: number;
}

export async function startOidcStandIn(clientId: string, clientSecret: string): Promise<OidcStandIn> {
  const { privateKey, publicKey } = await generateKeyPair('RS256');
  const jwk = { ...(await exportJWK(publicKey)), kid: 'stand-in', alg: 'RS256', use: 'sig' };
  const grants = new Map<string, Grant>();
  const tokens = new Map<string, StandInUser>();
  const { server, url } = await listen(async (req, res, u) => {
    if (u.pathname === '/.well-known/openid-configuration') {
      return sendJson(res, 200, {
        issuer: self.url,
        authorization_endpoint: `${self.url}/authorize`,
        token_endpoint: `${self.url}/token`,
        userinfo_endpoint: `${self.url}/userinfo`,
        jwks_uri: `${self.url}/jwks`,
        response_types_supported: ['code'],
        subject_types_supported: ['public'],
        id_token_signing_alg_values_supported: ['RS256'],
        code_challenge_methods_supported: ['S256'],
        token_endpoint_auth_methods_supported: ['client_secret_post'],
      });
    }
    if (u.pathname === '/jwks') return sendJson(res, 200, { keys: [jwk] });
    if (u.pathname === '/authorize') return authorize(u, res, self, grants, clientId);
    if (u.pathname === '/token' && req.method === 'POST') {
      const params = await form(req);
      self.tokenRequests += 1;
      if (self.delayMs) await new Promise((r) => setTimeout(r, self.delayMs));
      const grant = redeem(params, grants, clientId, clientSecret);
      if (!grant) return sendJson(res, 400, { error: 'invalid_grant', error_description: 'the code is not valid' });
      const now = Math.floor(Date.now() / 1000);
      const claims = {
        iss: self.url,
        aud: clientId,
        sub: grant.user.sub,
        iat: now,
        exp: now + 300,
        ...(grant.nonce ? { nonce: grant.nonce } : {}),
        ...self.tamper,
      };
      self.tamper = null;
      const idToken = await new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: 'stand-in' }).sign(privateKey);
      const accessToken = randomBytes(16).toString('base64url');
      tokens.set(accessToken, grant.user);
      return sendJson(res, 200, { access_token: accessToken, token_type: 'Bearer', expires_in: 300, id_token: idToken });
    }
    if (u.pathname === '/userinfo') {
      const user = tokens.get((req.headers.authorization ?? '').replace(/^Bearer /, ''));
      return user ? sendJson(res, 200, user) : sendJson(res, 401, { error: 'invalid_token' });
    }
    sendJson(res, 404, { error: 'not_found' });
  });
  const self: OidcStandIn = { url, user: { sub: 'u1' }, deny: null, tamper: null, delayMs: 0, tokenRequests: 0, close: closer(server) };
  return self;
}

export interface GithubUser {
  id: number;
  login: string;
  name: string | null;
  avatar_url: string;
  emails: Array<{ email: string; primary: boolean; verified: boolean; visibility: string | null }>;
}

export interface GithubStandIn extends Omit<Base, 'user'> {
  user: GithubUser;
}

/** GitHub's documented endpoints under one base URL, as GitHub Enterprise lays them out (`/login/oauth/*`, `/api/v3/*`). */
export async function startGithubStandIn(clientId: string, clientSecret: string): Promise<GithubStandIn> {
  const grants = new Map<string, Grant>();
  const tokens = new Map<string, GithubUser>();
  const users = new Map<string, GithubUser>();
  const { server, url } = await listen(async (req, res, u) => {
    if (u.pathname === '/login/oauth/authorize') {
      authorize(u, res, { ...self, user: { sub: String(self.user.id) } } as Base, grants, clientId);
      if (self.deny) self.deny = null;
      users.set(String(self.user.id), structuredClone(self.user));
      return;
    }
    if (u.pathname === '/login/oauth/access_token' && req.method === 'POST') {
      self.tokenRequests += 1;
      const grant = redeem(await form(req), grants, clientId, clientSecret);
      // GitHub answers a bad code with 200 and an error body.
      if (!grant)
        return sendJson(res, 200, { error: 'bad_verification_code', error_description: 'The code passed is incorrect or expired.' });
      const accessToken = `gho_${randomBytes(16).toString('hex')}`;
      tokens.set(accessToken, users.get(grant.user.sub) as GithubUser);
      return sendJson(res, 200, { access_token: accessToken, token_type: 'bearer', scope: 'read:user,user:email' });
    }
    const user = tokens.get((req.headers.authorization ?? '').replace(/^Bearer /, ''));
    if (u.pathname.startsWith('/api/v3/') && !user) return sendJson(res, 401, { message: 'Requires authentication' });
    if (u.pathname === '/api/v3/user' && user)
      return sendJson(res, 200, { id: user.id, login: user.login, name: user.name, avatar_url: user.avatar_url });
    if (u.pathname === '/api/v3/user/emails' && user) return sendJson(res, 200, user.emails);
    sendJson(res, 404, { message: 'Not Found' });
  });
  const self: GithubStandIn = {
    url,
    user: { id: 1, login: 'octocat', name: 'Mona Lisa', avatar_url: 'https://avatars.example/1', emails: [] },
    deny: null,
    tokenRequests: 0,
    close: closer(server),
  };
  return self;
}
