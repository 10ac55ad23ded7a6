'use client';
// The "Connected accounts" part of <UserProfile/>: the user's provider accounts, connecting another, disconnecting one.

import { useState } from 'react';
import type { ExternalAccount } from '@gatehouse/server';
import { callApi } from './gatehouse-fetch.js';
import { useGatehouse } from './provider.js';
import { useResource } from './use-resource.js';
import { useOauthConnections, useOauthFailure, useSignIn } from './oauth.js';

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
  if (!userId) return null;
  const list = accounts.data ?? [];
  const connected = new Set(list.map((a) => a.provider));
  const fail = (e: unknown) => setError(e instanceof Error ? e.message : 'Something went wrong.');
  return (
    <section aria-labelledby="gatehouse-connected-accounts">
      <h3 id="gatehouse-connected-accounts">Connected accounts</h3>
      <ul aria-label="Connected accounts">
        {list.map((a) => (
          <li key={a.id}>
            <span>
              {connections.find((c) => c.strategy === a.provider)?.name ?? a.label ?? a.provider}:{' '}
              {a.emailAddress || a.username || a.externalId}
            </span>{' '}
            <button
              type="button"
              onClick={() => {
                setError(null);
                callApi(fetch, `${apiBasePath}/external-accounts/${a.id}`, { method: 'DELETE' })
                  .then(() => setVersion((v) => v + 1))
                  .catch(fail);
              }}
            >
              Disconnect
            </button>
          </li>
        ))}
      </ul>
      {connections
        .filter((c) => !connected.has(c.strategy))
        .map((c) => (
          <button
            key={c.id}
            type="button"
            onClick={() => {
              setError(null);
              const here = window.location.pathname;
              signIn
                .authenticateWithRedirect({ strategy: c.strategy, intent: 'link', redirectUrlComplete: here, signInUrl: here })
                .catch(fail);
            }}
          >
            Connect {c.name}
          </button>
        ))}
      {(error ?? failure) ? (
        <p role="alert" className="gatehouse-error">
          {error ?? failure}
        </p>
      ) : null}
    </section>
  );
}
