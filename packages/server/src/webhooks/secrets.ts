// Endpoint signing secrets: `whsec_` + 256 random bits, stored only sealed under a key derived from the master secret.

import { hkdfSync, randomBytes } from 'node:crypto';
import { CompactEncrypt, compactDecrypt } from 'jose';
import { GatehouseError } from '@gatehouse/core';

const PREFIX = 'whsec_';

/** A new secret in the Standard Webhooks format: `whsec_` + base64 of 32 random bytes. */
export function newSigningSecret(): string {
  return PREFIX + randomBytes(32).toString('base64');
}

/** The HMAC key bytes of a `whsec_…` secret. */
export function secretKeyBytes(secret: string): Buffer {
  return Buffer.from(secret.startsWith(PREFIX) ? secret.slice(PREFIX.length) : secret, 'base64');
}

// Its own derivation context: a key that seals webhook secrets can never open signing keys, nor the reverse.
function sealingKey(masterSecret: string): Uint8Array {
  return new Uint8Array(hkdfSync('sha256', masterSecret, 'gatehouse', 'gatehouse:webhook-secrets:v1', 32));
}

export async function sealSigningSecret(secret: string, masterSecret: string): Promise<string> {
  return new CompactEncrypt(new TextEncoder().encode(secret))
    .setProtectedHeader({ alg: 'dir', enc: 'A256GCM' })
    .encrypt(sealingKey(masterSecret));
}

/** @throws GatehouseError `setup_missing` when the master secret differs from the one that sealed it. */
export async function openSigningSecret(sealed: string, masterSecret: string): Promise<string> {
  try {
    const { plaintext } = await compactDecrypt(sealed, sealingKey(masterSecret));
    return new TextDecoder().decode(plaintext);
  } catch (cause) {
    throw new GatehouseError(
      'setup_missing',
      'A webhook signing secret cannot be decrypted: GATEHOUSE_SECRET differs from the one it was created with.',
      {
        cause,
      },
    );
  }
}
