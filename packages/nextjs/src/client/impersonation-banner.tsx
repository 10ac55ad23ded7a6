'use client';
// The banner shown while an instance admin is signed in as a user, with the way back ("Stop impersonating").

import { useState } from 'react';
import { callApi } from './gatehouse-fetch.js';
import { useGatehouse } from './provider.js';

export interface ImpersonationBannerProps {
  /** Where to go when the admin's own session is over too (default `/`). */
  afterStopUrl?: string;
}

/**
 * Renders nothing unless the session carries an `act` claim. Then it names the user being
 * impersonated and the admin behind it, and "Stop impersonating" ends the impersonation session and
 * returns to the admin's own session (and the dashboard page of the user).
 */
export function ImpersonationBanner({ afterStopUrl = '/' }: ImpersonationBannerProps) {
  const { session, apiBasePath, fetch } = useGatehouse();
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const actor = session?.claims.act;
  if (!session || !actor) return null;
  const stop = async () => {
    setPending(true);
    setError(null);
    try {
      const { redirectUrl } = await callApi<{ redirectUrl: string | null }>(fetch, `${apiBasePath}/impersonation/stop`, { method: 'POST' });
      // A full navigation: every server component and cached token belongs to the other user.
      window.location.assign(redirectUrl ?? afterStopUrl);
    } catch (e) {
      setError(e instanceof Error ? e.message : 'Could not stop impersonating.');
      setPending(false);
    }
  };
  return (
    <div role="status" className="gatehouse-impersonation-banner" data-actor={actor.sub}>
      <span>
        You are signed in as <strong>{session.user.email}</strong> by an administrator (<code>{actor.sub}</code>). Everything you do is
        recorded under both names.
      </span>{' '}
      <button type="button" onClick={() => void stop()} disabled={pending}>
        Stop impersonating
      </button>
      {error ? (
        <span role="alert" className="gatehouse-error">
          {' '}
          {error}
        </span>
      ) : null}
    </div>
  );
}
