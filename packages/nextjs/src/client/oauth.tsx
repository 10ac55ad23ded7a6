'use client';
// Provider sign-in in the browser: useSignIn().signIn.authenticateWithRedirect (Clerk's shape), the "Continue with …" buttons, SSO routing, and the callback page.

import { useEffect, useState } from 'react';
import { safeRedirectUrl } from '@gatehouse/core';
import { callApi } from './gatehouse-fetch.js';
import { useGatehouse } from './provider.js';
import { useResource } from './use-resource.js';
import { useStyling } from './appearance/appearance.js';

/** Clerk's `authenticateWithRedirect` parameters. */
export interface AuthenticateWithRedirectParams {
  /** `oauth_google`, `oauth_github`, `oauth_microsoft`, `oauth_gitlab`, `oauth_custom_<id>`, or `enterprise_sso` (with `identifier`). */
  strategy: string;
  /** The app's callback page (rendering `<AuthenticateWithRedirectCallback/>`), passed through on the way back. */
  redirectUrl?: string;
  /** Where to land once signed in. */
  redirectUrlComplete?: string;
  /** For `enterprise_sso`: the email address whose domain names the organization's provider. */
  identifier?: string;
  /** Where a failure comes back to (default: this page). */
  signInUrl?: string;
  /** `link`: connect the provider to the signed-in user (what `<UserProfile/>` does). */
  intent?: 'sign_in' | 'link';
}

export interface OauthConnectionSummary {
  id: string;
  strategy: string;
  name: string;
  provider: string;
}

/** The message for the `gatehouse_oauth_error` in this page's URL (in the language in effect), or null. */
export function useOauthFailure(): string | null {
  const { errorText, t } = useStyling();
  const [reason, setReason] = useState<string | null>(null);
  useEffect(() => {
    setReason(new URLSearchParams(window.location.search).get('gatehouse_oauth_error'));
  }, []);
  if (!reason) return null;
  return /^oauth_[a-z_]+$/.test(reason) ? errorText(reason, t.unstable__errors.oauth_failed) : (t.unstable__errors.oauth_failed ?? null);
}

/**
 * Starts a provider flow and leaves the page for the provider.
 * @throws GatehouseError `bad_request` (unknown strategy, no SSO for that address), `service_unavailable`, `unauthenticated` (link)
 */
export async function startRedirect(
  fetcher: ReturnType<typeof useGatehouse>['fetch'],
  apiBasePath: string,
  params: AuthenticateWithRedirectParams,
): Promise<void> {
  const here = `${window.location.pathname}${window.location.search}`;
  const body = {
    strategy: params.strategy,
    ...(params.identifier ? { identifier: params.identifier } : {}),
    ...(params.redirectUrl ? { redirectUrl: params.redirectUrl } : {}),
    redirectUrlComplete: params.redirectUrlComplete ?? '/',
    signInUrl: params.signInUrl ?? here.replace(/([?&])gatehouse_oauth_error=[^&]*&?/, '$1').replace(/[?&]$/, ''),
    ...(params.intent ? { intent: params.intent } : {}),
  };
  const started = await callApi<{ externalVerificationRedirectURL: string }>(fetcher, `${apiBasePath}/oauth/start`, {
    method: 'POST',
    body,
  });
  window.location.assign(started.externalVerificationRedirectURL);
}

/** The connections the sign-in page offers (GET {api}/oauth/connections). */
export function useOauthConnections(): OauthConnectionSummary[] {
  const { apiBasePath, fetch } = useGatehouse();
  const resource = useResource(
    'oauth-connections',
    async () => (await callApi<{ connections: OauthConnectionSummary[] }>(fetch, `${apiBasePath}/oauth/connections`)).connections,
  );
  return resource.data ?? [];
}

/**
 * For the sign-in form: when the address's domain belongs to an organization with its own provider,
 * goes there and resolves true; false when password sign-in applies.
 */
export async function routeToSso(
  fetcher: ReturnType<typeof useGatehouse>['fetch'],
  apiBasePath: string,
  email: string,
  redirectUrlComplete: string,
): Promise<boolean> {
  if (!email.includes('@')) return false;
  try {
    await startRedirect(fetcher, apiBasePath, { strategy: 'enterprise_sso', identifier: email, redirectUrlComplete });
    return true;
  } catch {
    return false;
  }
}

/** One "Continue with <name>" button per connection (`socialButtonsBlockButton`), then the "or" divider. */
export function OauthButtons({ redirectUrlComplete, onError }: { redirectUrlComplete: string; onError: (message: string) => void }) {
  const connections = useOauthConnections();
  const { apiBasePath, fetch } = useGatehouse();
  const { el, t, format: fill, errorText } = useStyling();
  const [busy, setBusy] = useState<string | null>(null);
  if (connections.length === 0) return null;
  return (
    <>
      <div {...el('socialButtons', 'gh-stack gatehouse-oauth')} role="group" aria-label={t.socialButtonsGroupLabel}>
        {connections.map((c) => (
          <button
            key={c.id}
            {...el('socialButtonsBlockButton', 'gh-btn gh-btn-block')}
            type="button"
            disabled={busy !== null}
            aria-busy={busy === c.id}
            onClick={() => {
              setBusy(c.id);
              startRedirect(fetch, apiBasePath, { strategy: c.strategy, redirectUrlComplete }).catch((e: unknown) => {
                setBusy(null);
                onError(e instanceof Error ? e.message : errorText('generic'));
              });
            }}
          >
            {fill(t.socialButtonsBlockButton, { provider: c.name })}
          </button>
        ))}
      </div>
      <p {...el('dividerRow', 'gh-divider')}>
        <span {...el('dividerText')}>{t.dividerText}</span>
      </p>
    </>
  );
}

/**
 * The page a flow passes through on its way back (`redirectUrl`): goes on to `redirect_url_complete`
 * (same-origin or allowed only), or back to sign-in with the provider's failure.
 */
export function AuthenticateWithRedirectCallback({
  signInUrl = '/sign-in',
  signInFallbackRedirectUrl = '/',
}: {
  signInUrl?: string;
  signInFallbackRedirectUrl?: string;
  signUpFallbackRedirectUrl?: string;
}) {
  useEffect(() => {
    const params = new URLSearchParams(window.location.search);
    const failure = params.get('gatehouse_oauth_error');
    if (failure) {
      const back = new URL(safeRedirectUrl(signInUrl, window.location.origin, '/sign-in'), window.location.origin);
      back.searchParams.set('gatehouse_oauth_error', failure);
      window.location.replace(`${back.pathname}${back.search}`);
      return;
    }
    window.location.replace(safeRedirectUrl(params.get('redirect_url_complete'), window.location.origin, signInFallbackRedirectUrl));
  }, [signInUrl, signInFallbackRedirectUrl]);
  return null;
}
