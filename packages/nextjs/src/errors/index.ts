// @gatehouse/nextjs/errors: Clerk's error classes and checks (`@clerk/nextjs/errors`), for the errors Gatehouse's client raises.
//
// Checks go by shape, never by instanceof alone: a package loaded twice (two bundles) breaks instanceof.

import { isGatehouseError } from '@gatehouse/core';

/** One error of an API answer, in Clerk's shape (`errors[0].code`, `.longMessage`, `.meta.paramName`). */
export interface ClerkAPIError {
  code: string;
  message: string;
  longMessage?: string;
  meta?: { paramName?: string; [key: string]: unknown };
}

/** An error of an API answer as Clerk's Frontend API sends it (snake_case), for the constructor. */
export interface ClerkAPIErrorJSON {
  code: string;
  message: string;
  long_message?: string;
  meta?: { param_name?: string; [key: string]: unknown };
}

function hasFlag(value: unknown, flag: 'clerkError' | 'clerkRuntimeError'): boolean {
  return typeof value === 'object' && value !== null && (value as Record<string, unknown>)[flag] === true;
}

/**
 * The auth API answered with an error: `status` (0 when the server could not be reached) and
 * `errors` in Clerk's shape. `useSignIn()` / `useSignUp()` reject with these.
 */
export class ClerkAPIResponseError extends Error {
  static kind = 'ClerkAPIResponseError';
  readonly clerkError = true as const;
  status: number;
  clerkTraceId?: string;
  retryAfter?: number;
  errors: ClerkAPIError[];

  constructor(message: string, options: { data: ClerkAPIErrorJSON[]; status: number; clerkTraceId?: string; retryAfter?: number }) {
    super(message);
    this.name = 'ClerkAPIResponseError';
    this.status = options.status;
    if (options.clerkTraceId !== undefined) this.clerkTraceId = options.clerkTraceId;
    if (options.retryAfter !== undefined) this.retryAfter = options.retryAfter;
    this.errors = options.data.map((e) => ({
      code: e.code,
      message: e.message,
      longMessage: e.long_message ?? e.message,
      meta: e.meta?.param_name === undefined ? {} : { paramName: e.meta.param_name },
    }));
  }

  /** Any API error in this shape counts, whichever copy of the package made it. */
  static override [Symbol.hasInstance](value: unknown): boolean {
    return isClerkAPIResponseError(value);
  }
}

/** Whether `error` is an error answer of the auth API (`status`, `errors[]`), as Clerk's check. */
export function isClerkAPIResponseError(error: unknown): error is ClerkAPIResponseError {
  return (
    hasFlag(error, 'clerkError') &&
    typeof (error as { status?: unknown }).status === 'number' &&
    Array.isArray((error as { errors?: unknown }).errors)
  );
}

/** An error raised in the browser rather than answered by the API (a cancelled verification, ...), with a `code`. */
export class ClerkRuntimeError extends Error {
  static kind = 'ClerkRuntimeError';
  /** Clerk's flag, kept for code that reads it. */
  readonly clerkRuntimeError = true as const;
  readonly clerkError = true as const;
  code: string;

  constructor(message: string, options: { code: string }) {
    super(message);
    this.name = 'ClerkRuntimeError';
    this.code = options.code;
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    return isClerkRuntimeError(value);
  }
}

/**
 * Whether `error` is a runtime error in Clerk's sense: one of Clerk's shape, or a `GatehouseError`
 * (what Gatehouse's hooks throw for their own calls: `code`, `message`, `status`).
 */
export function isClerkRuntimeError(error: unknown): error is ClerkRuntimeError {
  return hasFlag(error, 'clerkRuntimeError') || isGatehouseError(error);
}

/** The browser is offline. Gatehouse's client does not raise it (an unreachable server is an API error with status 0); kept for code that checks it. */
export class ClerkOfflineError extends ClerkRuntimeError {
  static override kind = 'ClerkOfflineError';
  static readonly ERROR_CODE = 'clerk_offline' as const;

  constructor(message: string) {
    super(message, { code: ClerkOfflineError.ERROR_CODE });
    this.name = 'ClerkOfflineError';
  }

  static is(error: unknown): error is ClerkOfflineError {
    return isClerkRuntimeError(error) && (error as { code?: unknown }).code === ClerkOfflineError.ERROR_CODE;
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    return ClerkOfflineError.is(value);
  }
}

/** Clerk's email-link error codes. Gatehouse verifies addresses with codes, so nothing raises them; kept for code that compares them. */
export const EmailLinkErrorCodeStatus = { Expired: 'expired', Failed: 'failed', ClientMismatch: 'client_mismatch' } as const;
/** @deprecated Clerk's older name of {@link EmailLinkErrorCodeStatus}. */
export const EmailLinkErrorCode: { Expired: string; Failed: string; ClientMismatch: string } = { ...EmailLinkErrorCodeStatus };

export interface EmailLinkError extends Error {
  code: string;
}

/** Whether `error` is an email-link error (Clerk's check by name); Gatehouse raises none. */
export function isEmailLinkError(error: Error): error is EmailLinkError {
  return error?.name === 'EmailLinkError';
}

/** A wallet provider's error (web3 sign-in is not offered; Clerk's check by shape). */
export interface MetamaskError extends Error {
  code: 4001 | 32602 | 32603;
  data?: unknown;
}

export function isMetamaskError(error: unknown): error is MetamaskError {
  const e = error as { code?: unknown; message?: unknown } | null;
  return typeof e === 'object' && e !== null && [4001, 32602, 32603].includes(e.code as number) && 'message' in e;
}

/** Whether `error` is one Gatehouse (or Clerk's code) knows: an API answer, a runtime error or a wallet error. */
export function isKnownError(error: unknown): error is ClerkAPIResponseError | ClerkRuntimeError | MetamaskError {
  return isClerkAPIResponseError(error) || isClerkRuntimeError(error) || isMetamaskError(error);
}

/** The error `useReverification()` rejects with when the person closes the verification dialog. */
export function isReverificationCancelledError(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === 'reverification_cancelled';
}
