'use client';
// Show, SignedIn, SignedOut and Protect: render by session state and by has(). They hide UI only.

import type { ReactNode } from 'react';
import type { CheckAuthorizationParams, HasFunction } from '@gatehouse/core';
import { useAuth } from './use-auth.js';

export type ShowWhen = 'signed-in' | 'signed-out' | CheckAuthorizationParams | ((has: HasFunction) => boolean);

export interface ShowProps {
  when: ShowWhen;
  /** Rendered when the condition does not hold (not while the session is loading). */
  fallback?: ReactNode;
  children?: ReactNode;
  treatPendingAsSignedOut?: boolean;
}

/**
 * Renders `children` when `when` holds: `'signed-in'`, `'signed-out'`, a `has()` check
 * (`{ role }`, `{ permission }`, `{ feature }`, `{ plan }`; signed out never passes) or a function
 * of `has`. Renders nothing while loading.
 *
 * This hides UI only: the browser can show itself anything. Guard data and actions on the server
 * with `auth()` / `auth.protect()`.
 */
export function Show({ when, fallback = null, children, treatPendingAsSignedOut }: ShowProps) {
  const { isLoaded, isSignedIn, has } = useAuth(treatPendingAsSignedOut === undefined ? {} : { treatPendingAsSignedOut });
  if (!isLoaded) return null;
  let pass: boolean;
  if (when === 'signed-in') pass = isSignedIn === true;
  else if (when === 'signed-out') pass = isSignedIn === false;
  else if (typeof when === 'function') pass = isSignedIn === true && when(has) === true;
  else pass = isSignedIn === true && has(when);
  return <>{pass ? children : fallback}</>;
}

/** Renders its children only when signed in. Hides UI only: guard data with `auth()` on the server. */
export function SignedIn({ children }: { children?: ReactNode }) {
  return <Show when="signed-in">{children}</Show>;
}

/** Renders its children only when signed out. Hides UI only. */
export function SignedOut({ children }: { children?: ReactNode }) {
  return <Show when="signed-out">{children}</Show>;
}

export type ProtectProps = CheckAuthorizationParams & {
  /** A custom check; used instead of the role/permission/feature/plan props. */
  condition?: (has: HasFunction) => boolean;
  fallback?: ReactNode;
  children?: ReactNode;
};

/**
 * Clerk's older form of `<Show>`: children when signed in and (if given) the role, permission,
 * feature, plan or `condition` passes; otherwise `fallback`. Hides UI only: guard data and actions
 * on the server with `auth.protect()`.
 */
export function Protect({ condition, fallback = null, children, ...params }: ProtectProps) {
  const check: CheckAuthorizationParams = {};
  for (const key of ['role', 'permission', 'feature', 'plan', 'reverification'] as const) {
    if (params[key] !== undefined) Object.assign(check, { [key]: params[key] });
  }
  const when: ShowWhen = condition ?? (Object.keys(check).length > 0 ? check : 'signed-in');
  return (
    <Show when={when} fallback={fallback}>
      {children}
    </Show>
  );
}
