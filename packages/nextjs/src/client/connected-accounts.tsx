'use client';
// The "Connected accounts" part of <UserProfile/>: the user's provider accounts, connecting another, disconnecting one.

import { useState } from 'react';
import type { ExternalAccount } from '@gatehouse/server';
import { callApi } from './gatehouse-fetch.js';
import { useGatehouse } from './provider.js';
import { useResource } from './use-resource.js';
import { isReverificationCancelledError, useReverification } from './use-reverification.js';
import { useOauthConnections, useOauthFailure } from './oauth.js';
import { useSignIn } from './sign-flows.js';
import { useStyling } from './appearance/appearance.js';
import { ErrorRegion } from './appearance/parts.js';

/**
 * Lists the signed-in user's external accounts with a Disconnect button each (the server refuses the
 * last way to sign in), and a Connect button per connection not yet connected.
 */
export function ConnectedAccounts() {
  const { session, apiBasePath, fetch } = useGatehouse();
  const userId = session?.user.id ?? null;
  const [version, setVersion] = useState(0);
  const accounts = useResource(
    userId ? `external-accounts:${userId}` : null,
    async () => (await callApi<{ data: ExternalAccount[] }>(fetch, `${apiBasePath}/external-accounts`)).data,
    version,
  );
  const connections = useOauthConnections();
  const { signIn } = useSignIn();
  const failure = useOauthFailure();
  const [error, setError] = useState<string | null>(null);
  // Disconnecting is sensitive: an old verification opens the verification dialog first.
  const disconnect = useReverification((id: string) => callApi(fetch, `${apiBasePath}/external-accounts/${id}`, { method: 'DELETE' }));
  const styling = useStyling();
  const { el, t, format, errorText } = styling;
  if (!userId) return null;
  const list = accounts.data ?? [];
  const connected = new Set(list.map((a) => a.provider));
  const fail = (e: unknown) => setError(e instanceof Error ? e.message : errorText('generic'));
  const texts = t.userProfile.start.connectedAccountsSection;
  const missing = connections.filter((c) => !connected.has(c.strategy));
  return (
    <section {...el('profileSection__connectedAccounts', 'gh-section')} aria-labelledby="gatehouse-connected-accounts">
      <h3 {...el('profileSectionTitle', 'gh-section-title')} id="gatehouse-connected-accounts">
        {texts.title}
      </h3>
      <ul {...el('profileSectionItemList', 'gh-list')} aria-label={texts.title}>
        {list.map((a) => (
          <li key={a.id} {...el('profileSectionItem', 'gh-list-item')}>
            <span className="gh-list-main">
              <span>
                <strong>{connections.find((c) => c.strategy === a.provider)?.name ?? a.label ?? a.provider}</strong>
                <span className="gh-sr-only">: </span>
              </span>
              <span className="gh-muted">{a.emailAddress || a.username || a.externalId}</span>
            </span>
            <button
              {...el('profileSectionItemButton__disconnect', 'gh-btn gh-btn-sm gh-btn-danger')}
              type="button"
              onClick={() => {
                setError(null);
                disconnect(a.id)
                  .then(() => setVersion((v) => v + 1))
                  .catch((e: unknown) => {
                    if (!isReverificationCancelledError(e)) fail(e);
                  });
              }}
            >
              {texts.destructiveActionTitle}
            </button>
          </li>
        ))}
      </ul>
      {missing.length ? (
        <div className="gh-row">
          {missing.map((c) => (
            <button
              key={c.id}
              {...el('profileSectionPrimaryButton__connectedAccounts', 'gh-btn gh-btn-sm')}
              type="button"
              onClick={() => {
                setError(null);
                const here = window.location.pathname;
                signIn
                  .authenticateWithRedirect({ strategy: c.strategy, intent: 'link', redirectUrlComplete: here, signInUrl: here })
                  .catch(fail);
              }}
            >
              {format(texts.primaryButton, { provider: c.name })}
            </button>
          ))}
        </div>
      ) : null}
      <ErrorRegion styling={styling} message={error ?? failure} />
    </section>
  );
}
