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
const JWS_COMPACT = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;
/** One such segment. */
const SEGMENT = /^[A-Za-z0-9_-]+$/;

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
const nativeBase64 = (globalThis as { Buffer?: NodeBufferClass }).Buffer;
interface NodeBufferClass {
  from(input: string, encoding: 'base64url' | 'latin1'): Uint8Array;
  allocUnsafeSlow(size: number): NodeBuffer;
  byteLength(input: string, encoding: 'utf8'): number;
}
interface NodeBuffer extends Uint8Array {
  write(input: string, offset: number, encoding: 'base64url'): number;
  write(input: string, offset: number, length: number, encoding: 'latin1'): number;
  toString(encoding?: 'utf8', start?: number, end?: number): string;
}

/** Value of each base64url character (-1 elsewhere), for the trailing-bits check. */
const SEXTET = new Int8Array(128).fill(-1);
'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'.split('').forEach((c, i) => (SEXTET[c.charCodeAt(0)] = i));

/**
 * Strict, canonical base64url: a remainder of one character cannot encode whole bytes, and the
 * unused low bits of the last character must be zero. Decoders ignore those bits, so without this
 * check one signature has four (or sixteen) spellings that all verify: a token would not be the
 * only string that carries its signature (issue #15). The alphabet is checked apart (JWS_COMPACT, SEGMENT).
 */
function assertCanonical(segment: string): void {
  const remainder = segment.length % 4;
  if (remainder === 1) throw new TokenVerificationError('token-invalid');
  if (remainder !== 0 && (SEXTET[segment.charCodeAt(segment.length - 1)]! & (remainder === 2 ? 0b1111 : 0b11)) !== 0) {
    throw new TokenVerificationError('token-invalid');
  }
}

/** The bytes of a segment {@link assertCanonical} accepted. */
function decodeSegment(segment: string): Uint8Array {
  // The alphabet was checked already (JWS_COMPACT or SEGMENT), so the lenient native decoder sees only valid input.
  if (nativeBase64) return nativeBase64.from(segment, 'base64url');
  try {
    return base64url.decode(segment);
  } catch {
    throw new TokenVerificationError('token-invalid');
  }
}

/**
 * Room to decode one payload into before it becomes a string: the longest token's payload fits.
 * Written and read within one synchronous call, so no two decodings ever share it.
 */
const payloadScratch = nativeBase64 ? nativeBase64.allocUnsafeSlow(MAX_TOKEN_LENGTH) : null;
const payloadDecoder = new TextDecoder();

/**
 * The text of a verified token's payload segment (checked canonical), read as UTF-8 exactly as a
 * default TextDecoder reads it (malformed sequences replaced, a leading byte-order mark dropped).
 * Its alphabet is checked here, after the signature: the signer vouches for every character of it
 * ({@link splitToken}), and the check keeps refusing a payload that is not strict base64url even
 * when a trusted key signed it. On Node it is decoded into {@link payloadScratch}, not a new buffer.
 * @throws TokenVerificationError `token-invalid`
 */
function payloadText(segment: string): string {
  if (!payloadScratch) {
    if (!SEGMENT.test(segment)) throw new TokenVerificationError('token-invalid');
    return payloadDecoder.decode(decodeSegment(segment));
  }
  const length = payloadScratch.write(segment, 0, 'base64url');
  // The native decoder skips characters of neither alphabet and stops at `=`, leaving fewer bytes
  // than the segment's length promises; the standard alphabet's two characters are looked for.
  if (length !== (segment.length * 3) >>> 2 || segment.includes('+') || segment.includes('/')) {
    throw new TokenVerificationError('token-invalid');
  }
  const bom = length >= 3 && payloadScratch[0] === 0xef && payloadScratch[1] === 0xbb && payloadScratch[2] === 0xbf;
  return payloadScratch.toString('utf8', bom ? 3 : 0, length);
}

/**
 * The bytes of an ASCII string (the signing input, checked by splitToken). Node's Buffer takes
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

/** The parsed header of a token whose header segment ends at `end` (its first dot). */
function decodeHeader(token: string, end: number): ParsedHeader {
  // The last header's segment followed by the first dot: no substring made, no hash computed.
  if (lastHeader !== null && end === lastHeader.segment.length && token.startsWith(lastHeader.segment)) return lastHeader.parsed;
  const segment = token.slice(0, end);
  const known = headerMemo.get(segment);
  if (known !== undefined) {
    lastHeader = { segment, parsed: known };
    return known;
  }
  if (!SEGMENT.test(segment)) throw new TokenVerificationError('token-invalid');
  assertCanonical(segment);
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
 * A compact JWS split and checked for form, its header parsed, its payload still the base64url
 * segment (checked canonical): {@link DecodedJws} without the payload's bytes.
 */
interface SplitJws {
  token: string;
  header: JwsHeader;
  /** The outcome of the header's option-independent checks ({@link headerFault}). */
  fault: AuthReason | null;
  payloadSegment: string;
  /** Where the signing input ends (the second dot). */
  signingEnd: number;
  signatureSegment: string;
}

/**
 * Splits a compact JWS without trusting any of it yet. `strict`: every character is checked
 * against the base64url alphabet first. Otherwise (the verifier, on Node) the token must be ASCII
 * and its header and signature strict base64url, but the payload's alphabet is left to the
 * signature: the signing input's bytes are then its characters one for one, so a valid signature
 * means a trusted signer wrote exactly this payload, and Gatehouse signs only strict base64url.
 * A refusal from a token that is not strict base64url throughout is reported as `token-invalid`
 * all the same ({@link refusal}), and the payload's alphabet is still checked after the signature
 * ({@link payloadText}), so the outcome is the strict one either way.
 * @throws TokenVerificationError `token-invalid`
 */
function splitToken(token: string, strict: boolean): SplitJws {
  if (typeof token !== 'string' || token.length > MAX_TOKEN_LENGTH) throw new TokenVerificationError('token-invalid');
  if (strict || !nativeBase64) {
    if (!JWS_COMPACT.test(token)) throw new TokenVerificationError('token-invalid');
  } else if (nativeBase64.byteLength(token, 'utf8') !== token.length) {
    throw new TokenVerificationError('token-invalid'); // a character outside ASCII
  }
  const headerEnd = token.indexOf('.');
  const payloadEnd = token.indexOf('.', headerEnd + 1);
  // Three non-empty segments (JWS_COMPACT has said so already when it ran).
  if (headerEnd < 1 || payloadEnd <= headerEnd + 1 || payloadEnd === token.length - 1 || token.includes('.', payloadEnd + 1)) {
    throw new TokenVerificationError('token-invalid');
  }
  const { header, fault } = decodeHeader(token, headerEnd);
  const payloadSegment = token.slice(headerEnd + 1, payloadEnd);
  const signatureSegment = token.slice(payloadEnd + 1);
  if (!strict && !SEGMENT.test(signatureSegment)) throw new TokenVerificationError('token-invalid');
  assertCanonical(payloadSegment);
  assertCanonical(signatureSegment);
  return { token, header, fault, payloadSegment, signingEnd: payloadEnd, signatureSegment };
}

/**
 * The error to report for a refused token: a token that is not three strict base64url segments is
 * `token-invalid`, whatever check refused it after the quick split ({@link splitToken}).
 */
function refusal(token: string, error: unknown): unknown {
  return typeof token === 'string' && !JWS_COMPACT.test(token) ? new TokenVerificationError('token-invalid') : error;
}

/**
 * Splits and decodes a compact JWS without trusting any of it yet.
 * @throws TokenVerificationError `token-invalid`
 */
export function decodeCompactJws(token: string): DecodedJws {
  return decoded(splitToken(token, true));
}

/** The {@link DecodedJws} of a split token, its payload's alphabet checked. */
function decoded(jws: SplitJws): DecodedJws {
  if (!SEGMENT.test(jws.payloadSegment)) throw new TokenVerificationError('token-invalid');
  return { header: jws.header, payload: decodeSegment(jws.payloadSegment), ...signedBytes(jws) };
}

/** The signing input's bytes and the signature's, each in a buffer of its own. */
function signedBytes({ token, signingEnd, signatureSegment }: SplitJws): { signingInput: Uint8Array; signature: Uint8Array } {
  return { signingInput: asciiBytes(token.slice(0, signingEnd)), signature: decodeSegment(signatureSegment) };
}

/**
 * Room for one signing input and its signature (the longest token's fit), for a key that reads
 * them only during a synchronous call ({@link VerifyingKey.verifySync}): no buffer made per token.
 */
const verifyScratch = nativeBase64 ? nativeBase64.allocUnsafeSlow(MAX_TOKEN_LENGTH) : null;

function verifyInScratch(
  scratch: NodeBuffer,
  { token, signingEnd, signatureSegment }: SplitJws,
  verifySync: VerifyingKey['verifySync'] & {},
): boolean {
  // The token is ASCII (splitToken), so its first signingEnd characters are signingEnd latin1 bytes.
  const dataLength = scratch.write(token, 0, signingEnd, 'latin1');
  const signatureLength = scratch.write(signatureSegment, dataLength, 'base64url');
  return verifySync(scratch.subarray(0, dataLength), scratch.subarray(dataLength, dataLength + signatureLength));
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
  return verifyJwsNow(token, options, decoded);
}

/** A verified compact JWS as a session token's claims need it: the header and the payload's text. */
export interface VerifiedJws {
  header: JwsHeader;
  /** The payload's UTF-8 text, not yet parsed ({@link payloadText}). */
  payloadText: string;
}

const verifiedText = ({ header, payloadSegment }: SplitJws): VerifiedJws => ({ header, payloadText: payloadText(payloadSegment) });

/** {@link verifyCompactJwsNow} giving the payload's text instead of its bytes. Same checks, same errors. */
export function verifyJwsTextNow(token: string, options: JwsVerifyOptions): VerifiedJws | Promise<VerifiedJws> {
  return verifyJwsNow(token, options, verifiedText);
}

/** The checks of {@link verifyCompactJwsNow}; `read` makes the answer of the verified token. */
function verifyJwsNow<T>(token: string, options: JwsVerifyOptions, read: (jws: SplitJws) => T): T | Promise<T> {
  let answer: T | Promise<T>;
  try {
    answer = verifySplit(token, options, read);
  } catch (error) {
    throw refusal(token, error);
  }
  if (!(answer instanceof Promise)) return answer;
  return answer.catch((error: unknown) => {
    throw refusal(token, error);
  });
}

function verifySplit<T>(token: string, options: JwsVerifyOptions, read: (jws: SplitJws) => T): T | Promise<T> {
  const jws = splitToken(token, false);
  const { header, fault } = jws;
  if (typeof header.alg !== 'string' || !options.algorithms.has(header.alg)) throw new TokenVerificationError('token-invalid-algorithm');
  if (fault !== null) throw new TokenVerificationError(fault);
  if (typeof header.kid !== 'string') throw new TokenVerificationError('jwk-kid-mismatch'); // checked by headerFault; narrows the type
  let key: VerifyingKey | null | undefined;
  try {
    key = options.keys.peekKey?.(header.kid, header.alg);
  } catch {
    key = null; // a key that cannot be imported (say, an EC point off its curve) verifies nothing
  }
  if (key !== undefined) return checkSignature(jws, key, read);
  // Nothing is fetched for a token that is not strict base64url throughout.
  if (!JWS_COMPACT.test(token)) throw new TokenVerificationError('token-invalid');
  return resolveAndCheck(jws, header.kid, header.alg, options.keys, read);
}

async function resolveAndCheck<T>(jws: SplitJws, kid: string, alg: string, keys: KeyResolver, read: (jws: SplitJws) => T): Promise<T> {
  let key: VerifyingKey | null;
  try {
    key = await keys.getKey(kid, alg);
  } catch {
    key = null; // a key that cannot be imported (say, an EC point off its curve) verifies nothing
  }
  return checkSignature(jws, key, read);
}

function checkSignature<T>(jws: SplitJws, key: VerifyingKey | null, read: (jws: SplitJws) => T): T | Promise<T> {
  if (!key) throw new TokenVerificationError('jwk-kid-mismatch');
  const inScratch = verifyScratch !== null && key.verifySync !== undefined;
  const bytes = inScratch ? null : signedBytes(jws);
  let valid: boolean | Promise<boolean>;
  try {
    valid = bytes === null ? verifyInScratch(verifyScratch!, jws, key.verifySync!) : key.verify(bytes.signingInput, bytes.signature);
  } catch {
    valid = false;
  }
  if (typeof valid !== 'object' || valid === null) return signatureOutcome(jws, valid, read);
  return Promise.resolve(valid).then(
    (ok) => signatureOutcome(jws, ok, read),
    () => signatureOutcome(jws, false, read),
  );
}

function signatureOutcome<T>(jws: SplitJws, valid: unknown, read: (jws: SplitJws) => T): T {
  if (valid !== true) throw new TokenVerificationError('token-invalid-signature');
  return read(jws);
}

/** Validates an algorithm allow-list at construction (a programmer error is a TypeError). */
export function algorithmSet(algorithms: readonly string[]): ReadonlySet<string> {
  for (const alg of algorithms) {
    if (!SUPPORTED_ALGORITHMS.includes(alg)) throw new TypeError(`Unsupported verification algorithm: ${alg}`);
  }
  return new Set(algorithms);
}
