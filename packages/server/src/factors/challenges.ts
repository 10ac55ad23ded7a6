// One-time state between two requests of a factor ceremony (a WebAuthn challenge, a sign-in waiting for its second factor): opened, looked up by a secret, consumed once.

import { hashSecret, newId, newSecret } from '../store/ids.js';
import type { ChallengePurpose, FactorChallengeRow } from './factor-store.js';
import type { Store } from '../store/types.js';

export interface OpenedChallenge {
  id: string;
  /** Goes to the browser; only its hash is stored. */
  secret: string;
}

/** How long each kind of challenge stays usable. */
export const CHALLENGE_TTL_MS: Record<ChallengePurpose, number> = {
  second_factor: 10 * 60_000,
  passkey_registration: 5 * 60_000,
  passkey_sign_in: 5 * 60_000,
  passkey_reverify: 5 * 60_000,
};

/** Wrong answers a challenge survives; the next one deletes it (a new sign-in starts over with the password). */
export const MAX_CHALLENGE_FAILURES = 5;

export async function openChallenge(
  tx: Store,
  t: number,
  fields: { purpose: ChallengePurpose; userId: string | null; sessionId?: string | null; challenge?: string | null },
): Promise<OpenedChallenge> {
  // Expired rows go whenever a new one is opened: the table holds only live ceremonies.
  await tx.pruneChallenges(t);
  const opened = { id: newId('fch'), secret: newSecret() };
  await tx.insertChallenge({
    id: opened.id,
    secret_hash: hashSecret(opened.secret),
    purpose: fields.purpose,
    user_id: fields.userId,
    session_id: fields.sessionId ?? null,
    challenge: fields.challenge ?? null,
    expires_at: t + CHALLENGE_TTL_MS[fields.purpose],
    created_at: t,
  });
  return opened;
}

/** The live challenge of `purpose` this secret opens; null when unknown, of another purpose or expired. */
export async function findChallenge(tx: Store, secret: string | null | undefined, purpose: ChallengePurpose, t: number) {
  if (!secret || secret.length > 128) return null;
  const row: FactorChallengeRow | null = await tx.findChallenge(hashSecret(secret));
  if (!row || row.purpose !== purpose || Number(row.expires_at) <= t) return null;
  return row;
}
