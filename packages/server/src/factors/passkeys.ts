// Passkeys (WebAuthn through @simplewebauthn/server): registration and assertion ceremonies, with the relying party from configuration.

import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
  type AuthenticationResponseJSON,
  type AuthenticatorTransportFuture,
  type PublicKeyCredentialCreationOptionsJSON,
  type PublicKeyCredentialRequestOptionsJSON,
  type RegistrationResponseJSON,
} from '@simplewebauthn/server';
import { GatehouseError } from '@gatehouse/core';
import { newId } from '../store/ids.js';
import type { ChallengePurpose, UserFactorRow } from './factor-store.js';
import type { Store } from '../store/types.js';
import type { UserRow } from '../users/user-store.js';
import { findChallenge, openChallenge } from './challenges.js';

export interface PasskeySettings {
  /** The relying-party ID (a registrable domain, e.g. `example.com`); null: the request's host name (development). */
  rpId: string | null;
  /** Shown by the browser while registering. */
  rpName: string;
  /** Origins an assertion may come from (`https://app.example.com`); empty: the request's own origin. */
  origins: readonly string[];
}

export interface RelyingParty {
  rpId: string;
  origins: string[];
}

/** The relying party for a request: configuration first, else the request's own origin. */
export function relyingParty(settings: PasskeySettings, requestOrigin: string): RelyingParty {
  const url = new URL(requestOrigin);
  return {
    rpId: settings.rpId ?? url.hostname,
    origins: settings.origins.length ? [...settings.origins] : [url.origin],
  };
}

const refused = () => new GatehouseError('code_invalid', 'The passkey could not be verified.');

/** Options for navigator.credentials.create(), and the challenge that must come back with the answer. */
export async function registrationOptions(
  tx: Store,
  t: number,
  settings: PasskeySettings,
  rp: RelyingParty,
  user: UserRow,
  existing: readonly UserFactorRow[],
): Promise<{ options: PublicKeyCredentialCreationOptionsJSON; challengeId: string }> {
  const options = await generateRegistrationOptions({
    rpName: settings.rpName,
    rpID: rp.rpId,
    userName: user.email,
    userID: new TextEncoder().encode(user.id),
    userDisplayName: [user.first_name, user.last_name].filter(Boolean).join(' ') || user.email,
    attestationType: 'none',
    // The same authenticator twice would be one key under two names.
    excludeCredentials: existing.filter((f) => f.credential_id).map((f) => ({ id: f.credential_id ?? '', transports: transportsOf(f) })),
    // Discoverable: the passkey can sign in without an email first.
    authenticatorSelection: { residentKey: 'required', userVerification: 'preferred' },
  });
  const opened = await openChallenge(tx, t, { purpose: 'passkey_registration', userId: user.id, challenge: options.challenge });
  return { options, challengeId: opened.secret };
}

/**
 * Checks a registration answer against its challenge (consumed here, whatever the outcome) and
 * stores the new passkey with its counter and backup flags.
 * @throws GatehouseError `code_invalid` for a wrong, reused or expired answer
 */
export async function finishRegistration(
  tx: Store,
  t: number,
  rp: RelyingParty,
  userId: string,
  input: { challengeId: string; response: RegistrationResponseJSON; name?: string | undefined },
): Promise<UserFactorRow> {
  const challenge = await findChallenge(tx, input.challengeId, 'passkey_registration', t);
  if (!challenge || challenge.user_id !== userId || !challenge.challenge || !(await tx.consumeChallenge(challenge.id))) throw refused();
  const verification = await verifyRegistrationResponse({
    response: input.response,
    expectedChallenge: challenge.challenge,
    expectedOrigin: rp.origins,
    expectedRPID: rp.rpId,
    requireUserVerification: false,
  }).catch(() => null);
  if (!verification?.verified) throw refused();
  const { credential, credentialDeviceType, credentialBackedUp } = verification.registrationInfo;
  if (await tx.findPasskeyByCredentialId(credential.id)) throw new GatehouseError('conflict', 'This passkey is registered already.');
  const row: UserFactorRow = {
    id: newId('pk'),
    user_id: userId,
    kind: 'passkey',
    status: 'verified',
    name: input.name?.trim() || 'Passkey',
    secret_sealed: null,
    last_step: null,
    credential_id: credential.id,
    public_key: Buffer.from(credential.publicKey).toString('base64url'),
    counter: credential.counter,
    device_type: credentialDeviceType,
    backed_up: credentialBackedUp ? 1 : 0,
    transports: JSON.stringify(credential.transports ?? []),
    last_used_at: null,
    created_at: t,
    updated_at: t,
  };
  await tx.insertFactor(row);
  return row;
}

/** Options for navigator.credentials.get(): any discoverable passkey, or only `userId`'s. */
export async function assertionOptions(
  tx: Store,
  t: number,
  rp: RelyingParty,
  purpose: Extract<ChallengePurpose, 'passkey_sign_in' | 'passkey_reverify' | 'second_factor'>,
  owner: { userId: string | null; sessionId?: string | null; passkeys?: readonly UserFactorRow[] },
): Promise<{ options: PublicKeyCredentialRequestOptionsJSON; challengeId: string }> {
  const options = await generateAuthenticationOptions({
    rpID: rp.rpId,
    userVerification: 'preferred',
    ...(owner.passkeys
      ? { allowCredentials: owner.passkeys.map((f) => ({ id: f.credential_id ?? '', transports: transportsOf(f) })) }
      : {}),
  });
  const opened = await openChallenge(tx, t, {
    purpose,
    userId: owner.userId,
    sessionId: owner.sessionId ?? null,
    challenge: options.challenge,
  });
  return { options, challengeId: opened.secret };
}

/**
 * Verifies an assertion for a WebAuthn challenge (the caller found and consumed it): signature,
 * origin, RP ID, and a signature counter that moved forward (a cloned authenticator's does not).
 * A counter of 0 on both sides means the authenticator keeps none (synced passkeys).
 * @throws GatehouseError `code_invalid`
 */
export async function verifyAssertion(
  tx: Store,
  t: number,
  rp: RelyingParty,
  expectedChallenge: string,
  response: AuthenticationResponseJSON,
  owner: string | null,
): Promise<{ factor: UserFactorRow; userVerified: boolean }> {
  const factor = await tx.findPasskeyByCredentialId(response.id);
  if (!factor || !factor.public_key || !factor.credential_id || (owner !== null && factor.user_id !== owner)) throw refused();
  const stored = Number(factor.counter);
  const verification = await verifyAuthenticationResponse({
    response,
    expectedChallenge,
    expectedOrigin: rp.origins,
    expectedRPID: rp.rpId,
    credential: {
      id: factor.credential_id,
      publicKey: new Uint8Array(Buffer.from(factor.public_key, 'base64url')),
      counter: stored,
      transports: transportsOf(factor),
    },
    requireUserVerification: false,
  }).catch(() => null);
  if (!verification?.verified) throw refused();
  const info = verification.authenticationInfo;
  const advanced = await tx.advancePasskeyCounter(factor.id, stored, {
    counter: info.newCounter,
    backed_up: info.credentialBackedUp ? 1 : 0,
    at: t,
  });
  if (!advanced) throw refused();
  return { factor, userVerified: info.userVerified };
}

function transportsOf(factor: UserFactorRow): AuthenticatorTransportFuture[] {
  try {
    const list = JSON.parse(factor.transports) as unknown;
    return Array.isArray(list) ? (list.filter((x) => typeof x === 'string') as AuthenticatorTransportFuture[]) : [];
  } catch {
    return [];
  }
}
