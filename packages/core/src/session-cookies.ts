// The Set-Cookie values for __session and __client (HttpOnly, SameSite=Lax, Secure on https) and request context.

import { CLIENT_COOKIE, SESSION_COOKIE, serializeCookie } from './cookies.js';

export interface CookieSettings {
  secure: boolean;
  /** Lifetime of the __client cookie; the session's own limits are enforced server-side. */
  clientMaxAgeSeconds: number;
}

export function sessionCookie(token: string, settings: CookieSettings): string {
  return serializeCookie(SESSION_COOKIE, token, { httpOnly: true, secure: settings.secure, sameSite: 'Lax' });
}

export function clientCookie(token: string, settings: CookieSettings): string {
  return serializeCookie(CLIENT_COOKIE, token, {
    httpOnly: true,
    secure: settings.secure,
    sameSite: 'Lax',
    maxAge: settings.clientMaxAgeSeconds,
  });
}

export function clearedCookies(settings: CookieSettings): string[] {
  return [SESSION_COOKIE, CLIENT_COOKIE].map((name) =>
    serializeCookie(name, '', { httpOnly: true, secure: settings.secure, sameSite: 'Lax', maxAge: 0 }),
  );
}

/** Cookies are Secure when the request came over https (or when forced by configuration). */
export function isSecureRequest(request: Request, force: boolean | undefined): boolean {
  if (force !== undefined) return force;
  return new URL(request.url).protocol === 'https:';
}

/** Who is asking, for audit rows, session lists and the `azp` claim. */
export interface RequestContext {
  ip: string | null;
  userAgent: string | null;
  /** The Origin that asked for a token; becomes the `azp` claim. */
  origin: string | null;
}

/**
 * The client address of a request: the X-Forwarded-For entry `trustedProxyHops` from the right,
 * i.e. what the outermost trusted proxy saw. Never the leftmost entry, which the client writes
 * itself and could set to anything. (`gatehouse serve` appends the socket address; Next.js adds one
 * only when the header is absent, so behind no proxy the address is whatever the client sent.)
 * The per-IP rate limits, audit rows and session lists all use this one rule.
 */
export function clientAddress(headers: Pick<Headers, 'get'>, trustedProxyHops = 1): string | null {
  const entries = (headers.get('x-forwarded-for') ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const entry = entries[Math.max(0, entries.length - Math.max(1, Math.floor(trustedProxyHops)))];
  return entry ? entry.slice(0, 64) : null;
}

/**
 * The context of a request. The IP is {@link clientAddress} with the instance's trusted proxy hops
 * (`GATEHOUSE_TRUSTED_PROXY_HOPS`, default 1), for display and audit only.
 */
export function requestContext(request: Pick<Request, 'headers'>, trustedProxyHops = 1): RequestContext {
  return {
    ip: clientAddress(request.headers, trustedProxyHops),
    userAgent: request.headers.get('user-agent')?.slice(0, 512) ?? null,
    origin: null,
  };
}
