// How long ago a session verified each factor: the `fva` claim, and the freshness check of sensitive operations.

import { checkAuthorization, type ReverificationConfig, type ReverificationPreset } from '@gatehouse/core';
import type { SessionRow } from '../sessions/session-store.js';
import type { Store } from '../store/types.js';

/** Which second factors a user has: a confirmed TOTP authenticator, unused backup codes, passkeys. */
export interface SecondFactors {
  totp: boolean;
  backupCodes: number;
  passkeys: number;
}

/** What the user's factor list alone says: a confirmed authenticator app, and how many passkeys. */
async function listedFactors(tx: Store, userId: string): Promise<Omit<SecondFactors, 'backupCodes'>> {
  const factors = await tx.listFactors(userId);
  return {
    totp: factors.some((f) => f.kind === 'totp' && f.status === 'verified'),
    passkeys: factors.filter((f) => f.kind === 'passkey').length,
  };
}

export async function secondFactorsOf(tx: Store, userId: string): Promise<SecondFactors> {
  const listed = await listedFactors(tx, userId);
  // Backup codes stand in for the authenticator; without it they are no factor of their own.
  return { ...listed, backupCodes: listed.totp ? await tx.countUnusedBackupCodes(userId) : 0 };
}

/** A user with a TOTP authenticator or a passkey signs in with a second step and has an `fva[1]`. */
export function hasSecondFactor(factors: SecondFactors): boolean {
  return factors.totp || factors.passkeys > 0;
}

/**
 * {@link hasSecondFactor} of the user's factors, from their list alone (no backup-code count): what
 * sign-in gates, `fva` and a refresh need, so a refresh reads only rows it has at hand.
 */
export async function hasSecondFactorOf(tx: Store, userId: string): Promise<boolean> {
  return hasSecondFactor({ ...(await listedFactors(tx, userId)), backupCodes: 0 });
}

const minutesSince = (t: number, at: number) => Math.max(0, Math.floor((t - at) / 60_000));

/**
 * `[firstFactorMinutes, secondFactorMinutes]` at `t` (Clerk's `fva`). The second is -1 when the user
 * has no second factor; when they have one this session never verified, it is the minutes since the
 * epoch: older than any `afterMinutes`, so every second-factor check asks for it.
 */
export function factorAges(session: SessionRow, enrolled: boolean, t: number): [number, number] {
  const first = minutesSince(t, Number(session.factor_verified_at));
  if (!enrolled) return [first, -1];
  const second = session.second_factor_verified_at;
  return [first, second === null || second === undefined ? minutesSince(t, 0) : minutesSince(t, Number(second))];
}

/** The session's `fva` as of now, reading the user's factors in `tx`. */
export async function sessionFva(tx: Store, session: SessionRow, t: number): Promise<[number, number]> {
  return factorAges(session, await hasSecondFactorOf(tx, session.user_id), t);
}

/** Built-in sensitive operations (factors, password, email, account deletion) need this: Clerk's 10 minutes. */
export const SENSITIVE: ReverificationPreset = 'strict';

/** Whether the session verified recently enough for `reverification`, by has()'s own rule. */
export function freshEnough(fva: [number, number], reverification: ReverificationPreset | ReverificationConfig): boolean {
  return checkAuthorization({ userId: 'self', factorVerificationAge: fva }, { reverification });
}
