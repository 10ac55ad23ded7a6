// The instance signing keys: generated on first start, stored encrypted with the master secret.

import { hkdfSync } from 'node:crypto';
import { CompactEncrypt, compactDecrypt, exportJWK, generateKeyPair, importJWK, type JWK } from 'jose';
import { GatehouseError, createLocalKeySet, type KeyResolver, type PublicJwk, type SigningKey } from '@gatehouse/core';
import { newId } from './ids.js';
import { nodeSignatures } from './node-signatures.js';
import type { Store } from './store/types.js';

export interface InstanceKeys {
  signingKey: SigningKey;
  /** Public keys that verify: the active key and previous keys still inside their overlap window. */
  publicJwks: PublicJwk[];
  resolver: KeyResolver;
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

async function createSigningKey(store: Store, secret: string, now: number): Promise<void> {
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
}

/**
 * Loads the instance keys, creating the first key pair when there is none.
 *
 * @throws GatehouseError `setup_missing` when stored keys cannot be decrypted.
 */
export async function loadInstanceKeys(store: Store, secret: string, now: number, revision = 0): Promise<InstanceKeys> {
  let rows = await store.listSigningKeys();
  if (!rows.some((row) => row.status === 'active')) {
    await createSigningKey(store, secret, now);
    rows = await store.listSigningKeys();
  }
  const verifying = rows.filter((row) => row.status === 'active' || (row.status === 'previous' && (row.retire_at ?? 0) > now));
  const active = rows.find((row) => row.status === 'active');
  if (!active) throw new GatehouseError('setup_missing', 'No active signing key could be created.');
  const privateJwk = await openPrivateJwk(active.private_jwk_sealed, secret);
  const privateKey = (await importJWK(privateJwk, active.alg)) as CryptoKey;
  const publicJwks = verifying.map((row) => JSON.parse(row.public_jwk) as PublicJwk);
  return {
    signingKey: { kid: active.id, alg: active.alg, privateKey },
    publicJwks,
    resolver: createLocalKeySet(publicJwks, { revision, signatures: nodeSignatures }),
  };
}
