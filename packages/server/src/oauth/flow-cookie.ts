// The short-lived cookie that binds a sign-in flow (state, nonce, PKCE verifier, where to go) to the browser that started it.

import { hkdfSync } from 'node:crypto';
import { EncryptJWT, jwtDecrypt } from 'jose';
import { serializeCookie, singleCookieIn } from '@gatehouse/core';

export const FLOW_COOKIE = '__gatehouse_oauth';
/** How long a person may spend at the provider before the flow expires. */
export const FLOW_TTL_SECONDS = 600;

export interface FlowState {
  /** Connection id. */
  connection: string;
  state: string;
  nonce: string;
  codeVerifier: string;
  /** The exact redirect URI sent to the provider (and again at the code exchange). */
  redirectUri: string;
  /** Where to go after success (an acceptable redirect, checked again on use). */
  redirectUrlComplete: string;
  /** The app's callback page (`<AuthenticateWithRedirectCallback/>`), if any. */
  redirectUrl: string | null;
  /** The page to go back to with a failure reason. */
  signInUrl: string;
  /** `link`: connect the provider account to the signed-in user `userId`. */
  intent: 'sign_in' | 'link';
  userId: string | null;
  /** When the flow started (ms): the state's one-time record lasts until the flow could no longer be used. */
  startedAt: number;
}

// Its own derivation context: this key opens nothing else the master secret protects.
function flowKey(masterSecret: string): Uint8Array {
  return new Uint8Array(hkdfSync('sha256', masterSecret, 'gatehouse', 'gatehouse:oauth-flow:v1', 32));
}

/**
 * Seals the flow (encrypted and authenticated, `dir` + A256GCM): the browser carries the PKCE
 * verifier and nonce without being able to read or change them.
 */
export async function sealFlow(flow: FlowState, masterSecret: string, now: number): Promise<string> {
  const iat = Math.floor(now / 1000);
  return new EncryptJWT({ flow })
    .setProtectedHeader({ alg: 'dir', enc: 'A256GCM' })
    .setIssuedAt(iat)
    .setExpirationTime(iat + FLOW_TTL_SECONDS)
    .encrypt(flowKey(masterSecret));
}

/** The flow in a sealed cookie value; `expired` past its lifetime; null when it is not one of ours. */
export async function openFlow(sealed: string, masterSecret: string, now: number): Promise<FlowState | 'expired' | null> {
  try {
    const { payload } = await jwtDecrypt(sealed, flowKey(masterSecret), { currentDate: new Date(now), clockTolerance: 0 });
    const flow = payload.flow as FlowState | undefined;
    return flow && typeof flow.state === 'string' && typeof flow.codeVerifier === 'string' ? flow : null;
  } catch (error) {
    return (error as { code?: string }).code === 'ERR_JWT_EXPIRED' ? 'expired' : null;
  }
}

/** The Set-Cookie value: HttpOnly, SameSite=Lax (the provider's redirect back is a top-level GET), scoped to the OAuth routes. */
export function flowCookie(value: string, path: string, secure: boolean, maxAge = FLOW_TTL_SECONDS): string {
  return serializeCookie(FLOW_COOKIE, value, { path, maxAge, httpOnly: true, secure, sameSite: 'Lax' });
}

/** The cookie's value in a Cookie header; null when absent or sent twice with different values (cookie tossing). */
export function readFlowCookie(header: string | null): string | null {
  const value = singleCookieIn(header, FLOW_COOKIE);
  return typeof value === 'string' ? value : null;
}
