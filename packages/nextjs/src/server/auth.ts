// auth() and currentUser() for route handlers, server components and server actions.

import {
  withClerkUserFields,
  generatedAvatarUrl,
  type AcceptsToken,
  type AnyAuthObject,
  type AuthObject,
  type AuthenticatedMachineObject,
  type ClerkUserFields,
  type SignedInAuthObject,
} from '@gatehouse/core';
import { acceptedAuth, decideMachineProtect, machineBearer } from './machine-auth.js';
import { authObjectFor, type AuthOptions } from './auth-state.js';
import type { PublicUser } from '@gatehouse/server';
import { headers } from 'next/headers';
import { notFound, redirect } from 'next/navigation';
import { PATH_HEADER, backend, backendNow, signInUrl, signUpUrl } from './backend.js';
import { warnIfMiddlewareSkipped } from './setup-errors.js';
import { passedOnPath } from './request-hook.js';
import { authorizationOf, decideProtect, requestKind, signInRedirect, type ProtectOptions, type ProtectParams } from './protect.js';

export type ServerAuthObject = AuthObject & {
  redirectToSignIn: (opts?: { returnBackUrl?: string | null }) => never;
  redirectToSignUp: (opts?: { returnBackUrl?: string | null }) => never;
};

export interface Auth {
  (options?: AuthOptions & { acceptsToken?: 'session_token' }): Promise<ServerAuthObject>;
  /** With `acceptsToken`: API keys and M2M tokens (in `Authorization`) too, narrowed as Clerk does. */
  (options: AuthOptions & { acceptsToken: AcceptsToken }): Promise<AnyAuthObject<ServerAuthObject>>;
  protect(params?: ProtectParams, options?: ProtectOptions): Promise<SignedInAuthObject>;
  protect(
    params: ProtectParams | undefined,
    options: ProtectOptions & { token: AcceptsToken },
  ): Promise<SignedInAuthObject | AuthenticatedMachineObject>;
}

/** An error Next.js turns into a bare status response in route handlers and server actions. */
function httpError(status: 401 | 403): Error {
  return Object.assign(new Error(status === 401 ? 'Unauthenticated' : 'Forbidden'), {
    digest: `NEXT_HTTP_ERROR_FALLBACK;${status}`,
  });
}

/**
 * The path of the current request, for the `redirect_url` of a sign-in redirect only (never for a
 * decision). The middleware records it in the request's scope or forwards it in a header;
 * signInRedirect keeps it a same-origin path either way.
 */
function currentUrl(h: Headers): URL {
  const path = passedOnPath(h) ?? h.get(PATH_HEADER) ?? '/';
  return new URL(path.startsWith('/') && !path.startsWith('//') ? path : '/', 'http://localhost');
}

async function resolveAuth(options?: AuthOptions): Promise<{ auth: AuthObject; h: Headers }> {
  // Read in place, not copied: nothing here changes them, and copying every header would cost a
  // request more than its decision.
  const h: Headers = await headers();
  warnIfMiddlewareSkipped(h);
  const opened = backendNow(options?.backend);
  const port = opened instanceof Promise ? await opened : opened;
  // Authenticated from the request's own cookie or bearer token, never from a header set upstream.
  const authenticated = port.authenticate({ headers: h });
  const state = authenticated instanceof Promise ? await authenticated : authenticated;
  return { auth: authObjectFor(state, port, h, options), h };
}

function withRedirects(auth: AuthObject, h: Headers): ServerAuthObject {
  const go = (target: string, returnBackUrl?: string | null): never => {
    const url = currentUrl(h);
    redirect(signInRedirect(target, url, returnBackUrl));
  };
  return Object.assign(auth, {
    redirectToSignIn: (opts?: { returnBackUrl?: string | null }) => go(signInUrl(), opts?.returnBackUrl),
    redirectToSignUp: (opts?: { returnBackUrl?: string | null }) => go(signUpUrl(), opts?.returnBackUrl),
  });
}

/**
 * The auth state of the current request. Works without the middleware: it verifies the request's
 * own token (the verified-token cache makes a repeat cheap). It cannot refresh an expired token;
 * the middleware does that before the page renders.
 */
export const auth = Object.assign(
  async (options?: AuthOptions & { acceptsToken?: AcceptsToken }): Promise<AnyAuthObject<ServerAuthObject>> => {
    const { auth: authObject, h } = await resolveAuth(options);
    const session = withRedirects(authObject, h);
    if (options?.acceptsToken === undefined && !machineBearer(h)) return session;
    return acceptedAuth(h, await backend(options?.backend), session, options?.acceptsToken);
  },
  {
    /**
     * Returns the auth object when allowed. Otherwise: pages redirect to sign-in (signed out) or
     * show the 404 page (not allowed); route handlers and server actions answer 401 / 403.
     */
    async protect(params?: ProtectParams, options?: ProtectOptions): Promise<SignedInAuthObject | AuthenticatedMachineObject> {
      const { auth: authObject, h } = await resolveAuth();
      const merged = { ...(typeof params === 'object' ? params : {}), ...(options ?? {}) } as ProtectOptions;
      const bearer = machineBearer(h);
      if (bearer || (merged.token !== undefined && merged.token !== 'session_token')) {
        const accepted = await acceptedAuth(h, await backend(), authObject, merged.token);
        const check = typeof params === 'function' ? params : authorizationOf(params);
        const machine = decideMachineProtect(accepted, check, merged.token, bearer === null);
        if (machine?.kind === 'allowed') return accepted as AuthenticatedMachineObject;
        if (machine) throw httpError(machine.kind === 'unauthenticated' ? 401 : 403);
      }
      const outcome = decideProtect(authObject, params, options);
      // decideProtect allows signed-in, non-pending sessions only.
      if (outcome.kind === 'allowed') return authObject as SignedInAuthObject;
      const kind = requestKind(h);
      if (kind === 'page') {
        if (outcome.redirectTo) redirect(outcome.redirectTo);
        if (outcome.kind === 'unauthenticated') redirect(signInRedirect(signInUrl(), currentUrl(h)));
        notFound();
      }
      throw httpError(outcome.kind === 'unauthenticated' ? 401 : 403);
    },
  },
) as Auth;

/** The signed-in user as `currentUser()` returns it: Gatehouse's public fields and Clerk's derived ones; `imageUrl` always set. */
export type User = Omit<PublicUser, 'imageUrl'> & ClerkUserFields & { imageUrl: string };

/**
 * The signed-in user's record, or null when signed out. No network hop in embedded mode. Besides
 * Gatehouse's fields (`email`, …) it carries Clerk's (`primaryEmailAddress`, `emailAddresses`,
 * `fullName`, `username`, …), derived from them.
 */
export async function currentUser(): Promise<User | null> {
  const { auth: authObject } = await resolveAuth();
  if (!authObject.userId) return null;
  const user = await (await backend()).getUser(authObject.userId);
  // As in Clerk, `imageUrl` is always set: the uploaded picture, else a generated one (`hasImage` tells them apart).
  return user ? { ...withClerkUserFields(user), imageUrl: user.imageUrl ?? generatedAvatarUrl(user) } : null;
}
