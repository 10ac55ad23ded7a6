// The instance signing keys: generated on first start, stored encrypted with the master secret.

import { hkdfSync } from 'node:crypto';
import { CompactEncrypt, compactDecrypt, exportJWK, generateKeyPair, importJWK, type JWK } from 'jose';
import { GatehouseError, createLocalKeySet, type KeyResolver, type PublicJwk, type SigningKey } from '@gatehouse/core';
import { newId } from '../store/ids.js';
import { nodeSignatures, nodeSigner } from './node-signatures.js';
import { isUniqueViolation } from '../store/kysely-store.js';
import type { Store } from '../store/types.js';
import type { SigningKeyRow } from './token-store.js';

export interface InstanceKeys {
  signingKey: SigningKey;
  /** Public keys that verify: the active key and previous keys still inside their overlap window. */
  publicJwks: PublicJwk[];
  resolver: KeyResolver;
  /**
   * When each previous key stops verifying (ms since the epoch). While a next key waits, the active
   * key has one too: the next key's activation plus the overlap.
   */
  retireAt: ReadonlyMap<string, number>;
  /** The next key, published already, and when it starts signing (issue #15); null when none waits. */
  upcoming: { signingKey: SigningKey; activateAt: number } | null;
}

/** How long JWKS answers may be cached (`Cache-Control: max-age`), in seconds. */
export const JWKS_MAX_AGE_SECONDS = 300;

const SIGNING_ALG = 'RS256';

function keyEncryptionKey(secret: string): Uint8Array {
  return new Uint8Array(hkdfSync('sha256', secret, 'gatehouse', 'gatehouse:signing-keys:v1', 32));
}

/** Encrypts a private JWK as a compact JWE (dir + A256GCM) under a key derived from the secret. */
async function sealPrivateJwk(jwk: JWK, secret: string): Promise<string> {
  return new CompactEncrypt(new TextEncoder().encode(JSON.stringify(jwk)))
    .setProtectedHeader({ alg: 'dir', enc: 'A256GCM', cty: 'jwk+json' })
    .encrypt(keyEncryptionKey(secret));
}

async function openPrivateJwk(sealed: string, secret: string): Promise<JWK> {
  try {
    const { plaintext } = await compactDecrypt(sealed, keyEncryptionKey(secret));
    return JSON.parse(new TextDecoder().decode(plaintext)) as JWK;
  } catch (cause) {
    // Fail closed: a wrong secret or a corrupt row must stop the start, never fall back to new keys.
    throw new GatehouseError(
      'setup_missing',
      'The signing keys cannot be decrypted: GATEHOUSE_SECRET differs from the one they were created with, or the key row is corrupt.',
      { cause },
    );
  }
}

/** A new key pair as a row to store (generated and sealed outside any transaction: RSA generation is slow). */
async function newSigningKeyRow(secret: string, now: number, activateAt: number | null = null): Promise<SigningKeyRow> {
  const { privateKey, publicKey } = await generateKeyPair(SIGNING_ALG, { extractable: true, modulusLength: 2048 });
  const kid = newId('key');
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: SIGNING_ALG, use: 'sig' };
  const privateJwk = { ...(await exportJWK(privateKey)), kid, alg: SIGNING_ALG };
  return {
    id: kid,
    alg: SIGNING_ALG,
    public_jwk: JSON.stringify(publicJwk),
    private_jwk_sealed: await sealPrivateJwk(privateJwk, secret),
    status: activateAt === null ? 'active' : 'next',
    created_at: now,
    retire_at: null,
    activate_at: activateAt,
  };
}

/** A stored key row as a signing key (its sealed private JWK opened with the secret). */
async function signingKeyOf(row: SigningKeyRow, secret: string): Promise<SigningKey> {
  const privateJwk = await openPrivateJwk(row.private_jwk_sealed, secret);
  try {
    // Fail closed on a tampered or damaged row too: an unknown algorithm, a key that does not import.
    if (row.alg !== SIGNING_ALG || privateJwk.kid !== row.id) throw new Error('the key row does not match its sealed key');
    const privateKey = (await importJWK(privateJwk, row.alg)) as CryptoKey;
    return { kid: row.id, alg: row.alg, privateKey, sign: nodeSigner(privateJwk, row.alg) };
  } catch (cause) {
    throw new GatehouseError('setup_missing', `The signing key ${row.id} is corrupt; restore the signing_keys table from a backup.`, {
      cause,
    });
  }
}

/**
 * Loads the instance keys, creating the first key pair when there is none. A `next` key is
 * published (in `publicJwks`) and becomes the signing key at its `activate_at` ({@link InstanceKeys.upcoming});
 * the active key then verifies for `overlapMs` more.
 *
 * @throws GatehouseError `setup_missing` when stored keys cannot be decrypted.
 */
export async function loadInstanceKeys(store: Store, secret: string, now: number, revision = 0, overlapMs = 0): Promise<InstanceKeys> {
  let rows = await store.listSigningKeys();
  if (!rows.some((row) => row.status === 'active')) {
    try {
      await store.insertSigningKey(await newSigningKeyRow(secret, now));
    } catch (error) {
      // Another process created the first key at the same moment: the unique index on the active
      // key let exactly one insert through, and everyone signs with that one.
      if (!isUniqueViolation(error)) throw error;
    }
    rows = await store.listSigningKeys();
  }
  const verifying = rows.filter(
    (row) => row.status === 'active' || row.status === 'next' || (row.status === 'previous' && (row.retire_at ?? 0) > now),
  );
  const active = rows.find((row) => row.status === 'active');
  if (!active) throw new GatehouseError('setup_missing', 'No active signing key could be created.');
  const next = rows.find((row) => row.status === 'next');
  const signingKey = await signingKeyOf(active, secret);
  const upcoming = next ? { signingKey: await signingKeyOf(next, secret), activateAt: Number(next.activate_at) } : null;
  let publicJwks: PublicJwk[];
  let resolver: InstanceKeys['resolver'];
  try {
    publicJwks = verifying.map((row) => JSON.parse(row.public_jwk) as PublicJwk);
    resolver = createLocalKeySet(publicJwks, { revision, signatures: nodeSignatures });
  } catch (cause) {
    throw new GatehouseError('setup_missing', 'A stored public signing key is corrupt; restore the signing_keys table from a backup.', {
      cause,
    });
  }
  const retireAt = new Map<string, number>();
  for (const row of verifying) if (row.status === 'previous') retireAt.set(row.id, Number(row.retire_at));
  if (upcoming) retireAt.set(active.id, upcoming.activateAt + overlapMs);
  return { signingKey, publicJwks, resolver, retireAt, upcoming };
}

export interface RotateOptions {
  /** Sign with the new key at once (a suspected compromise) instead of publishing it first. */
  immediately?: boolean;
}

/**
 * Rotates the signing key. By default the new key is published as `next` and signs from
 * `now + publishAheadMs` on (at least one JWKS max-age, so a verifier that honours its cache and
 * does not refetch on an unknown kid has it before the first token it signs; issue #15); a second
 * call while one waits returns the waiting key. `immediately` makes it the active key at once.
 * The old active key becomes `previous` and keeps verifying for `overlapMs` after the new one
 * starts signing; previous keys past their window become `retired`.
 */
export async function rotateSigningKey(
  store: Store,
  secret: string,
  now: number,
  overlapMs: number,
  options: RotateOptions & { publishAheadMs?: number } = {},
): Promise<string> {
  const immediately = options.immediately === true;
  // Made before the transaction: generating an RSA key is slow, and the transaction is bounded.
  const row = await newSigningKeyRow(secret, now, immediately ? null : now + (options.publishAheadMs ?? JWKS_MAX_AGE_SECONDS * 1000));
  try {
    return await store.transaction(async (tx) => {
      let rows = await tx.listSigningKeys();
      const waiting = rows.find((r) => r.status === 'next');
      if (waiting && Number(waiting.activate_at) > now && !immediately) return waiting.id;
      // A next key whose time has come (or one skipped by an immediate rotation) takes over first.
      if (waiting) {
        const switchAt = Math.min(now, Number(waiting.activate_at));
        for (const old of rows)
          if (old.status === 'active') await tx.updateSigningKey(old.id, { status: 'previous', retire_at: switchAt + overlapMs });
        await tx.updateSigningKey(waiting.id, { status: 'active', activate_at: null });
        rows = await tx.listSigningKeys();
      }
      for (const old of rows) {
        if (old.status === 'active' && immediately) await tx.updateSigningKey(old.id, { status: 'previous', retire_at: now + overlapMs });
        else if (old.status === 'previous' && Number(old.retire_at) <= now) await tx.updateSigningKey(old.id, { status: 'retired' });
      }
      await tx.insertSigningKey(row);
      const kid = row.id;
      await tx.appendAudit({ at: now, action: 'keys.rotated', actor_id: null, subject_id: kid, ip: null, user_agent: null, data: '{}' });
      return kid;
    });
  } catch (error) {
    // Another process rotated at the same moment and its key won the one-active (or one-next) key
    // index: this transaction rolled back whole, and the rotation asked for has happened.
    const rows = isUniqueViolation(error) ? await store.listSigningKeys() : [];
    const winner = rows.find((r) => r.status === (immediately ? 'active' : 'next')) ?? rows.find((r) => r.status === 'active');
    if (!winner) throw error;
    return winner.id;
  }
}

/** Stops a key verifying at once (a suspected compromise). The active key cannot be retired: rotate first. */
export async function retireSigningKey(store: Store, kid: string, now: number): Promise<boolean> {
  return store.transaction(async (tx) => {
    const row = (await tx.listSigningKeys()).find((r) => r.id === kid);
    if (!row || row.status !== 'previous') return false;
    await tx.updateSigningKey(kid, { status: 'retired', retire_at: null });
    await tx.appendAudit({ at: now, action: 'keys.retired', actor_id: null, subject_id: kid, ip: null, user_agent: null, data: '{}' });
    return true;
  });
}
