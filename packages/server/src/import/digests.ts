// Password digests imported from another system (Clerk's hashers, Better Auth's scrypt): their stored form, format checks at import time, and verification on the user's first sign-in.

import { createHash, createCipheriv, pbkdf2, scrypt, timingSafeEqual, type BinaryLike, type ScryptOptions } from 'node:crypto';
import { promisify } from 'node:util';
import bcrypt from 'bcryptjs';
import { verify as verifyArgon2 } from '@node-rs/argon2';
import { sha256 } from '../store/ids.js';

const pbkdf2Async = promisify(pbkdf2);
const scryptAsync = promisify(scrypt) as (
  password: BinaryLike,
  salt: BinaryLike,
  keylen: number,
  options: ScryptOptions,
) => Promise<Buffer>;

/**
 * The hashers whose digests Gatehouse verifies: Clerk's `password_hasher` values (their digest
 * formats as Clerk documents them for user creation and export), plus `scrypt_better_auth`.
 */
export const IMPORT_HASHERS = [
  'bcrypt',
  'bcrypt_sha256_django',
  'argon2i',
  'argon2id',
  'pbkdf2_sha256',
  'pbkdf2_sha256_django',
  'pbkdf2_sha512',
  'pbkdf2_sha1',
  'scrypt_firebase',
  'scrypt_better_auth',
  'sha256',
  'md5',
] as const;
export type ImportHasher = (typeof IMPORT_HASHERS)[number];

/** Stored in `users.password_hash` in place of an argon2id hash until the first sign-in re-hashes it. */
const PREFIX = '$import$';

// Bounds on parameters read from an import file: a digest must not make one sign-in cost minutes or gigabytes.
const MAX_PBKDF2_ITERATIONS = 10_000_000;
const MAX_SCRYPT_MEMORY_COST = 20; // N = 2^20
const MAX_SCRYPT_ROUNDS = 32;

const B64 = '[A-Za-z0-9+/]+={0,2}';
const FORMATS: Record<ImportHasher, RegExp> = {
  bcrypt: /^\$2[abxy]\$\d{2}\$[./A-Za-z0-9]{53}$/,
  bcrypt_sha256_django: /^bcrypt_sha256\$\$2[aby]\$\d{2}\$[./A-Za-z0-9]{53}$/,
  argon2i: /^\$argon2i\$v=\d+\$m=\d+,t=\d+,p=\d+\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+$/,
  argon2id: /^\$argon2id\$v=\d+\$m=\d+,t=\d+,p=\d+\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+$/,
  pbkdf2_sha256: new RegExp(`^pbkdf2_sha256\\$\\d{1,8}\\$${B64}\\$${B64}$`),
  pbkdf2_sha256_django: new RegExp(`^pbkdf2_sha256\\$\\d{1,8}\\$[^$]{1,128}\\$${B64}$`),
  pbkdf2_sha512: new RegExp(`^pbkdf2_sha512\\$\\d{1,8}\\$${B64}\\$${B64}$`),
  pbkdf2_sha1: /^pbkdf2_sha1\$\d{1,8}\$[^$]{1,128}\$[0-9a-fA-F]{40}$/,
  scrypt_firebase: new RegExp(`^${B64}\\$${B64}\\$${B64}\\$${B64}\\$\\d{1,2}\\$\\d{1,2}$`),
  scrypt_better_auth: /^[0-9a-f]{32}:[0-9a-f]{128}$/,
  sha256: /^[0-9a-fA-F]{64}$/,
  md5: /^[0-9a-fA-F]{32}$/,
};

export function isImportHasher(value: string): value is ImportHasher {
  return (IMPORT_HASHERS as readonly string[]).includes(value);
}

/**
 * Why a digest cannot be imported as given (wrong shape for its hasher, parameters out of bounds),
 * or null when it can. Never echoes the digest.
 */
export function digestProblem(hasher: ImportHasher, digest: string): string | null {
  if (!FORMATS[hasher].test(digest)) return `password_digest is not in the ${hasher} format`;
  const parts = digest.split('$');
  if (hasher.startsWith('pbkdf2_') && Number(parts[1]) > MAX_PBKDF2_ITERATIONS) return `more than ${MAX_PBKDF2_ITERATIONS} iterations`;
  if (hasher === 'scrypt_firebase') {
    const rounds = Number(parts[4]);
    const memory = Number(parts[5]);
    if (rounds < 1 || rounds > MAX_SCRYPT_ROUNDS || memory < 1 || memory > MAX_SCRYPT_MEMORY_COST) return 'scrypt parameters out of bounds';
  }
  return null;
}

/** The value stored in `users.password_hash` for an imported digest. */
export function encodeImportedDigest(hasher: ImportHasher, digest: string): string {
  return `${PREFIX}${hasher}$${digest}`;
}

/** Whether a stored password hash is an imported digest waiting for its first sign-in. */
export function isImportedDigest(stored: string): boolean {
  return stored.startsWith(PREFIX);
}

function equal(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && a.length > 0 && timingSafeEqual(a, b);
}

async function pbkdf2Matches(password: string, salt: Buffer, iterations: number, expected: Buffer, digest: string): Promise<boolean> {
  if (!Number.isSafeInteger(iterations) || iterations < 1 || iterations > MAX_PBKDF2_ITERATIONS) return false;
  return equal(await pbkdf2Async(password, salt, iterations, expected.length, digest), expected);
}

/**
 * Firebase's modified scrypt: scrypt(password, salt ‖ separator, N = 2^memCost, r = rounds, p = 1)
 * keys AES-256-CTR (zero IV), which encrypts the project's signer key; the result is the hash.
 */
async function firebaseScryptMatches(password: string, digest: string): Promise<boolean> {
  const [hash, salt, signerKey, separator, rounds, memory] = digest.split('$');
  const r = Number(rounds);
  const m = Number(memory);
  if (!hash || !salt || !signerKey || !separator || !(r >= 1 && r <= MAX_SCRYPT_ROUNDS) || !(m >= 1 && m <= MAX_SCRYPT_MEMORY_COST))
    return false;
  const N = 2 ** m;
  const key = await scryptAsync(
    Buffer.from(password, 'utf8'),
    Buffer.concat([Buffer.from(salt, 'base64'), Buffer.from(separator, 'base64')]),
    64,
    { N, r, p: 1, maxmem: 256 * N * r },
  );
  const cipher = createCipheriv('aes-256-ctr', key.subarray(0, 32), Buffer.alloc(16, 0));
  const computed = Buffer.concat([cipher.update(Buffer.from(signerKey, 'base64')), cipher.final()]);
  return equal(computed, Buffer.from(hash, 'base64'));
}

/** Better Auth's default: `salt:key`, both hex; scrypt(NFKC(password), salt as text, N = 16384, r = 16, p = 1, 64 bytes). */
async function betterAuthScryptMatches(password: string, digest: string): Promise<boolean> {
  const [salt, key] = digest.split(':');
  if (!salt || !key) return false;
  const N = 16384;
  const r = 16;
  const computed = await scryptAsync(password.normalize('NFKC'), salt, 64, { N, r, p: 1, maxmem: 256 * N * r });
  return equal(computed, Buffer.from(key, 'hex'));
}

function bcryptMatches(password: string, digest: string): Promise<boolean> {
  // bcryptjs knows $2a$/$2b$; $2y$ (PHP) and $2x$ are the same algorithm for the passwords that matter.
  return bcrypt.compare(password, digest.replace(/^\$2[xy]\$/, '$2b$'));
}

async function verifyByHasher(hasher: ImportHasher, digest: string, password: string): Promise<boolean> {
  const parts = digest.split('$');
  switch (hasher) {
    case 'bcrypt':
      return bcryptMatches(password, digest);
    case 'bcrypt_sha256_django':
      // Django's BCryptSHA256PasswordHasher feeds bcrypt the hex SHA-256 of the password.
      return bcryptMatches(sha256(password, 'hex'), digest.slice('bcrypt_sha256$'.length));
    case 'argon2i':
    case 'argon2id':
      return verifyArgon2(digest, password);
    case 'pbkdf2_sha256':
      return pbkdf2Matches(
        password,
        Buffer.from(parts[2] ?? '', 'base64'),
        Number(parts[1]),
        Buffer.from(parts[3] ?? '', 'base64'),
        'sha256',
      );
    case 'pbkdf2_sha512':
      return pbkdf2Matches(
        password,
        Buffer.from(parts[2] ?? '', 'base64'),
        Number(parts[1]),
        Buffer.from(parts[3] ?? '', 'base64'),
        'sha512',
      );
    case 'pbkdf2_sha256_django':
      return pbkdf2Matches(
        password,
        Buffer.from(parts[2] ?? '', 'utf8'),
        Number(parts[1]),
        Buffer.from(parts[3] ?? '', 'base64'),
        'sha256',
      );
    case 'pbkdf2_sha1':
      return pbkdf2Matches(password, Buffer.from(parts[2] ?? '', 'utf8'), Number(parts[1]), Buffer.from(parts[3] ?? '', 'hex'), 'sha1');
    case 'scrypt_firebase':
      return firebaseScryptMatches(password, digest);
    case 'scrypt_better_auth':
      return betterAuthScryptMatches(password, digest);
    case 'sha256':
      return equal(createHash('sha256').update(password).digest(), Buffer.from(digest, 'hex'));
    case 'md5':
      return equal(createHash('md5').update(password).digest(), Buffer.from(digest, 'hex'));
  }
}

/**
 * Verifies a password against a stored imported digest (see {@link encodeImportedDigest}). False
 * for a wrong password, an unknown hasher or a damaged digest: it never throws.
 */
export async function verifyImportedDigest(stored: string, password: string): Promise<boolean> {
  if (!isImportedDigest(stored)) return false;
  const rest = stored.slice(PREFIX.length);
  const cut = rest.indexOf('$');
  const hasher = rest.slice(0, cut);
  const digest = rest.slice(cut + 1);
  if (cut <= 0 || !isImportHasher(hasher) || digestProblem(hasher, digest) !== null) return false;
  try {
    return await verifyByHasher(hasher, digest, password);
  } catch {
    return false;
  }
}
