// How a standalone app talks to its service: the answers' errors as GatehouseErrors, the refresh
// (server to server with the secret key, or as a browser would with the client cookie), and the
// auth API forwarded as is.

import {
  CLIENT_COOKIE,
  GatehouseError,
  STATUS_BY_CODE,
  authenticateToken,
  errorResponse,
  type GatehouseErrorCode,
  type RequestContext,
  type SessionRefresh,
  type SessionTokenVerifier,
} from '@gatehouse/core';
import { APP_REFRESH_PATH } from '../http/app-refresh.js';

/** What every call to the service needs. */
export interface ServiceCalls {
  service: URL;
  /** The app's (and so the service's) mount point of the auth API. */
  basePath: string;
  doFetch: typeof fetch;
  timeoutMs: number;
}

const isCode = (code: unknown): code is GatehouseErrorCode => typeof code === 'string' && Object.hasOwn(STATUS_BY_CODE, code);

/** The service's JSON answer, or its error (same code) thrown. */
async function serviceJson(res: Response, has: string): Promise<Record<string, unknown>> {
  const body = (await res.json().catch(() => null)) as ({ error?: { code?: unknown; message?: unknown } } & Record<string, unknown>) | null;
  if (!res.ok || !body || typeof body[has] !== 'string') {
    const code = isCode(body?.error?.code) ? body.error.code : 'internal_error';
    throw new GatehouseError(code, typeof body?.error?.message === 'string' ? body.error.message : `The service answered ${res.status}.`);
  }
  return body;
}

/** The service's JSON answer with a `jwt`, or its error (same code) thrown. */
export async function serviceAnswer(res: Response): Promise<{ jwt: string } & Record<string, unknown>> {
  return (await serviceJson(res, 'jwt')) as { jwt: string } & Record<string, unknown>;
}

/** A new session token as this app reads it with the service's keys: it crossed the network. @throws GatehouseError `internal_error` */
export async function verifiedClaims(token: string, verifier: SessionTokenVerifier) {
  const state = await authenticateToken(token, 'cookie', { verifier });
  if (state.status !== 'signed-in')
    throw new GatehouseError('internal_error', `The service's new session token does not verify (${state.reason}).`);
  return state.claims;
}

/**
 * The refresh of the port over HTTP. With the secret key: `POST {basePath}/app/refresh`, the client
 * token and the browser's context in, the tokens out as JSON. Without one: the browsers' cookie-based
 * `POST {basePath}/refresh`, the rotated client token read from its Set-Cookie.
 */
export function remoteRefresh(calls: ServiceCalls, verifier: SessionTokenVerifier, secretKey: string | undefined) {
  const { service, basePath, doFetch, timeoutMs } = calls;
  async function withSecretKey(key: string, clientToken: string, ctx: RequestContext): Promise<SessionRefresh> {
    const res = await doFetch(new URL(`${basePath}${APP_REFRESH_PATH}`, service), {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ clientToken, ip: ctx.ip, userAgent: ctx.userAgent, origin: ctx.origin ?? service.origin }),
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    });
    const body = await serviceJson(res, 'sessionToken');
    const sessionToken = body.sessionToken as string;
    return {
      sessionToken,
      sessionId: String(body.sessionId),
      userId: String(body.userId),
      claims: await verifiedClaims(sessionToken, verifier),
      clientToken: typeof body.clientToken === 'string' && body.clientToken !== '' ? body.clientToken : null,
    };
  }
  async function withCookie(clientToken: string, ctx: RequestContext): Promise<SessionRefresh> {
    const headers = new Headers({ cookie: `${CLIENT_COOKIE}=${clientToken}`, origin: ctx.origin ?? service.origin });
    if (ctx.userAgent) headers.set('user-agent', ctx.userAgent);
    if (ctx.ip) headers.set('x-forwarded-for', ctx.ip);
    const res = await doFetch(new URL(`${basePath}/refresh`, service), {
      method: 'POST',
      headers,
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    });
    const body = await serviceAnswer(res);
    const rotated = res.headers
      .getSetCookie()
      .map((line) => line.split(';')[0] ?? '')
      .find((pair) => pair.startsWith(`${CLIENT_COOKIE}=`) && pair.length > CLIENT_COOKIE.length + 1);
    return {
      sessionToken: body.jwt,
      sessionId: String(body.sessionId),
      userId: String(body.userId),
      claims: await verifiedClaims(body.jwt, verifier),
      clientToken: rotated ? rotated.slice(CLIENT_COOKIE.length + 1) : null,
    };
  }
  return (clientToken: string, ctx: RequestContext): Promise<SessionRefresh> =>
    secretKey ? withSecretKey(secretKey, clientToken, ctx) : withCookie(clientToken, ctx);
}

/** Response headers that describe one hop's transfer, not the content: never passed on. */
const HOP_HEADERS = new Set(['connection', 'keep-alive', 'transfer-encoding', 'content-encoding', 'content-length']);

/** The app's `{basePath}/*` (and JWKS) forwarded to the same path on the service; the answer, cookies included, goes back as is. */
export async function forwardToService(calls: ServiceCalls, request: Request, log: (line: string) => void): Promise<Response> {
  const { service, doFetch, timeoutMs } = calls;
  const url = new URL(request.url);
  const headers = new Headers(request.headers);
  for (const name of ['host', 'connection', 'content-length', 'keep-alive', 'transfer-encoding']) headers.delete(name);
  const init: RequestInit & { duplex?: 'half' } = {
    method: request.method,
    headers,
    redirect: 'manual',
    signal: AbortSignal.timeout(timeoutMs),
  };
  if (request.body && request.method !== 'GET' && request.method !== 'HEAD') {
    init.body = request.body;
    init.duplex = 'half';
  }
  let res: Response;
  try {
    res = await doFetch(new URL(`${url.pathname}${url.search}`, service), init);
  } catch (error) {
    log(`gatehouse: the service cannot be reached (${error instanceof Error ? error.message : 'unknown error'})`);
    return errorResponse('internal_error', 'The Gatehouse service cannot be reached.');
  }
  const out = new Headers();
  res.headers.forEach((value, name) => {
    if (!HOP_HEADERS.has(name) && name !== 'set-cookie') out.set(name, value);
  });
  for (const cookie of res.headers.getSetCookie()) out.append('set-cookie', cookie);
  return new Response(request.method === 'HEAD' ? null : await res.arrayBuffer(), { status: res.status, headers: out });
}
