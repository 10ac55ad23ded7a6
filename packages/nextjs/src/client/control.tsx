'use client';
// Clerk's control components and navigation buttons: ClerkLoaded/Loading/Degraded/Failed, RedirectTo*, Sign{In,Up}Button, UserAvatar, useClerk.

import { useCallback, useEffect, useState, type ReactNode } from 'react';
import { useRouter } from 'next/navigation';
import { hostedPageUrl, safeRedirectUrl } from '@gatehouse/core';
import { useGatehouse, type ClientSession, type SetActiveParams, type SignOutOptions } from './provider.js';
import { TriggerButton } from './trigger-button.js';
import { Modal } from './modal.js';
import { SignIn, SignUp } from './forms.js';

/** Renders its children once the session is known (Clerk: once clerk-js has loaded). */
export function ClerkLoaded({ children }: { children?: ReactNode }) {
  return useGatehouse().isLoaded ? <>{children}</> : null;
}

/** Renders its children until the session is known. */
export function ClerkLoading({ children }: { children?: ReactNode }) {
  return useGatehouse().isLoaded ? null : <>{children}</>;
}

/** Clerk shows this when its hosted frontend runs degraded; Gatehouse has no remote frontend, so never. */
export function ClerkDegraded(_props: { children?: ReactNode }) {
  return null;
}

/** Clerk shows this when clerk-js failed to load; Gatehouse loads nothing remote, so never. */
export function ClerkFailed(_props: { children?: ReactNode }) {
  return null;
}

interface RedirectProps {
  /** Where to come back to (sign-in and sign-up); defaults to the current page. */
  redirectUrl?: string;
  signInFallbackRedirectUrl?: string;
  signUpFallbackRedirectUrl?: string;
  signInForceRedirectUrl?: string;
  signUpForceRedirectUrl?: string;
}

/** The sign-in (or sign-up) URL with its `redirect_url`: the force URL, else the given one, else here. */
function authUrl(base: string, back: string | null): string {
  if (!back) return base;
  const url = new URL(base, window.location.origin);
  url.searchParams.set('redirect_url', safeRedirectUrl(back, window.location.origin, '/'));
  return url.origin === window.location.origin ? `${url.pathname}${url.search}` : url.href;
}

function useNavigate(target: () => string) {
  const router = useRouter();
  return () => {
    const to = target();
    if (/^https?:/i.test(to)) window.location.assign(to);
    else router.push(to);
  };
}

function here(): string {
  return `${window.location.pathname}${window.location.search}`;
}

function RedirectOnMount({ to }: { to: () => string }) {
  const go = useNavigate(to);
  useEffect(() => {
    go();
    // Once, on mount: like Clerk's, the component is a navigation, not a view.
  }, []);
  return null;
}

export function RedirectToSignIn(props: RedirectProps) {
  const { urls } = useGatehouse();
  const back = () => props.signInForceRedirectUrl ?? urls.signInForceRedirectUrl ?? props.redirectUrl ?? here();
  return <RedirectOnMount to={() => authUrl(urls.signInUrl, back())} />;
}

export function RedirectToSignUp(props: RedirectProps) {
  const { urls } = useGatehouse();
  const back = () => props.signUpForceRedirectUrl ?? urls.signUpForceRedirectUrl ?? props.redirectUrl ?? here();
  return <RedirectOnMount to={() => authUrl(urls.signUpUrl, back())} />;
}

export function RedirectToUserProfile() {
  const { apiBasePath } = useGatehouse();
  return <RedirectOnMount to={() => hostedPageUrl('userProfile', apiBasePath)} />;
}

export function RedirectToOrganizationProfile() {
  const { apiBasePath } = useGatehouse();
  return <RedirectOnMount to={() => hostedPageUrl('organization', apiBasePath)} />;
}

export function RedirectToCreateOrganization() {
  const { apiBasePath } = useGatehouse();
  return <RedirectOnMount to={() => hostedPageUrl('createOrganization', apiBasePath)} />;
}

export interface SignInButtonProps {
  /** `modal`: the form in a dialog over this page; `redirect` (default): the sign-in page. */
  mode?: 'modal' | 'redirect';
  forceRedirectUrl?: string | null;
  fallbackRedirectUrl?: string | null;
  signUpForceRedirectUrl?: string | null;
  signUpFallbackRedirectUrl?: string | null;
  initialValues?: { emailAddress?: string };
  /** A single element (your own button) replaces the default one; its onClick still runs. */
  children?: ReactNode;
}

/**
 * The sign-in or sign-up trigger. `redirect` (default) goes to the page; `modal` opens the form in a
 * dialog over this page (a full navigation to the redirect URL follows success, so server components
 * render with the new session).
 */
function AuthButton({
  kind,
  mode = 'redirect',
  forceRedirectUrl,
  fallbackRedirectUrl,
  children,
}: Pick<SignInButtonProps, 'mode' | 'forceRedirectUrl' | 'fallbackRedirectUrl' | 'children'> & { kind: 'sign-in' | 'sign-up' }) {
  const { urls } = useGatehouse();
  const [open, setOpen] = useState(false);
  const close = useCallback(() => setOpen(false), []);
  const signIn = kind === 'sign-in';
  const force = forceRedirectUrl ?? (signIn ? urls.signInForceRedirectUrl : urls.signUpForceRedirectUrl);
  const go = useNavigate(() => authUrl(signIn ? urls.signInUrl : urls.signUpUrl, force ?? fallbackRedirectUrl ?? here()));
  const label = signIn ? 'Sign in' : 'Sign up';
  if (mode !== 'modal') {
    return (
      <TriggerButton label={label} onClick={go}>
        {children}
      </TriggerButton>
    );
  }
  const Form = signIn ? SignIn : SignUp;
  return (
    <>
      <TriggerButton label={label} onClick={() => setOpen(true)}>
        {children}
      </TriggerButton>
      {open ? (
        <Modal label={label} onClose={close}>
          <Form {...(force ? { forceRedirectUrl: force } : {})} fallbackRedirectUrl={fallbackRedirectUrl ?? here()} />
        </Modal>
      ) : null}
    </>
  );
}

/** A button to sign in; after signing in the user goes to `forceRedirectUrl`, else back here (or `fallbackRedirectUrl`). */
export function SignInButton(props: SignInButtonProps) {
  return <AuthButton kind="sign-in" {...props} />;
}

export type SignUpButtonProps = Omit<SignInButtonProps, 'signUpForceRedirectUrl' | 'signUpFallbackRedirectUrl'> & {
  signInForceRedirectUrl?: string | null;
  signInFallbackRedirectUrl?: string | null;
  unsafeMetadata?: Record<string, unknown>;
};

export function SignUpButton(props: SignUpButtonProps) {
  return <AuthButton kind="sign-up" {...props} />;
}

/** The signed-in user's picture: the uploaded one, else the generated initials avatar (`user.imageUrl` is always set). Nothing when signed out. */
export function UserAvatar({ rounded = true }: { rounded?: boolean; appearance?: unknown }) {
  const { session } = useGatehouse();
  const user = session?.user;
  if (!user) return null;
  const style = { width: 32, height: 32, borderRadius: rounded ? '50%' : 4, display: 'inline-block' };
  return <img src={user.imageUrl} alt="" width={32} height={32} style={style} className="gatehouse-user-avatar" />;
}

export interface UseClerkReturn {
  loaded: boolean;
  session: ClientSession | null;
  user: ClientSession['user'] | null;
  /** This browser's client: its active session (the session list is `useSessionList()`). */
  client: { sessions: ClientSession[] } | null;
  signOut: (opts?: SignOutOptions | (() => void)) => Promise<void>;
  setActive: (params: SetActiveParams) => Promise<void>;
  openSignIn: (opts?: { forceRedirectUrl?: string; fallbackRedirectUrl?: string }) => void;
  openSignUp: (opts?: { forceRedirectUrl?: string; fallbackRedirectUrl?: string }) => void;
  redirectToSignIn: (opts?: { signInForceRedirectUrl?: string; signInFallbackRedirectUrl?: string }) => Promise<void>;
  redirectToSignUp: (opts?: { signUpForceRedirectUrl?: string; signUpFallbackRedirectUrl?: string }) => Promise<void>;
  redirectToUserProfile: () => Promise<void>;
  redirectToOrganizationProfile: () => Promise<void>;
  redirectToCreateOrganization: () => Promise<void>;
  buildSignInUrl: (opts?: { redirectUrl?: string }) => string;
  buildSignUpUrl: (opts?: { redirectUrl?: string }) => string;
}

/** Clerk's `useClerk()`: the session, the user and the navigation and session actions. */
export function useClerk(): UseClerkReturn {
  const { isLoaded, session, signOut, setActive, urls, apiBasePath } = useGatehouse();
  const assign = async (to: string) => window.location.assign(to);
  const signIn = (back?: string | null) => authUrl(urls.signInUrl, urls.signInForceRedirectUrl ?? back ?? here());
  const signUp = (back?: string | null) => authUrl(urls.signUpUrl, urls.signUpForceRedirectUrl ?? back ?? here());
  return {
    loaded: isLoaded,
    session,
    user: session?.user ?? null,
    client: session ? { sessions: [session] } : null,
    signOut: async (opts) => {
      if (typeof opts === 'function') {
        await signOut({ redirectUrl: here() });
        return opts();
      }
      return signOut(opts);
    },
    setActive,
    openSignIn: (opts) => void assign(signIn(opts?.forceRedirectUrl ?? opts?.fallbackRedirectUrl)),
    openSignUp: (opts) => void assign(signUp(opts?.forceRedirectUrl ?? opts?.fallbackRedirectUrl)),
    redirectToSignIn: (opts) => assign(signIn(opts?.signInForceRedirectUrl ?? opts?.signInFallbackRedirectUrl)),
    redirectToSignUp: (opts) => assign(signUp(opts?.signUpForceRedirectUrl ?? opts?.signUpFallbackRedirectUrl)),
    redirectToUserProfile: () => assign(hostedPageUrl('userProfile', apiBasePath)),
    redirectToOrganizationProfile: () => assign(hostedPageUrl('organization', apiBasePath)),
    redirectToCreateOrganization: () => assign(hostedPageUrl('createOrganization', apiBasePath)),
    buildSignInUrl: (opts) => signIn(opts?.redirectUrl),
    buildSignUpUrl: (opts) => signUp(opts?.redirectUrl),
  };
}
