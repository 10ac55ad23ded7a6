'use client';
// SignIn, SignUp and SignOutButton: plain accessible forms over the auth HTTP API.

import { useEffect, useState, type FormEvent } from 'react';
import { safeRedirectUrl } from '@gatehouse/core';
import { useGatehouse } from './provider.js';
import { handlerMissingMessage, isHandlerMissing } from './gatehouse-fetch.js';
import { OauthButtons, routeToSso, useOauthFailure } from './oauth.js';
import { SecondFactorForm } from './second-factor-form.js';
import { PasskeySignIn } from './passkey-sign-in.js';
import type { SignInAnswer } from './sign-in-factors.js';
import { SetupMfaTask } from './setup-mfa-task.js';

/** The sign-in calls go out without the session retry: nobody is signed in yet. */
const plainFetch = (input: RequestInfo | URL, init?: RequestInit) => fetch(input, init);

export interface AuthFormProps {
  /** Where to go after success when the URL has no (acceptable) `redirect_url`. */
  fallbackRedirectUrl?: string;
  /** Link to the other form. */
  signInUrl?: string;
  signUpUrl?: string;
}

function redirectTarget(fallback: string): string {
  const requested = new URLSearchParams(window.location.search).get('redirect_url');
  return safeRedirectUrl(requested, window.location.origin, fallback);
}

function AuthForm({
  mode,
  fallbackRedirectUrl = '/',
  signInUrl = '/sign-in',
  signUpUrl = '/sign-up',
}: AuthFormProps & { mode: 'sign-in' | 'sign-up' }) {
  const { apiBasePath, fetch: gatehouseFetch, session, reload, refresh } = useGatehouse();
  const [error, setError] = useState<string | null>(null);
  const oauthFailure = useOauthFailure();
  const [pending, setPending] = useState(false);
  // The password was right and a second factor is next: the strategies the user can use.
  const [secondFactor, setSecondFactor] = useState<NonNullable<SignInAnswer['supportedSecondFactors']> | null>(null);
  // For a submit before the scripts have run: the form posts to the mounted handler (never a GET
  // with the password in the URL), which redirects to redirect_url or back here with ?error=.
  const [navigation, setNavigation] = useState({ redirectUrl: '', returnTo: '' });
  useEffect(() => {
    setNavigation({ redirectUrl: redirectTarget(fallbackRedirectUrl), returnTo: window.location.pathname });
    const code = new URLSearchParams(window.location.search).get('error');
    if (code) setError(code === 'invalid_credentials' ? 'The email or password is not correct.' : 'That did not work. Try again.');
  }, [fallbackRedirectUrl]);
  const title = mode === 'sign-in' ? 'Sign in' : 'Sign up';

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setError(null);
    setPending(true);
    const data = new FormData(event.currentTarget);
    const body = { email: String(data.get('email') ?? ''), password: String(data.get('password') ?? '') };
    // An address without a password may belong to an organization with its own provider (SSO).
    if (
      mode === 'sign-in' &&
      !body.password &&
      (await routeToSso(gatehouseFetch, apiBasePath, body.email, redirectTarget(fallbackRedirectUrl)))
    )
      return;
    try {
      const res = await fetch(`${apiBasePath}/${mode}`, {
        method: 'POST',
        credentials: 'same-origin',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      const answer = res.ok
        ? ((await res
            .clone()
            .json()
            .catch(() => ({}))) as SignInAnswer)
        : null;
      if (answer?.status === 'needs_second_factor') {
        setSecondFactor(answer.supportedSecondFactors ?? []);
        setPending(false);
        return;
      }
      // The instance requires a second factor this user lacks: the session is pending until they add one.
      if (res.ok && (await reload())?.tasks?.includes('setup-mfa')) {
        setPending(false);
        return;
      }
      if (res.ok) {
        // A full navigation, so server components render with the new session cookie.
        window.location.assign(redirectTarget(fallbackRedirectUrl));
        return;
      }
      if (isHandlerMissing(res)) {
        const message = handlerMissingMessage(`${apiBasePath}/${mode}`);
        console.error(message);
        setError(message);
      } else {
        const payload = (await res.json().catch(() => null)) as { error?: { message?: string } } | null;
        setError(payload?.error?.message ?? 'Something went wrong. Try again.');
      }
    } catch {
      setError('The server could not be reached. Try again.');
    }
    setPending(false);
  }

  const other =
    mode === 'sign-in' ? { href: signUpUrl, text: 'No account? Sign up' } : { href: signInUrl, text: 'Have an account? Sign in' };
  const keep = typeof window === 'undefined' ? '' : window.location.search;
  const done = () => window.location.assign(redirectTarget(fallbackRedirectUrl));
  if (session?.status === 'pending' && session.tasks?.includes('setup-mfa'))
    return (
      <SetupMfaTask
        apiBasePath={apiBasePath}
        fetcher={gatehouseFetch}
        onDone={() => {
          // A refresh makes the session active now that a factor exists.
          void refresh().then(done);
        }}
      />
    );
  if (secondFactor)
    return (
      <SecondFactorForm
        apiBasePath={apiBasePath}
        fetcher={plainFetch}
        strategies={secondFactor.map((s) => s.strategy)}
        onComplete={done}
        onRestart={(message) => {
          setSecondFactor(null);
          setError(message);
        }}
      />
    );
  return (
    <form className="gatehouse-form" method="post" action={`${apiBasePath}/${mode}`} onSubmit={onSubmit} aria-label={title} noValidate>
      <h1>{title}</h1>
      <input type="hidden" name="redirect_url" value={navigation.redirectUrl} />
      <input type="hidden" name="return_to" value={navigation.returnTo} />
      <label>
        Email
        <input name="email" type="email" autoComplete={mode === 'sign-in' ? 'username webauthn' : 'email'} required />
      </label>
      <label>
        Password
        <input name="password" type="password" autoComplete={mode === 'sign-in' ? 'current-password' : 'new-password'} required />
      </label>
      {(error ?? oauthFailure) ? (
        <p role="alert" className="gatehouse-error">
          {error ?? oauthFailure}
        </p>
      ) : null}
      <button type="submit" disabled={pending}>
        {title}
      </button>
      {mode === 'sign-in' ? <PasskeySignIn apiBasePath={apiBasePath} fetcher={plainFetch} onSignedIn={done} onError={setError} /> : null}
      <OauthButtons
        redirectUrlComplete={typeof window === 'undefined' ? fallbackRedirectUrl : redirectTarget(fallbackRedirectUrl)}
        onError={setError}
      />
      <p>
        <a href={`${other.href}${keep}`}>{other.text}</a>
      </p>
    </form>
  );
}

export function SignIn(props: AuthFormProps) {
  return <AuthForm mode="sign-in" {...props} />;
}

export function SignUp(props: AuthFormProps) {
  return <AuthForm mode="sign-up" {...props} />;
}

/** A button that ends this browser's sessions and leaves the page (`sessionId`: only that session). */
export function SignOutButton({
  redirectUrl,
  sessionId,
  children = 'Sign out',
}: {
  redirectUrl?: string;
  sessionId?: string;
  children?: React.ReactNode;
}) {
  const { signOut } = useGatehouse();
  return (
    <button type="button" onClick={() => void signOut({ ...(redirectUrl ? { redirectUrl } : {}), ...(sessionId ? { sessionId } : {}) })}>
      {children}
    </button>
  );
}
