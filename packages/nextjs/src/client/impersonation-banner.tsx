'use client';
// The banner shown while an instance admin is signed in as a user, with the way back ("Stop impersonating").

import { useState } from 'react';
import { callApi } from './gatehouse-fetch.js';
import { useGatehouse } from './provider.js';
import { StyledRoot, useStyling } from './appearance/appearance.js';
import { ErrorRegion } from './appearance/parts.js';
import type { Appearance } from './appearance/types.js';

export interface ImpersonationBannerProps {
  /** Where to go when the admin's own session is over too (default `/`). */
  afterStopUrl?: string;
  /** Clerk's `appearance` for this component (over the provider's). */
  appearance?: Appearance;
}

/**
 * Renders nothing unless the session carries an `act` claim. Then it names the user being
 * impersonated and the admin behind it, and "Stop impersonating" ends the impersonation session and
 * returns to the admin's own session (and the dashboard page of the user).
 */
export function ImpersonationBanner({ afterStopUrl = '/', appearance }: ImpersonationBannerProps) {
  const { session, apiBasePath, fetch } = useGatehouse();
  const styling = useStyling(appearance);
  const { el, t, format, errorText } = styling;
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
      setError(e instanceof Error ? e.message : errorText('generic'));
      setPending(false);
    }
  };
  const [before, after = ''] = t.impersonationFab.title.split('{{identifier}}');
  return (
    <StyledRoot
      appearance={appearance}
      elementKey="impersonationFab"
      className="gh-banner gatehouse-impersonation-banner"
      attributes={{ role: 'status', 'data-actor': actor.sub }}
    >
      <span {...el('impersonationFabTitle')}>
        {before}
        <strong>{session.user.email}</strong>
        {format(after, { actor: actor.sub })}
      </span>
      <button {...el('impersonationFabActionLink', 'gh-btn gh-btn-sm')} type="button" onClick={() => void stop()} disabled={pending}>
        {t.impersonationFab.action__signOut}
      </button>
      <ErrorRegion styling={styling} message={error} />
    </StyledRoot>
  );
}
