'use client';
// useSessionList: the signed-in user's live sessions on every device (GET {api}/sessions), and ending them.

import type { GatehouseError } from '@gatehouse/core';
import type { SessionSummary } from '@gatehouse/server';
import { callApi } from './gatehouse-fetch.js';
import { useGatehouse, type SetActiveParams } from './provider.js';
import { useResource } from './use-resource.js';
import { useReverification } from './use-reverification.js';

export type { SessionSummary } from '@gatehouse/server';

export interface UseSessionListReturn {
  isLoaded: boolean;
  /** Most recently active first; `current` marks this browser's session. undefined while loading. */
  sessions: SessionSummary[] | undefined;
  error: GatehouseError | null;
  revalidate: () => Promise<void>;
  /**
   * Ends one session. Ending this browser's own session signs it out (and leaves the page) unless
   * another of its sessions takes over.
   * Ending another device's session asks for a fresh verification when the last one is old.
   * @throws GatehouseError `not_found` (not a live session of this user), `unauthenticated`;
   *   `reverification_cancelled` when the person closes the verification dialog
   */
  endSession: (sessionId: string) => Promise<void>;
  /** Ends every session of the user on every device, this one included, and leaves the page (a fresh verification first, as above). */
  signOutEverywhere: () => Promise<void>;
  /** Switch to another signed-in session of this browser (multi-session mode). */
  setActive: (params: SetActiveParams) => Promise<void>;
}

/**
 * The user's sessions across devices. Unlike Clerk's hook (this browser's sessions only) it lists
 * every device, which is what "where am I signed in" screens need.
 */
export function useSessionList(options: { enabled?: boolean } = {}): UseSessionListReturn {
  const { isLoaded, session, apiBasePath, fetch, revision, signOut, setActive } = useGatehouse();
  const userId = session?.user.id ?? null;
  const key = options.enabled === false || !userId ? null : `sessions:${userId}`;
  const resource = useResource(
    key,
    async () => (await callApi<{ sessions: SessionSummary[] }>(fetch, `${apiBasePath}/sessions`)).sessions,
    revision,
  );
  const { revalidate } = resource;

  // signOut() refreshes the provider's state and bumps its revision, which refetches this list.
  // Ending another device's session is sensitive: the server may ask for a fresh verification, which
  // opens the verification dialog and then ends it (closing the dialog rejects: reverification_cancelled).
  const endSession = useReverification((sessionId: string) => signOut({ sessionId }));
  const signOutEverywhere = useReverification(() => signOut({ scope: 'everywhere' }));

  return {
    isLoaded: isLoaded && (!key || resource.data !== undefined || resource.error !== null),
    sessions: resource.data,
    error: resource.error,
    revalidate,
    endSession,
    signOutEverywhere,
    setActive,
  };
}
