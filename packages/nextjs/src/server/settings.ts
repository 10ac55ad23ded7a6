// App-level settings read from the environment, shared by the Node and edge entry points (edge-safe).
//
// Gatehouse's own variables come first, then Clerk's (so a migrated app's `.env` keeps working).
// Each `process.env.NEXT_PUBLIC_…` is spelled out in full: Next.js inlines only literal references.

import { hostedPageUrl } from '@gatehouse/core';

/** Where the Gatehouse route handler is mounted unless configured otherwise. */
export const DEFAULT_API_BASE_PATH = '/api/gatehouse';

/** The sign-in page: the app's own when configured, else the hosted one (Clerk's Account Portal counterpart). */
export function signInUrl(apiBasePath?: string): string {
  return (
    process.env.NEXT_PUBLIC_GATEHOUSE_SIGN_IN_URL ||
    process.env.NEXT_PUBLIC_CLERK_SIGN_IN_URL ||
    hostedPageUrl('signIn', apiBasePath ?? DEFAULT_API_BASE_PATH)
  );
}

export function signUpUrl(apiBasePath?: string): string {
  return (
    process.env.NEXT_PUBLIC_GATEHOUSE_SIGN_UP_URL ||
    process.env.NEXT_PUBLIC_CLERK_SIGN_UP_URL ||
    hostedPageUrl('signUp', apiBasePath ?? DEFAULT_API_BASE_PATH)
  );
}

/** Request header the middleware sets to the path being rendered (used only for return addresses). */
export const PATH_HEADER = 'x-gatehouse-path';

/**
 * Request header a Next.js server's request hook sets to the request's own number (request-hook.ts),
 * after removing any copy the client sent: what ties the request's headers to its scope in memory.
 */
export const REQUEST_HEADER = 'x-gatehouse-request';

/** Request headers that look like Gatehouse's (or Clerk's) internal ones are dropped at the door. */
export const INTERNAL_HEADER = /^x-(gatehouse|clerk)-/i;
