// Compact JWS decoding and verification: strict parsing, a header allow-list, the key chosen by kid.

import { base64url } from 'jose';
import type { KeyResolver } from './keys.js';
import { TokenVerificationError, type AuthReason } from './reasons.js';
import { SUPPORTED_ALGORITHMS, type VerifyingKey } from './signatures.js';

/** Tokens longer than this are refused before any parsing (a session cookie must fit in 4 KB). */
export const MAX_TOKEN_LENGTH = 8192;
/** Header parameters that would let a token choose its own key or its own rules. */
const FORBIDDEN_HEADER_PARAMS = ['jku', 'x5u', 'jwk', 'x5c', 'x5t', 'x5t#S256', 'crit', 'b64', 'zip'] as const;
/** Three unpadded base64url segments: no padding, no standard-alphabet characters, no whitespace. */
const JWS_COMPACT = /^([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)$/;

export interface JwsHeader {
  alg: string;
  kid?: string;
  typ?: string;
  cat?: string;
  [param: string]: unknown;
}

export interface DecodedJws {
  header: JwsHeader;
  payload: Uint8Array;
  signingInput: Uint8Array;
  signature: Uint8Array;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

/**
 * Node's native decoder when this runtime has one (ten times faster than the portable one, and this
 * is on every request); feature-detected, so the edge runtime falls back to jose's.
 */
const nativeBase64 = (globalThis as { Buffer?: { from(input: string, encoding: 'base64url' | 'latin1'): Uint8Array } }).Buffer;

/** Value of each base64url character (-1 elsewhere), for the trailing-bits check. */
const SEXTET = new Int8Array(128).fill(-1);
'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'.split('').forEach((c, i) => (SEXTET[c.charCodeAt(0)] = i));

/**
 * Strict, canonical base64url: a remainder of one character cannot encode whole bytes, and the
 * unused low bits of the last character must be zero. Decoders ignore those bits, so without this
 * check one signature has four (or sixteen) spellings that all verify: a token would not be the
 * only string that carries its signature (issue #15).
 */
function decodeSegment(segment: string): Uint8Array {
  const remainder = segment.length % 4;
  if (remainder === 1) throw new TokenVerificationError('token-invalid');
  if (remainder !== 0 && (SEXTET[segment.charCodeAt(segment.length - 1)]! & (remainder === 2 ? 0b1111 : 0b11)) !== 0) {
    throw new TokenVerificationError('token-invalid');
  }
  // The alphabet was checked by JWS_COMPACT already, so the lenient native decoder sees only valid input.
  if (nativeBase64) return nativeBase64.from(segment, 'base64url');
  try {
    return base64url.decode(segment);
  } catch {
    throw new TokenVerificationError('token-invalid');
  }
}

/**
 * The bytes of an ASCII string (the signing input, checked by JWS_COMPACT). Node's Buffer takes
 * them from its shared pool; a TextEncoder allocates a new buffer outside the heap on every call.
 */
const asciiBytes = (ascii: string): Uint8Array => (nativeBase64 ? nativeBase64.from(ascii, 'latin1') : encoder.encode(ascii));

/**
 * Every token one key signs has the same header segment, so its parse is remembered (a pure
 * function of the segment; the object is frozen, so no caller can change what the next one reads),
 * with the outcome of the header checks that depend on nothing else ({@link headerFault}).
 * Bounded: a flood of made-up headers only empties the memo.
 */
interface ParsedHeader {
  header: JwsHeader;
  fault: AuthReason | null;
}
const headerMemo = new Map<string, ParsedHeader>();
const HEADER_MEMO_SIZE = 64;

/** The last header parsed: the usual token has it, and comparing it costs less than hashing the segment for the map. */
let lastHeader: { segment: string; parsed: ParsedHeader } | null = null;

function decodeHeader(segment: string): ParsedHeader {
  if (lastHeader !== null && lastHeader.segment === segment) return lastHeader.parsed;
  const known = headerMemo.get(segment);
  if (known !== undefined) {
    lastHeader = { segment, parsed: known };
    return known;
  }
  let header: unknown;
  try {
    header = JSON.parse(decoder.decode(decodeSegment(segment)));
  } catch {
    throw new TokenVerificationError('token-invalid');
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) throw new TokenVerificationError('token-invalid');
  const frozen = Object.freeze(header) as JwsHeader;
  const parsed = Object.freeze({ header: frozen, fault: headerFault(frozen) });
  if (headerMemo.size >= HEADER_MEMO_SIZE) headerMemo.clear();
  headerMemo.set(segment, parsed);
  lastHeader = { segment, parsed };
  return parsed;
}

/**
 * The header checks that do not depend on the verifier's options, in the order they are reported:
 * no parameter that picks its own key or rules, `typ` absent or `JWT`, a string `kid`.
 */
function headerFault(header: JwsHeader): AuthReason | null {
  for (const param of FORBIDDEN_HEADER_PARAMS) {
    if (Object.hasOwn(header, param)) return 'token-invalid-header';
  }
  if (header.typ !== undefined && header.typ !== 'JWT') return 'token-invalid-header';
  if (typeof header.kid !== 'string') return 'jwk-kid-mismatch';
  return null;
}

/**
 * Splits and decodes a compact JWS without trusting any of it yet.
 * @throws TokenVerificationError `token-invalid`
 */
export function decodeCompactJws(token: string): DecodedJws {
  return decodeToken(token).jws;
}

/** The decoded token and the outcome of its header's option-independent checks. */
function decodeToken(token: string): { jws: DecodedJws; fault: AuthReason | null } {
  if (typeof token !== 'string' || token.length > MAX_TOKEN_LENGTH) throw new TokenVerificationError('token-invalid');
  const parts = JWS_COMPACT.exec(token);
  if (!parts) throw new TokenVerificationError('token-invalid');
  const [, headerPart, payloadPart, signaturePart] = parts as unknown as [string, string, string, string];
  const { header, fault } = decodeHeader(headerPart);
  const jws: DecodedJws = {
    header,
    payload: decodeSegment(payloadPart),
    signingInput: asciiBytes(token.slice(0, headerPart.length + 1 + payloadPart.length)),
    signature: decodeSegment(signaturePart),
  };
  return { jws, fault };
}

export interface JwsVerifyOptions {
  keys: KeyResolver;
  /** Algorithms accepted; a token naming any other is refused before a key is looked up. */
  algorithms: ReadonlySet<string>;
}

/**
 * Verifies a compact JWS: `alg` on the allow-list, no header that picks its own key or rules, a
 * `kid` this instance trusts for that `alg`, and a signature that checks.
 *
 * @throws TokenVerificationError `token-invalid`, `token-invalid-algorithm`, `token-invalid-header`,
 *   `jwk-kid-mismatch`, `token-invalid-signature`
 */
export async function verifyCompactJws(token: string, options: JwsVerifyOptions): Promise<DecodedJws> {
  return verifyCompactJwsNow(token, options);
}

/**
 * {@link verifyCompactJws}, answered synchronously when it can be: when the resolver has the key at
 * hand (`peekKey`) and the key checks signatures synchronously (node:crypto), no promise is made.
 * Otherwise (a remote key set, WebCrypto) it returns a promise. Same checks, same errors (thrown
 * synchronously on the synchronous path).
 */
export function verifyCompactJwsNow(token: string, options: JwsVerifyOptions): DecodedJws | Promise<DecodedJws> {
  const { jws, fault } = decodeToken(token);
  const { header } = jws;
  if (typeof header.alg !== 'string' || !options.algorithms.has(header.alg)) throw new TokenVerificationError('token-invalid-algorithm');
  if (fault !== null) throw new TokenVerificationError(fault);
  if (typeof header.kid !== 'string') throw new TokenVerificationError('jwk-kid-mismatch'); // checked by headerFault; narrows the type
  let key: VerifyingKey | null | undefined;
  try {
    key = options.keys.peekKey?.(header.kid, header.alg);
  } catch {
    key = null; // a key that cannot be imported (say, an EC point off its curve) verifies nothing
  }
  if (key === undefined) return resolveAndCheck(jws, header.kid, header.alg, options.keys);
  return checkSignature(jws, key);
}

async function resolveAndCheck(jws: DecodedJws, kid: string, alg: string, keys: KeyResolver): Promise<DecodedJws> {
  let key: VerifyingKey | null;
  try {
    key = await keys.getKey(kid, alg);
  } catch {
    key = null; // a key that cannot be imported (say, an EC point off its curve) verifies nothing
  }
  return checkSignature(jws, key);
}

function checkSignature(jws: DecodedJws, key: VerifyingKey | null): DecodedJws | Promise<DecodedJws> {
  if (!key) throw new TokenVerificationError('jwk-kid-mismatch');
  let valid: boolean | Promise<boolean>;
  try {
    valid = key.verify(jws.signingInput, jws.signature);
  } catch {
    valid = false;
  }
  if (typeof valid !== 'object' || valid === null) return signatureOutcome(jws, valid);
  return Promise.resolve(valid).then(
    (ok) => signatureOutcome(jws, ok),
    () => signatureOutcome(jws, false),
  );
}

function signatureOutcome(jws: DecodedJws, valid: unknown): DecodedJws {
  if (valid !== true) throw new TokenVerificationError('token-invalid-signature');
  return jws;
}

/** Validates an algorithm allow-list at construction (a programmer error is a TypeError). */
export function algorithmSet(algorithms: readonly string[]): ReadonlySet<string> {
  for (const alg of algorithms) {
    if (!SUPPORTED_ALGORITHMS.includes(alg)) throw new TypeError(`Unsupported verification algorithm: ${alg}`);
  }
  return new Set(algorithms);
}
