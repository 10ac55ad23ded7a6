'use client';
// SignIn, SignUp and SignOutButton: accessible, themeable forms over the auth HTTP API.

import { useEffect, useId, useState, type FormEvent, type ReactNode } from 'react';
import { safeRedirectUrl } from '@gatehouse/core';
import { useGatehouse } from './provider.js';
import { handlerMissingMessage, isHandlerMissing } from './gatehouse-fetch.js';
import { OauthButtons, routeToSso, useOauthFailure } from './oauth.js';
import { ResetPasswordForm, VerifyEmailStep } from './account-forms.js';
import { SecondFactorForm } from './second-factor-form.js';
import { PasskeySignIn } from './passkey-sign-in.js';
import type { SignInAnswer } from './sign-in-factors.js';
import { SetupMfaTask } from './setup-mfa-task.js';

/** The sign-in calls go out without the session retry: nobody is signed in yet. */
const plainFetch = (input: RequestInfo | URL, init?: RequestInit) => fetch(input, init);

let leaving = false;
/**
 * The one full navigation after signing in or up (server components then render with the new
 * cookie). The form's own redirect and the signed-in redirect below can both fire on one page; the
 * second would abort the first, so only the first goes.
 */
function leaveTo(url: string, how: 'assign' | 'replace' = 'assign'): void {
  if (leaving) return;
  leaving = true;
  window.location[how](url);
}
// A page restored from the back-forward cache may navigate again.
if (typeof window !== 'undefined')
  window.addEventListener('pageshow', (event) => {
    if (event.persisted) leaving = false;
  });
import { StyledRoot, useStyling } from './appearance/appearance.js';
import { ErrorRegion, Field } from './appearance/parts.js';
import type { Appearance } from './appearance/types.js';

export interface AuthFormProps {
  /** Where to go after success when the URL has no (acceptable) `redirect_url` (default: the provider's fallback URL). */
  fallbackRedirectUrl?: string;
  /** Where to go after success whatever `redirect_url` says (default: the provider's force URL). */
  forceRedirectUrl?: string;
  /** Clerk's names for the same on the other form's side: `<SignIn>` passes the sign-up ones on to its link, and the reverse. */
  signInFallbackRedirectUrl?: string;
  signInForceRedirectUrl?: string;
  signUpFallbackRedirectUrl?: string;
  signUpForceRedirectUrl?: string;
  /** Link to the other form (default: the provider's URLs). */
  signInUrl?: string;
  signUpUrl?: string;
  /** Clerk's `appearance` for this component (over the provider's). */
  appearance?: Appearance;
  /** Shown until the session is known, and while a signed-in visitor is sent on. */
  fallback?: ReactNode;
  /**
   * Clerk's sub-route settings (its forms move through `path/factor-one`, ...). Gatehouse's forms
   * keep every step on one URL, so any routing works; accepted for compatibility.
   */
  routing?: 'path' | 'hash' | 'virtual';
  path?: string;
}

function redirectTarget(fallback: string, force?: string | null): string {
  if (force) return force;
  const requested = new URLSearchParams(window.location.search).get('redirect_url');
  return safeRedirectUrl(requested, window.location.origin, fallback);
}

type FormSettings = {
  mode: 'sign-in' | 'sign-up';
  fallbackRedirectUrl: string;
  forceRedirectUrl: string | null;
  signInUrl: string;
  signUpUrl: string;
  appearance?: Appearance | undefined;
};

function AuthForm({ mode, fallbackRedirectUrl, forceRedirectUrl, signInUrl, signUpUrl, appearance }: FormSettings) {
  const { apiBasePath, fetch: gatehouseFetch, session, reload, refresh } = useGatehouse();
  const styling = useStyling(appearance);
  const { t, el } = styling;
  const [error, setError] = useState<string | null>(null);
  const oauthFailure = useOauthFailure();
  const [pending, setPending] = useState(false);
  const errorId = useId();
  // The password was right and a second factor is next: the strategies the user can use.
  const [secondFactor, setSecondFactor] = useState<NonNullable<SignInAnswer['supportedSecondFactors']> | null>(null);
  // For a submit before the scripts have run: the form posts to the mounted handler (never a GET
  // with the password in the URL), which redirects to redirect_url or back here with ?error=.
  const [navigation, setNavigation] = useState({ redirectUrl: '', returnTo: '' });
  // Sign-up with verification required: the attempt waiting for its code. Sign-in: the reset form.
  const [verifying, setVerifying] = useState<{ id: string; emailAddress: string | null } | null>(null);
  const [resetting, setResetting] = useState(false);
  useEffect(() => {
    setNavigation({ redirectUrl: redirectTarget(fallbackRedirectUrl, forceRedirectUrl), returnTo: window.location.pathname });
    // A form post without scripts comes back with the attempt to verify.
    const attempt = new URLSearchParams(window.location.search).get('sign_up_attempt');
    if (mode === 'sign-up' && attempt) setVerifying({ id: attempt, emailAddress: null });
    if (mode === 'sign-in' && new URLSearchParams(window.location.search).has('reset_password')) setResetting(true);
    const code = new URLSearchParams(window.location.search).get('error');
    if (code) setError(styling.errorText(code === 'invalid_credentials' ? code : 'form_retry'));
  }, [fallbackRedirectUrl, forceRedirectUrl, styling, mode]);
  const texts = mode === 'sign-in' ? t.signIn.start : t.signUp.start;
  const title = texts.title;

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
      (await routeToSso(gatehouseFetch, apiBasePath, body.email, redirectTarget(fallbackRedirectUrl, forceRedirectUrl)))
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
        const payload = (await res
          .clone()
          .json()
          .catch(() => null)) as { signUp?: { id: string; status: string; emailAddress: string } } | null;
        if (payload?.signUp?.status === 'missing_requirements') {
          setVerifying({ id: payload.signUp.id, emailAddress: payload.signUp.emailAddress });
          setPending(false);
          return;
        }
        // A full navigation, so server components render with the new session cookie.
        leaveTo(redirectTarget(fallbackRedirectUrl, forceRedirectUrl));
        return;
      }
      if (isHandlerMissing(res)) {
        const message = handlerMissingMessage(`${apiBasePath}/${mode}`);
        console.error(message);
        setError(message);
      } else {
        const payload = (await res.json().catch(() => null)) as { error?: { code?: string; message?: string } } | null;
        setError(styling.errorText(payload?.error?.code, payload?.error?.message));
      }
    } catch {
      setError(styling.errorText('network'));
    }
    setPending(false);
  }

  const other = mode === 'sign-in' ? signUpUrl : signInUrl;
  const keep = typeof window === 'undefined' ? '' : window.location.search;
  const done = () => leaveTo(redirectTarget(fallbackRedirectUrl, forceRedirectUrl));
  if (session?.status === 'pending' && session.tasks?.includes('setup-mfa'))
    return (
      <SetupMfaTask
        apiBasePath={apiBasePath}
        fetcher={gatehouseFetch}
        appearance={appearance}
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
        appearance={appearance}
        onComplete={done}
        onRestart={(message) => {
          setSecondFactor(null);
          setError(message);
        }}
      />
    );
  const shown = error ?? oauthFailure;
  if (verifying)
    return <VerifyEmailStep signUpId={verifying.id} emailAddress={verifying.emailAddress} onComplete={done} appearance={appearance} />;
  if (resetting) return <ResetPasswordForm onComplete={done} onCancel={() => setResetting(false)} appearance={appearance} />;
  return (
    <StyledRoot appearance={appearance} className="gh-box">
      <form
        {...el('card', 'gh-card gatehouse-form')}
        method="post"
        action={`${apiBasePath}/${mode}`}
        onSubmit={onSubmit}
        aria-label={title}
        noValidate
      >
        <div {...el('header', 'gh-header')}>
          <h1 {...el('headerTitle', 'gh-title')}>{title}</h1>
        </div>
        <OauthButtons
          redirectUrlComplete={typeof window === 'undefined' ? fallbackRedirectUrl : redirectTarget(fallbackRedirectUrl, forceRedirectUrl)}
          onError={setError}
        />
        <input type="hidden" name="redirect_url" value={navigation.redirectUrl} />
        <input type="hidden" name="return_to" value={navigation.returnTo} />
        <div {...el('main', 'gh-stack')}>
          <Field
            styling={styling}
            label={t.formFieldLabel__emailAddress}
            name="email"
            type="email"
            autoComplete={mode === 'sign-in' ? 'username webauthn' : 'email'}
            required
            errorId={shown ? errorId : null}
          />
          <Field
            styling={styling}
            label={t.formFieldLabel__password}
            name="password"
            type="password"
            autoComplete={mode === 'sign-in' ? 'current-password' : 'new-password'}
            required
            errorId={shown ? errorId : null}
          />
          {mode === 'sign-in' ? (
            <p className="gh-row">
              <a
                {...el('formFieldAction', 'gh-link')}
                href="?reset_password=1"
                onClick={(event) => {
                  event.preventDefault();
                  setResetting(true);
                }}
              >
                {t.formFieldAction__forgotPassword}
              </a>
            </p>
          ) : null}
        </div>
        <ErrorRegion styling={styling} message={shown} id={errorId} />
        <button {...el('formButtonPrimary', 'gh-btn gh-btn-primary gh-btn-block')} type="submit" disabled={pending} aria-busy={pending}>
          {title}
        </button>
        {mode === 'sign-in' ? <PasskeySignIn apiBasePath={apiBasePath} fetcher={plainFetch} onSignedIn={done} onError={setError} /> : null}
        <p {...el('footerAction', 'gh-footer')}>
          <span {...el('footerActionText')}>{texts.actionText}</span>{' '}
          <a {...el('footerActionLink', 'gh-link')} href={`${other}${keep}`}>
            {texts.actionLink}
          </a>
        </p>
      </form>
    </StyledRoot>
  );
}

/**
 * The form with the provider's URLs filled in. A visitor already signed in (active session) is sent
 * on to where the form would send them after success, as Clerk does, instead of seeing the form.
 */
function AuthEntry({ mode, ...props }: AuthFormProps & { mode: 'sign-in' | 'sign-up' }) {
  const { isLoaded, session, urls } = useGatehouse();
  const signIn = mode === 'sign-in';
  const settings: FormSettings = {
    mode,
    fallbackRedirectUrl:
      props.fallbackRedirectUrl ??
      (signIn ? props.signInFallbackRedirectUrl : props.signUpFallbackRedirectUrl) ??
      (signIn ? urls.signInFallbackRedirectUrl : urls.signUpFallbackRedirectUrl),
    forceRedirectUrl:
      props.forceRedirectUrl ??
      (signIn ? props.signInForceRedirectUrl : props.signUpForceRedirectUrl) ??
      (signIn ? urls.signInForceRedirectUrl : urls.signUpForceRedirectUrl),
    signInUrl: props.signInUrl ?? urls.signInUrl,
    signUpUrl: props.signUpUrl ?? urls.signUpUrl,
    appearance: props.appearance,
  };
  const signedIn = isLoaded && session !== null && session.status === 'active';
  const target = signedIn ? redirectTarget(settings.fallbackRedirectUrl, settings.forceRedirectUrl) : null;
  useEffect(() => {
    // A full navigation: server components render with the session the visitor has.
    if (target) leaveTo(target, 'replace');
  }, [target]);
  if (signedIn || (!isLoaded && props.fallback !== undefined)) return <>{props.fallback ?? null}</>;
  return <AuthForm {...settings} />;
}

export function SignIn(props: AuthFormProps) {
  return <AuthEntry mode="sign-in" {...props} />;
}

export function SignUp(props: AuthFormProps) {
  return <AuthEntry mode="sign-up" {...props} />;
}

/** A button that ends this browser's sessions and leaves the page (`sessionId`: only that session). */
export function SignOutButton({
  redirectUrl,
  sessionId,
  children,
}: {
  redirectUrl?: string;
  sessionId?: string;
  children?: React.ReactNode;
}) {
  const { signOut } = useGatehouse();
  const { t } = useStyling();
  return (
    <button type="button" onClick={() => void signOut({ ...(redirectUrl ? { redirectUrl } : {}), ...(sessionId ? { sessionId } : {}) })}>
      {children ?? t.signOutButton}
    </button>
  );
}
