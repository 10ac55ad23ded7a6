// Talks to one identity provider through openid-client: discovery, the authorization URL, the code exchange with its checks, and the profile.

import * as client from 'openid-client';
import { PRESETS, type ConnectionConfig } from './presets.js';

/** Who the provider says signed in. `emailVerified` is the provider's own assertion. */
export interface ProviderProfile {
  subject: string;
  email: string | null;
  emailVerified: boolean;
  firstName: string | null;
  lastName: string | null;
  imageUrl: string | null;
  username: string | null;
}

/** Why a flow failed, as the sign-in page shows it (`gatehouse_oauth_error=<reason>`). */
export type OauthFailure =
  | 'oauth_state_invalid'
  | 'oauth_state_used'
  | 'oauth_flow_expired'
  | 'oauth_nonce_mismatch'
  | 'oauth_token_invalid'
  | 'oauth_code_invalid'
  | 'oauth_access_denied'
  | 'oauth_provider_error'
  | 'oauth_provider_unavailable'
  | 'oauth_email_unverified'
  | 'oauth_account_exists'
  | 'oauth_account_in_use'
  | 'oauth_user_banned'
  | 'oauth_second_factor_required'
  | 'oauth_connection_unknown';

/** A failed flow step: the reason shown to the person, and what the audit row records. */
export class OauthFlowError extends Error {
  override readonly name = 'OauthFlowError';
  constructor(
    readonly reason: OauthFailure,
    detail: string,
  ) {
    super(detail);
  }
}

export function isOauthFlowError(value: unknown): value is OauthFlowError {
  return typeof value === 'object' && value !== null && (value as { name?: unknown }).name === 'OauthFlowError';
}

export interface ProviderClientOptions {
  /** Seconds each request to the provider may take (discovery, token, user info). */
  timeoutSeconds: number;
}

const LOOPBACK = new Set(['127.0.0.1', '[::1]', 'localhost']);

/**
 * Plain HTTP reaches a provider only on this machine (development and tests): anything else on the
 * network could read or change the code exchange.
 * @throws TypeError for http: on a non-loopback host, or a non-http(s) URL
 */
export function checkProviderUrl(raw: string, what: string): URL {
  const url = new URL(raw);
  if (url.protocol === 'https:') return url;
  if (url.protocol === 'http:' && LOOPBACK.has(url.hostname)) return url;
  throw new TypeError(`${what} must use https (plain http is accepted only on loopback addresses): ${url.origin}`);
}

/** The connection's provider, ready to build authorization URLs and exchange codes. */
export interface ProviderClient {
  authorizationUrl(params: { redirectUri: string; state: string; nonce: string; codeChallenge: string }): URL;
  /** Exchanges the callback's code (PKCE, state and, for OpenID, nonce and the ID token checked) and reads the profile. */
  exchange(callbackUrl: URL, checks: { state: string; nonce: string; codeVerifier: string }): Promise<ProviderProfile>;
}

/**
 * Builds the provider client of a connection (OpenID discovery happens here; GitHub has fixed endpoints).
 * @throws OauthFlowError `oauth_provider_unavailable` when discovery fails or times out
 */
export async function createProviderClient(connection: ConnectionConfig, options: ProviderClientOptions): Promise<ProviderClient> {
  const preset = connection.preset ? PRESETS[connection.preset] : undefined;
  const scopes = (connection.scopes ?? preset?.scopes ?? ['openid', 'email', 'profile']).join(' ');
  const auth = connection.clientSecret ? client.ClientSecretPost(connection.clientSecret) : client.None();
  const metadata = connection.clientSecret ? { client_secret: connection.clientSecret } : {};
  const github = preset?.github;
  let config: client.Configuration;
  if (github) {
    const base = connection.baseUrl ? checkProviderUrl(connection.baseUrl, 'The GitHub base URL').origin : null;
    const endpoints = base
      ? {
          authorizationEndpoint: `${base}/login/oauth/authorize`,
          tokenEndpoint: `${base}/login/oauth/access_token`,
          apiBase: `${base}/api/v3`,
        }
      : github;
    const insecure = new URL(endpoints.tokenEndpoint).protocol === 'http:';
    config = new client.Configuration(
      {
        issuer: base ?? 'https://github.com',
        authorization_endpoint: endpoints.authorizationEndpoint,
        token_endpoint: endpoints.tokenEndpoint,
      },
      connection.clientId,
      metadata,
      auth,
    );
    prepare(config, options, insecure);
    return githubClient(config, scopes, endpoints.apiBase);
  }
  const issuer = checkProviderUrl(connection.issuer ?? preset?.issuer ?? '', 'The issuer');
  const insecure = issuer.protocol === 'http:';
  try {
    config = await client.discovery(issuer, connection.clientId, metadata, auth, {
      timeout: options.timeoutSeconds,
      ...(insecure ? { execute: [client.allowInsecureRequests] } : {}),
    });
  } catch (cause) {
    throw new OauthFlowError('oauth_provider_unavailable', `discovery failed: ${describe(cause)}`);
  }
  prepare(config, options, insecure);
  return oidcClient(config, scopes);
}

function prepare(config: client.Configuration, options: ProviderClientOptions, insecure: boolean): void {
  config.timeout = options.timeoutSeconds;
  if (insecure) client.allowInsecureRequests(config);
}

function oidcClient(config: client.Configuration, scope: string): ProviderClient {
  return {
    authorizationUrl: ({ redirectUri, state, nonce, codeChallenge }) =>
      client.buildAuthorizationUrl(config, {
        redirect_uri: redirectUri,
        scope,
        state,
        nonce,
        code_challenge: codeChallenge,
        code_challenge_method: 'S256',
      }),
    async exchange(callbackUrl, checks) {
      const tokens = await grant(config, callbackUrl, {
        pkceCodeVerifier: checks.codeVerifier,
        expectedState: checks.state,
        expectedNonce: checks.nonce,
        idTokenExpected: true,
      });
      const claims = tokens.claims();
      if (!claims) throw new OauthFlowError('oauth_token_invalid', 'no ID token');
      let info: Record<string, unknown> = claims;
      // Many providers (and oidc-provider by default) put email and profile in user info only.
      if (typeof claims.email !== 'string' && config.serverMetadata().userinfo_endpoint) {
        try {
          info = { ...(await client.fetchUserInfo(config, tokens.access_token, claims.sub)), ...claims };
        } catch (cause) {
          throw classify(cause);
        }
      }
      return {
        subject: claims.sub,
        email: typeof info.email === 'string' ? info.email : null,
        // Only a literal true counts: a missing or string claim is not an assertion.
        emailVerified: info.email_verified === true,
        firstName: text(info.given_name),
        lastName: text(info.family_name),
        imageUrl: text(info.picture),
        username: text(info.preferred_username) ?? text(info.nickname),
      };
    },
  };
}

/** GitHub: OAuth 2 without ID tokens; the user is read from `/user`, the verified addresses from `/user/emails`. */
function githubClient(config: client.Configuration, scope: string, apiBase: string): ProviderClient {
  return {
    authorizationUrl: ({ redirectUri, state, codeChallenge }) =>
      client.buildAuthorizationUrl(config, {
        redirect_uri: redirectUri,
        scope,
        state,
        code_challenge: codeChallenge,
        code_challenge_method: 'S256',
        allow_signup: 'true',
      }),
    async exchange(callbackUrl, checks) {
      const tokens = await grant(config, callbackUrl, { pkceCodeVerifier: checks.codeVerifier, expectedState: checks.state });
      const get = async (path: string): Promise<unknown> => {
        try {
          const headers = new Headers({ accept: 'application/vnd.github+json', 'x-github-api-version': '2022-11-28' });
          const res = await client.fetchProtectedResource(config, tokens.access_token, new URL(`${apiBase}${path}`), 'GET', null, headers);
          if (!res.ok) throw new OauthFlowError('oauth_provider_error', `GitHub ${path} answered ${res.status}`);
          return await res.json();
        } catch (cause) {
          throw classify(cause);
        }
      };
      const user = (await get('/user')) as { id?: unknown; login?: unknown; name?: unknown; avatar_url?: unknown };
      if (typeof user.id !== 'number' && typeof user.id !== 'string')
        throw new OauthFlowError('oauth_provider_error', 'GitHub /user has no id');
      const emails = (await get('/user/emails')) as Array<{ email?: unknown; primary?: unknown; verified?: unknown }>;
      const list = Array.isArray(emails) ? emails.filter((e) => typeof e.email === 'string') : [];
      // The primary address if GitHub verified it, else any verified one; an unverified one only as a fact.
      const chosen =
        list.find((e) => e.primary === true && e.verified === true) ??
        list.find((e) => e.verified === true) ??
        list.find((e) => e.primary === true) ??
        null;
      const [first, ...rest] = (text(user.name) ?? '').split(' ');
      return {
        subject: String(user.id),
        email: chosen ? String(chosen.email) : null,
        emailVerified: chosen?.verified === true,
        firstName: first || null,
        lastName: rest.join(' ') || null,
        imageUrl: text(user.avatar_url),
        username: text(user.login),
      };
    },
  };
}

async function grant(config: client.Configuration, callbackUrl: URL, checks: client.AuthorizationCodeGrantChecks) {
  try {
    return await client.authorizationCodeGrant(config, callbackUrl, checks);
  } catch (cause) {
    throw classify(cause);
  }
}

function text(value: unknown): string | null {
  return typeof value === 'string' && value.length > 0 ? value.slice(0, 2048) : null;
}

function describe(cause: unknown): string {
  if (cause instanceof Error) return `${cause.name}${'code' in cause ? ` ${String(cause.code)}` : ''}: ${cause.message}`.slice(0, 300);
  return 'unknown error';
}

/** The error and its causes, outermost first (openid-client wraps oauth4webapi's errors, which wrap fetch's). */
function causes(error: unknown): Array<{ name?: string; code?: string; error?: string; message?: string; claim?: string }> {
  const chain = [];
  for (
    let e = error as { cause?: unknown } | undefined, depth = 0;
    e && typeof e === 'object' && depth < 5;
    e = e.cause as typeof e, depth++
  ) {
    chain.push(e as { name?: string; code?: string; error?: string; message?: string; claim?: string });
  }
  return chain;
}

/** openid-client's failures as reasons; the detail (never a token) goes to the audit row. */
function classify(cause: unknown): OauthFlowError {
  if (isOauthFlowError(cause)) return cause;
  const chain = causes(cause);
  const e = chain[0] ?? {};
  const detail = describe(cause);
  const any = (test: (c: (typeof chain)[number]) => boolean) => chain.some(test);
  if (e.name === 'AuthorizationResponseError') {
    return new OauthFlowError(e.error === 'access_denied' ? 'oauth_access_denied' : 'oauth_provider_error', detail);
  }
  if (e.name === 'ResponseBodyError')
    return new OauthFlowError(e.error === 'invalid_grant' ? 'oauth_code_invalid' : 'oauth_provider_error', detail);
  if (any((c) => c.code === 'OAUTH_TIMEOUT' || c.code === 'OAUTH_ABORT' || c.name === 'TimeoutError' || c.name === 'AbortError')) {
    return new OauthFlowError('oauth_provider_unavailable', detail);
  }
  if (any((c) => c.name === 'TypeError' && /fetch failed/.test(c.message ?? '')))
    return new OauthFlowError('oauth_provider_unavailable', detail);
  if (any((c) => c.claim === 'nonce')) return new OauthFlowError('oauth_nonce_mismatch', detail);
  if (typeof e.code === 'string' && /JWT|JWS|CLAIM/.test(e.code)) return new OauthFlowError('oauth_token_invalid', detail);
  return new OauthFlowError('oauth_provider_error', detail);
}
