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
    const end = partEnd(header, at);
    const start = valueStart(header, name, at, end);
    if (start !== -1) values.push(cookieValue(header.slice(start, end)));
    at = end === header.length ? -1 : header.indexOf(name, end);
  }
  return values;
}

/**
 * {@link singleCookieValue} of {@link cookieValues}, read straight from the header: no list is built
 * (every request reads its session cookie this way).
 */
export function singleCookieIn(header: string | null | undefined, name: string): string | null | { ambiguous: true } {
  let first: string | null = null;
  if (!header) return first;
  for (let at = header.indexOf(name); at !== -1;) {
    const end = partEnd(header, at);
    const start = valueStart(header, name, at, end);
    if (start !== -1) {
      const value = cookieValue(header.slice(start, end));
      if (first === null) first = value;
      else if (value !== first) return { ambiguous: true };
    }
    at = end === header.length ? -1 : header.indexOf(name, end);
  }
  return first;
}

const SEMICOLON = 0x3b;
const EQUALS = 0x3d;

/** The end of the `;`-separated part holding index `at`. */
function partEnd(header: string, at: number): number {
  const end = header.indexOf(';', at);
  return end === -1 ? header.length : end;
}

/**
 * Where the value starts in the part holding the occurrence of `name` at `at` (ending at `end`),
 * when that part is named `name`; -1 otherwise. The part's start is walked back to from `at`
 * (usually zero or one step; each part at most once, as the next search starts after its end).
 */
function valueStart(header: string, name: string, at: number, end: number): number {
  let start = at;
  while (start > 0 && header.charCodeAt(start - 1) !== SEMICOLON) start--;
  // The usual part is `name=value`: its `=` is right after the name, and no substring is made.
  const usual = start === at && header.charCodeAt(at + name.length) === EQUALS && !name.includes('=');
  const eq = usual ? at + name.length : header.indexOf('=', start);
  if (eq <= start || eq >= end) return -1;
  return (usual ? name.trim() === name : header.slice(start, eq).trim() === name) ? eq + 1 : -1;
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

/** {@link singleCookie} over the values of one name (from {@link cookieValues}; {@link singleCookieIn} reads a header directly). */
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
