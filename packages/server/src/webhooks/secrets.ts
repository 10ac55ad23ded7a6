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

// Each use has its own derivation context: a key that seals webhook secrets can never open TOTP
// secrets or signing keys, nor the reverse.
const WEBHOOK_CONTEXT = 'gatehouse:webhook-secrets:v1';
function sealingKey(masterSecret: string, context: string): Uint8Array {
  return new Uint8Array(hkdfSync('sha256', masterSecret, 'gatehouse', context, 32));
}

/** Seals a secret the server must read back (compact JWE, `dir` + A256GCM, key from HKDF(master, context)). */
export async function sealText(text: string, masterSecret: string, context: string): Promise<string> {
  return new CompactEncrypt(new TextEncoder().encode(text))
    .setProtectedHeader({ alg: 'dir', enc: 'A256GCM' })
    .encrypt(sealingKey(masterSecret, context));
}

/** Opens {@link sealText}'s output. @throws when the master secret or context differ (callers say which). */
export async function openText(sealed: string, masterSecret: string, context: string): Promise<string> {
  const { plaintext } = await compactDecrypt(sealed, sealingKey(masterSecret, context));
  return new TextDecoder().decode(plaintext);
}

export async function sealSigningSecret(secret: string, masterSecret: string): Promise<string> {
  return sealText(secret, masterSecret, WEBHOOK_CONTEXT);
}

/** @throws GatehouseError `setup_missing` when the master secret differs from the one that sealed it. */
export async function openSigningSecret(sealed: string, masterSecret: string): Promise<string> {
  try {
    return await openText(sealed, masterSecret, WEBHOOK_CONTEXT);
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
