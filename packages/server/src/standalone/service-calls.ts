// How a standalone app talks to its service: the answers' errors as GatehouseErrors, the refresh
// (JSON both ways, with or without the secret key), and the auth API forwarded as is.

import {
  GatehouseError,
  STATUS_BY_CODE,
  authenticateToken,
  errorResponse,
  type GatehouseErrorCode,
  type RequestContext,
  type SessionRefresh,
  type SessionTokenVerifier,
} from '@gatehouse/core';
import { APP_CLIENT_REFRESH_PATH, APP_REFRESH_PATH } from '../http/app-refresh.js';

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
 * The refresh of the port over HTTP, JSON in and JSON out (no cookie is sent or read). With the
 * secret key: `POST {basePath}/app/refresh`, the client token and the browser's context in the body.
 * Without one: `POST {basePath}/app/client-refresh`, the client token in the body and the browser's
 * context in the headers, as a browser's own refresh would carry them.
 */
export function remoteRefresh(calls: ServiceCalls, verifier: SessionTokenVerifier, secretKey: string | undefined) {
  const { service, basePath, doFetch, timeoutMs } = calls;
  function request(clientToken: string, ctx: RequestContext): { path: string; headers: Headers; body: unknown } {
    const origin = ctx.origin ?? service.origin;
    const headers = new Headers({ 'content-type': 'application/json' });
    if (secretKey) {
      headers.set('authorization', `Bearer ${secretKey}`);
      return { path: APP_REFRESH_PATH, headers, body: { clientToken, ip: ctx.ip, userAgent: ctx.userAgent, origin } };
    }
    headers.set('origin', origin);
    if (ctx.userAgent) headers.set('user-agent', ctx.userAgent);
    if (ctx.ip) headers.set('x-forwarded-for', ctx.ip);
    return { path: APP_CLIENT_REFRESH_PATH, headers, body: { clientToken } };
  }
  return async (clientToken: string, ctx: RequestContext): Promise<SessionRefresh> => {
    const { path, headers, body } = request(clientToken, ctx);
    const res = await doFetch(new URL(`${basePath}${path}`, service), {
      method: 'POST',
      headers,
      body: JSON.stringify(body),
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    });
    const answer = await serviceJson(res, 'sessionToken');
    const sessionToken = answer.sessionToken as string;
    return {
      sessionToken,
      sessionId: String(answer.sessionId),
      userId: String(answer.userId),
      claims: await verifiedClaims(sessionToken, verifier),
      clientToken: typeof answer.clientToken === 'string' && answer.clientToken !== '' ? answer.clientToken : null,
    };
  };
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
