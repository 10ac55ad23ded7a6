// Issue #23: Clerk's control components, buttons and provider props, rendered on the server the way
// Next.js first renders them (react-dom/server, the App Router context in place): what shows before
// the session is known, and the navigation URLs from props, Gatehouse's and Clerk's variables.

import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createElement as h, type ReactNode } from 'react';
import { renderToString } from 'react-dom/server';
import { AppRouterContext } from 'next/dist/shared/lib/app-router-context.shared-runtime.js';
import {
  ClerkDegraded,
  ClerkFailed,
  ClerkLoaded,
  ClerkLoading,
  ClerkProvider,
  SignInButton,
  SignUpButton,
  UserAvatar,
  useClerk,
  useGatehouse,
  type GatehouseProviderProps,
} from '@gatehouse/nextjs';

const router = { push() {}, replace() {}, refresh() {}, back() {}, forward() {}, prefetch() {} };
const ENV = [
  'NEXT_PUBLIC_GATEHOUSE_SIGN_IN_URL',
  'NEXT_PUBLIC_CLERK_SIGN_IN_URL',
  'NEXT_PUBLIC_CLERK_SIGN_UP_URL',
  'NEXT_PUBLIC_CLERK_SIGN_IN_FALLBACK_REDIRECT_URL',
  'NEXT_PUBLIC_CLERK_SIGN_UP_FORCE_REDIRECT_URL',
  'NEXT_PUBLIC_CLERK_AFTER_SIGN_OUT_URL',
] as const;
const saved = Object.fromEntries(ENV.map((name) => [name, process.env[name]]));
after(() => {
  for (const name of ENV) {
    if (saved[name] === undefined) delete process.env[name];
    else process.env[name] = saved[name];
  }
});

function render(children: ReactNode, props: Omit<GatehouseProviderProps, 'children'> = {}): string {
  return renderToString(h(AppRouterContext.Provider, { value: router as never }, h(ClerkProvider, { ...props, children })));
}

function Urls() {
  const { urls, afterSignOutUrl } = useGatehouse();
  return h('pre', null, JSON.stringify({ ...urls, afterSignOutUrl }));
}
const urlsOf = (page: string) => JSON.parse(/<pre>(.*)<\/pre>/.exec(page)![1]!.replace(/&quot;/g, '"')) as Record<string, unknown>;

describe("Clerk's components and provider props (issue #23)", () => {
  test('before the session is known: ClerkLoading shows, ClerkLoaded, ClerkDegraded, ClerkFailed and UserAvatar do not', () => {
    const page = render([
      h(ClerkLoading, { key: 1 }, 'loading…'),
      h(ClerkLoaded, { key: 2 }, 'ready'),
      h(ClerkDegraded, { key: 3 }, 'degraded'),
      h(ClerkFailed, { key: 4 }, 'failed'),
      h(UserAvatar, { key: 5 }),
    ]);
    assert.match(page, /loading…/);
    assert.doesNotMatch(page, /ready|degraded|failed|gatehouse-user-avatar/);
  });

  test('SignInButton and SignUpButton: a default button, or the app’s own element kept as it is', () => {
    const page = render([
      h(SignInButton, { key: 1, mode: 'modal', forceRedirectUrl: '/dashboard' }),
      h(SignUpButton, { key: 2 }, h('a', { className: 'cta', href: '#' }, 'Join')),
      h(SignInButton, { key: 3 }, 'Log in'),
    ]);
    assert.match(page, /<button type="button">Sign in<\/button>/);
    assert.match(page, /<a class="cta" href="#">Join<\/a>/);
    assert.match(page, /<button type="button">Log in<\/button>/);
  });

  test('useClerk: not loaded yet, no user', () => {
    function Probe() {
      const clerk = useClerk();
      return h('i', null, `${clerk.loaded}:${clerk.user === null}:${typeof clerk.openSignIn}:${typeof clerk.setActive}`);
    }
    assert.match(render(h(Probe)), /<i>false:true:function:function<\/i>/);
  });

  test('navigation URLs: the hosted pages by default', () => {
    for (const name of ENV) delete process.env[name];
    assert.deepEqual(urlsOf(render(h(Urls))), {
      signInUrl: '/api/gatehouse/pages/sign-in',
      signUpUrl: '/api/gatehouse/pages/sign-up',
      signInFallbackRedirectUrl: '/',
      signUpFallbackRedirectUrl: '/',
      signInForceRedirectUrl: null,
      signUpForceRedirectUrl: null,
      afterSignOutUrl: '/',
    });
  });

  test("navigation URLs: Clerk's variables, Gatehouse's before them, the provider's props before both", () => {
    process.env.NEXT_PUBLIC_CLERK_SIGN_IN_URL = '/login';
    process.env.NEXT_PUBLIC_CLERK_SIGN_UP_URL = '/register';
    process.env.NEXT_PUBLIC_CLERK_SIGN_IN_FALLBACK_REDIRECT_URL = '/home';
    process.env.NEXT_PUBLIC_CLERK_SIGN_UP_FORCE_REDIRECT_URL = '/onboarding';
    process.env.NEXT_PUBLIC_CLERK_AFTER_SIGN_OUT_URL = '/bye';
    const fromClerk = urlsOf(render(h(Urls)));
    assert.equal(fromClerk.signInUrl, '/login');
    assert.equal(fromClerk.signUpUrl, '/register');
    assert.equal(fromClerk.signInFallbackRedirectUrl, '/home');
    assert.equal(fromClerk.signUpForceRedirectUrl, '/onboarding');
    assert.equal(fromClerk.afterSignOutUrl, '/bye');
    process.env.NEXT_PUBLIC_GATEHOUSE_SIGN_IN_URL = '/enter';
    assert.equal(urlsOf(render(h(Urls))).signInUrl, '/enter');
    const fromProps = urlsOf(
      render(h(Urls), { signInUrl: '/own', afterSignOutUrl: '/later', publishableKey: 'pk_test_ignored', dynamic: true }),
    );
    assert.equal(fromProps.signInUrl, '/own');
    assert.equal(fromProps.afterSignOutUrl, '/later');
  });
});
