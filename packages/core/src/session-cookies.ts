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

/** The context of a request. The IP is the first X-Forwarded-For hop, for display and audit only. */
export function requestContext(request: Pick<Request, 'headers'>): RequestContext {
  const forwarded = request.headers.get('x-forwarded-for');
  const ip = forwarded ? (forwarded.split(',')[0]?.trim().slice(0, 64) ?? null) : null;
  return { ip: ip || null, userAgent: request.headers.get('user-agent')?.slice(0, 512) ?? null, origin: null };
}
