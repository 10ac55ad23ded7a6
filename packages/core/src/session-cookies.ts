// The Set-Cookie values for __session and __client (HttpOnly, SameSite=Lax, Secure on https) and request context.

import { CLIENT_COOKIE, SESSION_COOKIE, serializeCookie } from './cookies.js';
import { clientAddress } from './forwarded.js';

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

/**
 * The settings of the session cookies a response sets or clears, made here only: Secure when the
 * URL the browser used is https (or as the configuration forces), the client cookie living as long
 * as a session may.
 */
export function cookieSettings(publicUrl: string | URL, clientMaxAgeSeconds: number, forceSecure?: boolean): CookieSettings {
  return { secure: forceSecure ?? new URL(publicUrl).protocol === 'https:', clientMaxAgeSeconds };
}

/** Who is asking, for audit rows, session lists and the `azp` claim. */
export interface RequestContext {
  ip: string | null;
  userAgent: string | null;
  /** The Origin that asked for a token; becomes the `azp` claim. */
  origin: string | null;
}

/**
 * The context of a request. The IP is {@link clientAddress} with the instance's trusted proxy hops
 * (`GATEHOUSE_TRUSTED_PROXY_HOPS`, default 0), for display and audit only.
 */
export function requestContext(request: Pick<Request, 'headers'>, trustedProxyHops = 0): RequestContext {
  return {
    ip: clientAddress(request.headers, trustedProxyHops),
    userAgent: request.headers.get('user-agent')?.slice(0, 512) ?? null,
    origin: null,
  };
}
