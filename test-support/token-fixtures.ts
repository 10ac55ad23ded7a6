// Shared fixtures for the session-token tests: an RSA key pair, a fake clock and token builders.

import assert from 'node:assert/strict';
import { CompactSign, SignJWT, exportJWK, generateKeyPair } from 'jose';
import {
  SESSION_TOKEN_CATEGORY,
  authenticateRequest,
  createLocalKeySet,
  createSessionTokenVerifier,
  type AuthReason,
  type PublicJwk,
  type SessionTokenVerifier,
  type VerifyOptions,
} from '@gatehouse/core';

export const ISSUER = 'urn:gatehouse:ins_testinstance';
export const KID = 'key_testkey';
/** 2026-01-01T00:00:00Z, a whole second, so claim arithmetic stays exact. */
export const T0_MS = Date.UTC(2026, 0, 1);
export const T0 = T0_MS / 1000;

export interface KeyFixture {
  privateKey: CryptoKey;
  publicKey: CryptoKey;
  publicJwk: PublicJwk;
}

export async function createKeyFixture(kid = KID): Promise<KeyFixture> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' } as PublicJwk;
  return { privateKey, publicKey, publicJwk };
}

/** A complete, valid v2 claim set issued at T0 (60 s lifetime, nbf 5 s back). */
export function sessionClaims(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    sub: 'user_testuser',
    sid: 'sess_testsession',
    iss: ISSUER,
    iat: T0,
    nbf: T0 - 5,
    exp: T0 + 60,
    jti: 'jti0001',
    v: 2,
    ...overrides,
  };
}

/** The header our minter writes. */
export function sessionHeader(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { alg: 'RS256', kid: KID, typ: 'JWT', cat: SESSION_TOKEN_CATEGORY, ...overrides };
}

/**
 * Signs arbitrary claims under an arbitrary header (CompactSign, so no claim is validated or
 * added on the way): the attack cases need full control over both.
 */
export async function signToken(
  key: CryptoKey | Uint8Array,
  claims: Record<string, unknown> = sessionClaims(),
  header: Record<string, unknown> = sessionHeader(),
  crit?: Record<string, boolean>,
): Promise<string> {
  const signer = new CompactSign(new TextEncoder().encode(JSON.stringify(claims))).setProtectedHeader(header as { alg: string });
  return crit ? signer.sign(key, { crit }) : signer.sign(key);
}

/** A JWT-template token the way a template minter would sign it (jose SignJWT, template category). */
export async function signTemplateToken(key: CryptoKey, claims: Record<string, unknown>): Promise<string> {
  return new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: KID, typ: 'JWT', cat: 'cl_B7d4PD222AAA' }).sign(key);
}

export function base64url(value: string | Uint8Array): string {
  return Buffer.from(value).toString('base64url');
}

export interface Clock {
  now: number;
}

export function createClock(start = T0_MS): Clock {
  return { now: start };
}

/** A verifier over the fixture's public key, on a fake clock. */
export function createVerifier(fixture: KeyFixture, clock: Clock, options: Partial<VerifyOptions> = {}): SessionTokenVerifier {
  return createSessionTokenVerifier({
    keys: createLocalKeySet([fixture.publicJwk]),
    issuer: ISSUER,
    now: () => clock.now,
    ...options,
  });
}

/** Headers carrying a Cookie and/or Authorization value, for authenticateRequest. */
export function requestWith(headers: Record<string, string>): { headers: Headers } {
  return { headers: new Headers(headers) };
}

/**
 * Asserts that `token` is refused with exactly `reason`, both by the verifier and by
 * authenticateRequest reading it from the `__session` cookie (signed out, no claims, has() false).
 */
export async function assertRefused(verifier: SessionTokenVerifier, token: string, reason: AuthReason): Promise<void> {
  await assert.rejects(verifier.verify(token), (error: unknown) => {
    assert.equal((error as { name?: unknown }).name, 'TokenVerificationError');
    assert.equal((error as { reason?: unknown }).reason, reason);
    // Errors never carry token material.
    assert.ok(!String((error as Error).message).includes(token));
    return true;
  });
  const state = await authenticateRequest(requestWith({ cookie: `__session=${token}` }), { verifier });
  assert.equal(state.status, 'signed-out');
  assert.equal(state.reason, reason);
  assert.equal(state.claims, null);
  const auth = state.toAuth();
  assert.equal(auth.isAuthenticated, false);
  assert.equal(auth.userId, null);
  assert.equal(auth.has({ role: 'org:admin' }), false);
}

/** Asserts that `token` is accepted by the verifier and by authenticateRequest; returns the claims. */
export async function assertAccepted(verifier: SessionTokenVerifier, token: string): Promise<Record<string, unknown>> {
  const claims = await verifier.verify(token);
  const state = await authenticateRequest(requestWith({ cookie: `__session=${token}` }), { verifier });
  assert.equal(state.status, 'signed-in');
  assert.equal(state.reason, null);
  assert.equal(state.tokenSource, 'cookie');
  return claims;
}
