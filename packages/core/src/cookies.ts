// Cookie names, parsing and serialisation shared by every layer.

/** The short-lived session token (a JWT). HttpOnly, unlike Clerk's. */
export const SESSION_COOKIE = '__session';
/** The long-lived, rotating client token (opaque `id.secret`; only its hash is stored). */
export const CLIENT_COOKIE = '__client';

/**
 * Parses a Cookie header into name -> every value sent under that name, in order. Repeated names
 * are kept (not collapsed) so callers can refuse ambiguous credentials instead of silently picking
 * one that an attacker planted. Values are percent-decoded when valid and kept raw otherwise.
 */
export function parseCookieHeader(header: string | null | undefined): Map<string, string[]> {
  const cookies = new Map<string, string[]>();
  if (!header) return cookies;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    const name = part.slice(0, eq).trim();
    if (name === '') continue;
    let value = part.slice(eq + 1).trim();
    if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
    if (value.includes('%')) {
      try {
        value = decodeURIComponent(value);
      } catch {
        // Malformed escapes: keep the raw value; it will simply fail verification.
      }
    }
    const list = cookies.get(name);
    if (list) list.push(value);
    else cookies.set(name, [value]);
  }
  return cookies;
}

/**
 * The single value of a cookie, `null` when absent, or `'ambiguous'` when it was sent more than
 * once with different values (cookie tossing from a sibling subdomain or path).
 */
export function singleCookie(cookies: Map<string, string[]>, name: string): string | null | { ambiguous: true } {
  const values = cookies.get(name);
  if (!values || values.length === 0) return null;
  const first = values[0] as string;
  for (const other of values) if (other !== first) return { ambiguous: true };
  return first;
}

export interface CookieOptions {
  maxAge?: number;
  expires?: Date;
  path?: string;
  domain?: string;
  httpOnly?: boolean;
  secure?: boolean;
  sameSite?: 'Strict' | 'Lax' | 'None';
}

const COOKIE_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** Serialises one Set-Cookie value. Throws TypeError on an invalid name (programmer error). */
export function serializeCookie(name: string, value: string, options: CookieOptions = {}): string {
  if (!COOKIE_NAME.test(name)) throw new TypeError(`Invalid cookie name: ${name}`);
  let out = `${name}=${encodeURIComponent(value)}`;
  out += `; Path=${options.path ?? '/'}`;
  if (options.domain) out += `; Domain=${options.domain}`;
  if (options.maxAge !== undefined) out += `; Max-Age=${Math.max(0, Math.floor(options.maxAge))}`;
  if (options.expires) out += `; Expires=${options.expires.toUTCString()}`;
  if (options.httpOnly) out += '; HttpOnly';
  if (options.secure) out += '; Secure';
  if (options.sameSite) out += `; SameSite=${options.sameSite}`;
  return out;
}
