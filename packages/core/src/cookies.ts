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
    const cookie = parseCookiePart(part);
    if (!cookie) continue;
    const list = cookies.get(cookie[0]);
    if (list) list.push(cookie[1]);
    else cookies.set(cookie[0], [cookie[1]]);
  }
  return cookies;
}

/** The values sent under one name, parsed exactly as {@link parseCookieHeader} does, without building the map. */
export function cookieValues(header: string | null | undefined, name: string): string[] {
  const values: string[] = [];
  if (!header) return values;
  // Only the `;`-separated parts that contain the name are looked at (a session cookie is ~1 KB),
  // by index, so the only string made is the value.
  for (let at = header.indexOf(name); at !== -1;) {
    const start = header.lastIndexOf(';', at) + 1;
    let end = header.indexOf(';', at);
    if (end === -1) end = header.length;
    const eq = header.indexOf('=', start);
    if (eq > start && eq < end && isNameOfPart(header, start, eq, at, name)) values.push(cookieValue(header.slice(eq + 1, end)));
    at = header.indexOf(name, end);
  }
  return values;
}

/**
 * Whether the name of the part from `start` to `eq` (trimmed) is `name`, found at `at`: the usual
 * part has nothing around its name, and then no substring is made.
 */
function isNameOfPart(header: string, start: number, eq: number, at: number, name: string): boolean {
  if (start === at && eq === at + name.length) return name.trim() === name;
  return header.slice(start, eq).trim() === name;
}

function parseCookiePart(part: string): [name: string, value: string] | null {
  const eq = part.indexOf('=');
  if (eq <= 0) return null;
  const name = part.slice(0, eq).trim();
  if (name === '') return null;
  return [name, cookieValue(part.slice(eq + 1))];
}

/** A cookie's raw value trimmed, unquoted, and percent-decoded when valid (kept raw otherwise). */
function cookieValue(raw: string): string {
  let value = raw.trim();
  if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
  if (value.includes('%')) {
    try {
      value = decodeURIComponent(value);
    } catch {
      // Malformed escapes: keep the raw value; it will simply fail verification.
    }
  }
  return value;
}

/**
 * The single value of a cookie, `null` when absent, or `'ambiguous'` when it was sent more than
 * once with different values (cookie tossing from a sibling subdomain or path).
 */
export function singleCookie(cookies: Map<string, string[]>, name: string): string | null | { ambiguous: true } {
  return singleCookieValue(cookies.get(name));
}

/** {@link singleCookie} over the values of one name (from {@link cookieValues}). */
export function singleCookieValue(values: readonly string[] | undefined): string | null | { ambiguous: true } {
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
