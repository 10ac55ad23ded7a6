// The instance signing keys: generated on first start, stored encrypted with the master secret.

import { hkdfSync } from 'node:crypto';
import { CompactEncrypt, compactDecrypt, exportJWK, generateKeyPair, importJWK, type JWK } from 'jose';
import { GatehouseError, createLocalKeySet, type KeyResolver, type PublicJwk, type SigningKey } from '@gatehouse/core';
import { newId } from '../store/ids.js';
import { nodeSignatures, nodeSigner } from './node-signatures.js';
import { isUniqueViolation } from '../store/kysely-store.js';
import type { Store } from '../store/types.js';

export interface InstanceKeys {
  signingKey: SigningKey;
  /** Public keys that verify: the active key and previous keys still inside their overlap window. */
  publicJwks: PublicJwk[];
  resolver: KeyResolver;
  /** When each previous key stops verifying (ms since the epoch); the active key has none. */
  retireAt: ReadonlyMap<string, number>;
}

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

async function createSigningKey(store: Store, secret: string, now: number): Promise<string> {
  const { privateKey, publicKey } = await generateKeyPair(SIGNING_ALG, { extractable: true, modulusLength: 2048 });
  const kid = newId('key');
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: SIGNING_ALG, use: 'sig' };
  const privateJwk = { ...(await exportJWK(privateKey)), kid, alg: SIGNING_ALG };
  await store.insertSigningKey({
    id: kid,
    alg: SIGNING_ALG,
    public_jwk: JSON.stringify(publicJwk),
    private_jwk_sealed: await sealPrivateJwk(privateJwk, secret),
    status: 'active',
    created_at: now,
    retire_at: null,
  });
  return kid;
}

/**
 * Loads the instance keys, creating the first key pair when there is none.
 *
 * @throws GatehouseError `setup_missing` when stored keys cannot be decrypted.
 */
export async function loadInstanceKeys(store: Store, secret: string, now: number, revision = 0): Promise<InstanceKeys> {
  let rows = await store.listSigningKeys();
  if (!rows.some((row) => row.status === 'active')) {
    try {
      await createSigningKey(store, secret, now);
    } catch (error) {
      // Another process created the first key at the same moment: the unique index on the active
      // key let exactly one insert through, and everyone signs with that one.
      if (!isUniqueViolation(error)) throw error;
    }
    rows = await store.listSigningKeys();
  }
  const verifying = rows.filter((row) => row.status === 'active' || (row.status === 'previous' && (row.retire_at ?? 0) > now));
  const active = rows.find((row) => row.status === 'active');
  if (!active) throw new GatehouseError('setup_missing', 'No active signing key could be created.');
  const privateJwk = await openPrivateJwk(active.private_jwk_sealed, secret);
  let privateKey: CryptoKey;
  let publicJwks: PublicJwk[];
  let resolver: InstanceKeys['resolver'];
  try {
    // Fail closed on a tampered or damaged row too: an unknown algorithm, a key that does not import,
    // a public key that is not JSON. Never start with keys we cannot trust.
    if (active.alg !== SIGNING_ALG || privateJwk.kid !== active.id) throw new Error('the key row does not match its sealed key');
    privateKey = (await importJWK(privateJwk, active.alg)) as CryptoKey;
    publicJwks = verifying.map((row) => JSON.parse(row.public_jwk) as PublicJwk);
    resolver = createLocalKeySet(publicJwks, { revision, signatures: nodeSignatures });
  } catch (cause) {
    throw new GatehouseError('setup_missing', `The signing key ${active.id} is corrupt; restore the signing_keys table from a backup.`, {
      cause,
    });
  }
  const retireAt = new Map<string, number>();
  for (const row of verifying) if (row.status === 'previous') retireAt.set(row.id, Number(row.retire_at));
  return {
    signingKey: { kid: active.id, alg: active.alg, privateKey, sign: nodeSigner(privateJwk, active.alg) },
    publicJwks,
    resolver,
    retireAt,
  };
}

/**
 * Makes a new key pair the active one. The old active key becomes `previous` and keeps verifying
 * until `now + overlapMs` (at least the token lifetime plus clock skew, so every token it signed
 * expires first); previous keys past their window become `retired`.
 */
export async function rotateSigningKey(store: Store, secret: string, now: number, overlapMs: number): Promise<string> {
  try {
    return await store.transaction(async (tx) => {
      for (const row of await tx.listSigningKeys()) {
        if (row.status === 'active') await tx.updateSigningKey(row.id, { status: 'previous', retire_at: now + overlapMs });
        else if (row.status === 'previous' && Number(row.retire_at) <= now) await tx.updateSigningKey(row.id, { status: 'retired' });
      }
      const kid = await createSigningKey(tx, secret, now);
      await tx.appendAudit({ at: now, action: 'keys.rotated', actor_id: null, subject_id: kid, ip: null, user_agent: null, data: '{}' });
      return kid;
    });
  } catch (error) {
    // Another process rotated at the same moment and its key won the one-active-key index: this
    // transaction rolled back whole, and the rotation asked for has happened. Its key is the answer.
    const winner = isUniqueViolation(error) ? (await store.listSigningKeys()).find((row) => row.status === 'active') : undefined;
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
