// Prefixed, unguessable identifiers (`user_…`, `sess_…`) and opaque secrets.

import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

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

/** A new id: the prefix, `_`, and 128 random bits in lowercase base32 (26 characters). */
export function newId(prefix: IdPrefix): string {
  return `${prefix}_${base32(randomBytes(16))}`;
}

/** A new secret of 256 random bits, base64url. */
export function newSecret(): string {
  return randomBytes(32).toString('base64url');
}

/** SHA-256 of a secret, hex. Secrets are stored only as this hash. */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
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
