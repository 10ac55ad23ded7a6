'use client';
// useSignUp() and useSignIn() in Clerk's custom-flow shape: sign-up with an email code, password sign-in, and the password reset by code.

import { useMemo, useRef, useState } from 'react';
import { useGatehouse } from './provider.js';
import { startRedirect, type AuthenticateWithRedirectParams } from './oauth.js';
import { ClerkAPIResponseError } from '../errors/index.js';
import { attemptSecondFactor, authenticateWithPasskey, type SecondFactorParams, type SignInComplete } from './sign-in-factors.js';

/** Clerk's API error (`errors[0].code`, `.meta.paramName`; `isClerkAPIResponseError()` is true), so custom flows' error handling ports over. */
export type GatehouseApiError = ClerkAPIResponseError;

async function post<T>(url: string, body: unknown): Promise<T> {
  let res: Response;
  try {
    res = await fetch(url, {
      method: body === undefined ? 'GET' : 'POST',
      credentials: 'same-origin',
      cache: 'no-store',
      ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
    });
  } catch {
    throw apiError(0, 'network_error', 'The server could not be reached. Try again.');
  }
  const payload = (await res.json().catch(() => null)) as { error?: { code?: string; message?: string; field?: string } } | null;
  if (res.ok && payload) return payload as T;
  const e = payload?.error;
  throw apiError(res.status, e?.code ?? 'internal_error', e?.message ?? 'Something went wrong. Try again.', e?.field);
}

function apiError(status: number, code: string, message: string, paramName?: string): GatehouseApiError {
  return new ClerkAPIResponseError(message, { status, data: [{ code, message, meta: paramName ? { param_name: paramName } : {} }] });
}

export type SignUpStatus = 'missing_requirements' | 'complete' | 'abandoned' | null;
export type SignInStatus = 'needs_identifier' | 'needs_first_factor' | 'needs_second_factor' | 'needs_new_password' | 'complete' | null;

interface SignUpState {
  id: string | null;
  status: SignUpStatus;
  emailAddress: string | null;
  unverifiedFields: string[];
  missingFields: string[];
  createdSessionId: string | null;
  createdUserId: string | null;
}

interface SignInState {
  id: string | null;
  status: SignInStatus;
  identifier: string | null;
  createdSessionId: string | null;
  supportedSecondFactors: { strategy: string }[] | null;
}

export interface SignUpResource extends SignUpState {
  create(params: {
    emailAddress: string;
    password: string;
    firstName?: string;
    lastName?: string;
    redirectUrl?: string;
  }): Promise<SignUpResource>;
  prepareEmailAddressVerification(params?: { strategy: 'email_code'; redirectUrl?: string }): Promise<SignUpResource>;
  attemptEmailAddressVerification(params: { code: string }): Promise<SignUpResource>;
  authenticateWithRedirect(params: AuthenticateWithRedirectParams): Promise<void>;
}

export interface SignInResource extends SignInState {
  create(
    params: { identifier: string; password: string; strategy?: 'password' } | { strategy: 'reset_password_email_code'; identifier: string },
  ): Promise<SignInResource>;
  prepareFirstFactor(params: { strategy: 'reset_password_email_code' }): Promise<SignInResource>;
  attemptFirstFactor(params: { strategy: 'reset_password_email_code'; code: string }): Promise<SignInResource>;
  resetPassword(params: { password: string; signOutOfOtherSessions?: boolean }): Promise<SignInResource>;
  authenticateWithRedirect(params: AuthenticateWithRedirectParams): Promise<void>;
  /** After a password that was right: the authenticator code, a backup code, or a passkey. */
  attemptSecondFactor(params: SecondFactorParams): Promise<SignInComplete>;
  /** Signs in with a discoverable passkey (`flow: 'autofill'`: from the email field's autofill). */
  authenticateWithPasskey(params?: { flow?: 'autofill' | 'discoverable' }): Promise<SignInComplete>;
}

const EMPTY_SIGN_UP: SignUpState = {
  id: null,
  status: null,
  emailAddress: null,
  unverifiedFields: [],
  missingFields: [],
  createdSessionId: null,
  createdUserId: null,
};
const EMPTY_SIGN_IN: SignInState = { id: null, status: null, identifier: null, createdSessionId: null, supportedSecondFactors: null };

type ServerSignUp = Omit<SignUpState, 'id'> & { id: string };

/**
 * Clerk's `useSignUp()`: `signUp.create`, `prepareEmailAddressVerification({ strategy: 'email_code' })`,
 * `attemptEmailAddressVerification({ code })` (status `complete` with `createdSessionId`), then
 * `setActive({ session })`. Errors carry Clerk's `errors[0].code` and `meta.paramName`.
 */
export function useSignUp() {
  const { apiBasePath, fetch, setActive } = useGatehouse();
  const [state, setState] = useState<SignUpState>(EMPTY_SIGN_UP);
  const current = useRef(state);
  const signUp = useMemo<SignUpResource>(() => {
    const update = (next: ServerSignUp): SignUpResource => {
      const merged: SignUpState = {
        id: next.id,
        status: next.status,
        emailAddress: next.emailAddress,
        unverifiedFields: next.unverifiedFields,
        missingFields: next.missingFields,
        createdSessionId: next.createdSessionId,
        createdUserId: next.createdUserId,
      };
      current.current = merged;
      setState(merged);
      return { ...resource, ...merged };
    };
    const id = () => {
      if (!current.current.id) throw apiError(400, 'sign_up_missing', 'Call signUp.create() first.');
      return encodeURIComponent(current.current.id);
    };
    const resource: SignUpResource = {
      ...EMPTY_SIGN_UP,
      async create(params) {
        return update((await post<{ signUp: ServerSignUp }>(`${apiBasePath}/sign-ups`, params)).signUp);
      },
      async prepareEmailAddressVerification(params = { strategy: 'email_code' }) {
        return update((await post<{ signUp: ServerSignUp }>(`${apiBasePath}/sign-ups/${id()}/prepare_verification`, params)).signUp);
      },
      async attemptEmailAddressVerification({ code }) {
        const url = `${apiBasePath}/sign-ups/${id()}/attempt_verification`;
        return update((await post<{ signUp: ServerSignUp }>(url, { strategy: 'email_code', code })).signUp);
      },
      authenticateWithRedirect: (params) => startRedirect(fetch, apiBasePath, params),
    };
    return resource;
  }, [apiBasePath, fetch]);
  return { isLoaded: true, signUp: { ...signUp, ...state }, setActive };
}

/**
 * Clerk's `useSignIn()`: `signIn.create({ identifier, password })`, and the reset flow
 * `signIn.create({ strategy: 'reset_password_email_code', identifier })` → `attemptFirstFactor({ code })`
 * (`needs_new_password`) → `resetPassword({ password })` (`complete`), then `setActive({ session })`.
 */
export function useSignIn() {
  const { apiBasePath, fetch, setActive } = useGatehouse();
  const [state, setState] = useState<SignInState>(EMPTY_SIGN_IN);
  const current = useRef(state);
  const signIn = useMemo<SignInResource>(() => {
    const update = (next: Partial<SignInState>): SignInResource => {
      const merged: SignInState = { ...current.current, ...next };
      current.current = merged;
      setState(merged);
      return { ...resource, ...merged };
    };
    const id = () => {
      if (!current.current.id) throw apiError(400, 'sign_in_missing', 'Call signIn.create() first.');
      return encodeURIComponent(current.current.id);
    };
    type ServerSignIn = { signIn: Omit<SignInState, 'supportedSecondFactors'> };
    const resource: SignInResource = {
      ...EMPTY_SIGN_IN,
      async create(params) {
        if (params.strategy === 'reset_password_email_code') {
          const body = { strategy: params.strategy, identifier: params.identifier };
          return update({ ...(await post<ServerSignIn>(`${apiBasePath}/sign-ins`, body)).signIn, supportedSecondFactors: null });
        }
        const result = await post<{ sessionId?: string; status?: string; supportedSecondFactors?: { strategy: string }[] }>(
          `${apiBasePath}/sign-in`,
          { email: params.identifier, password: params.password },
        );
        if (result.status === 'needs_second_factor')
          return update({
            id: null,
            status: 'needs_second_factor',
            identifier: params.identifier,
            createdSessionId: null,
            supportedSecondFactors: result.supportedSecondFactors ?? [],
          });
        return update({
          id: null,
          status: 'complete',
          identifier: params.identifier,
          createdSessionId: result.sessionId ?? null,
          supportedSecondFactors: null,
        });
      },
      async prepareFirstFactor(params) {
        return update((await post<ServerSignIn>(`${apiBasePath}/sign-ins/${id()}/prepare_first_factor`, params)).signIn);
      },
      async attemptFirstFactor(params) {
        return update((await post<ServerSignIn>(`${apiBasePath}/sign-ins/${id()}/attempt_first_factor`, params)).signIn);
      },
      async resetPassword(params) {
        return update((await post<ServerSignIn>(`${apiBasePath}/sign-ins/${id()}/reset_password`, params)).signIn);
      },
      authenticateWithRedirect: (params) => startRedirect(fetch, apiBasePath, params),
      attemptSecondFactor: (params) => attemptSecondFactor(fetch, apiBasePath, params),
      authenticateWithPasskey: (params) => authenticateWithPasskey(fetch, apiBasePath, params),
    };
    return resource;
  }, [apiBasePath, fetch]);
  return { isLoaded: true, signIn: { ...signIn, ...state }, setActive };
}
