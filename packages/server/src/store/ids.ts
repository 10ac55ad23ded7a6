// Prefixed, unguessable identifiers (`user_…`, `sess_…`) and opaque secrets.

import * as crypto from 'node:crypto';
import { createHash, randomBytes, randomFillSync, timingSafeEqual } from 'node:crypto';

export type IdPrefix =
  | 'user'
  | 'sess'
  | 'client'
  | 'org'
  | 'orgmem'
  | 'orginv'
  | 'role'
  | 'jtmp'
  | 'key'
  | 'ins'
  | 'wh'
  | 'msg'
  | 'whd'
  | 'eac'
  | 'idn'
  | 'sua'
  | 'sia'
  | 'vc'
  | 'mail'
  | 'ak'
  | 'mch'
  | 'mt'
  | 'totp'
  | 'pk'
  | 'bcode'
  | 'fch';

/**
 * A user id: Gatehouse's own (26 lowercase base32 characters after the prefix) or one kept by
 * `gatehouse import` (Clerk's base62 KSUIDs, 27 characters; a peer's id). Anything else is not an id.
 */
export const USER_ID_PATTERN = /^user_[A-Za-z0-9]{20,64}$/;
/** An organization id, Gatehouse's own or an imported one (see {@link USER_ID_PATTERN}). */
export const ORG_ID_PATTERN = /^org_[A-Za-z0-9]{20,64}$/;

const POOL_BYTES = 4096;
const pool = Buffer.allocUnsafeSlow(POOL_BYTES);
let poolOffset = POOL_BYTES;

/**
 * `size` bytes from the operating system's CSPRNG, drawn from a pool filled 4 KiB at a time (as
 * Node's own randomUUID does): each call into the generator costs about 6 µs whatever its size, and
 * a refresh or a sign-in needs several small draws. Every byte is handed out once and wiped from the
 * pool as it leaves, so the pool never holds a secret already issued.
 */
export function secureRandom(size: number): Buffer {
  if (size > POOL_BYTES) return randomBytes(size);
  if (poolOffset + size > POOL_BYTES) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  const bytes = Buffer.from(pool.subarray(poolOffset, poolOffset + size));
  pool.fill(0, poolOffset, poolOffset + size);
  poolOffset += size;
  return bytes;
}

/** A new id: the prefix, `_`, and 128 random bits in lowercase base32 (26 characters). */
export function newId(prefix: IdPrefix): string {
  return `${prefix}_${base32(secureRandom(16))}`;
}

/** A new secret of 256 random bits, base64url. */
export function newSecret(): string {
  return secureRandom(32).toString('base64url');
}

/** Node's one-shot digest (20.12 and later): about a fifth of the cost of a Hash object for a short input. */
const oneShot = (crypto as { hash?: typeof crypto.hash }).hash;

/** SHA-256 of a string (UTF-8), in `encoding`. */
export function sha256(text: string, encoding: 'hex' | 'base64url'): string {
  return oneShot ? oneShot('sha256', text, encoding) : createHash('sha256').update(text).digest(encoding);
}

/** SHA-256 of a secret, hex. Secrets are stored only as this hash. */
export function hashSecret(secret: string): string {
  return sha256(secret, 'hex');
}

/** Constant-time equality of two hex digests of equal length. */
export function digestsEqual(a: string, b: string): boolean {
  const left = Buffer.from(a, 'hex');
  const right = Buffer.from(b, 'hex');
  return left.length === right.length && left.length > 0 && timingSafeEqual(left, right);
}

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567';
function base32(bytes: Uint8Array): string {
  let out = '';
  let bits = 0;
  let value = 0;
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += ALPHABET[(value << (5 - bits)) & 31];
  return out;
}
