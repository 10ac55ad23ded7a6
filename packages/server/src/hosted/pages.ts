// Hosted pages for apps without their own: sign-in, sign-up, user profile, organizations (served under `{basePath}/pages/`).

import { HOSTED_PAGES, isGatehouseError, safeRedirectUrl } from '@gatehouse/core';
import type { Gatehouse } from '../instance/instance.js';
import type { AnyMethods } from '../http/org-routes.js';
import { html, raw, renderFrame, type SafeHtml } from '../dashboard/html.js';
import { CLIENT_COOKIE_PRESENT, hostedScripts } from './scripts.js';

/** Messages for the error codes a form post sends back (`?error=`); other codes get a generic line, never the raw text. */
const MESSAGES: Record<string, string> = {
  invalid_credentials: 'That email and password do not match.',
  invalid_body: 'Check the fields and try again.',
  rate_limited: 'Too many attempts. Wait a little and try again.',
  identifier_exists: 'An account with this email already exists.',
  form_password_invalid: 'Choose a longer password.',
  csrf_rejected: 'This form was sent from another site.',
  form_code_incorrect: 'That code is not right. Check the mail and try again.',
  verification_expired: 'That code has expired. Sign up again to get a new one.',
  verification_failed: 'Too many wrong codes. Sign up again to get a new one.',
  code_invalid: 'That code is not right, or it has expired. Check the mail and try again.',
};

/** A sign-up attempt id as the API issues them (anything else never reaches a URL of the page). */
const SIGN_UP_ATTEMPT = /^sua_[A-Za-z0-9]{20,64}$/;
/** A password-reset (sign-in) attempt id, likewise. */
const RESET_ATTEMPT = /^sia_[A-Za-z0-9]{20,64}$/;

/** The mailed-code field of the sign-up verification and the password reset forms. */
const CODE_FIELD = html`<p>
  <label>Verification code <input name="code" inputmode="numeric" autocomplete="one-time-code" maxlength="6" required /></label>
</p>`;

/** The password reset's own wording where the sign-up's would mislead. */
const RESET_MESSAGES: Record<string, string> = {
  verification_expired: 'That code has expired. Start again to get a new one.',
  verification_failed: 'Too many wrong codes, or this reset is finished. Start again to get a new code.',
  not_found: 'This reset has expired. Start again to get a new code.',
  conflict: 'Your password is changed. Sign in with it to finish (your account asks for a second step).',
};

function errorText(code: string | null): string | null {
  if (!code) return null;
  return MESSAGES[code] ?? 'Something went wrong. Try again.';
}

function redirectResponse(location: string): Response {
  return new Response(null, { status: 303, headers: { location, 'cache-control': 'no-store' } });
}

/**
 * "Forgot password?": the email address, then the mailed code with a new password (plain HTML
 * form posts to the API's password reset; success signs this browser in and goes on).
 */
function forgotPasswordPage(base: string, frame: (title: string, body: SafeHtml, error?: string | null) => Response) {
  return async (request: Request): Promise<Response> => {
    const url = new URL(request.url);
    const next = safeRedirectUrl(url.searchParams.get('redirect_url'), url.origin, '/');
    const self = `${base}${HOSTED_PAGES.forgotPassword}`;
    const signInPage = `${base}${HOSTED_PAGES.signIn}?redirect_url=${encodeURIComponent(next)}`;
    const attempt = url.searchParams.get('reset_attempt');
    const code = url.searchParams.get('error');
    const error = code && RESET_MESSAGES[code] ? RESET_MESSAGES[code] : errorText(code);
    if (attempt && RESET_ATTEMPT.test(attempt)) {
      const body = html`<p>If an account uses that address, we sent it a 6-digit code. Enter it with your new password.</p>
        <form method="post" action="${base}/sign-ins/${attempt}/reset_password">
          <input type="hidden" name="redirect_url" value="${next}" />
          <input type="hidden" name="return_to" value="${self}?reset_attempt=${attempt}" />
          ${CODE_FIELD}
          <p>
            <label>New password <input name="password" type="password" autocomplete="new-password" required /></label>
          </p>
          <p><button type="submit">Reset password</button></p>
        </form>
        <p class="muted"><a href="${signInPage}">Back to sign in</a></p>`;
      return frame('Reset your password', body, error);
    }
    const body = html`<form method="post" action="${base}/sign-ins">
        <input type="hidden" name="redirect_url" value="${next}" />
        <input type="hidden" name="return_to" value="${self}" />
        <input type="hidden" name="strategy" value="reset_password_email_code" />
        <p>
          <label>Email <input name="identifier" type="email" autocomplete="username" required /></label>
        </p>
        <p><button type="submit">Send code</button></p>
      </form>
      <p class="muted"><a href="${signInPage}">Back to sign in</a></p>`;
    return frame('Forgot your password?', body, error);
  };
}

export function createHostedPages(gatehouse: Gatehouse, options: { basePath: string }) {
  const base = options.basePath;
  const frame = (title: string, body: SafeHtml, error: string | null = null, scripts: readonly string[] = []) =>
    renderFrame({ title, root: base, nav: [], current: '', body, error, scripts, site: 'Gatehouse' });

  /** The signed-in user's id, or a response: a refresh through the handshake (once), else null. */
  async function signedIn(request: Request, url: URL): Promise<string | Response | null> {
    const state = await gatehouse.authenticate(request);
    if (state.status === 'signed-in' && state.claims.sts !== 'pending') return state.claims.sub;
    // An expired session token with a live client: refresh through the handshake and come back (once).
    if (CLIENT_COOKIE_PRESENT.test(request.headers.get('cookie') ?? '') && !url.searchParams.has('refreshed')) {
      const back = new URL(url.href);
      back.searchParams.set('refreshed', '1');
      const target = new URL(`${base}/handshake`, url);
      target.searchParams.set('redirect_url', `${back.pathname}${back.search}`);
      return new Response(null, { status: 307, headers: { location: `${target.pathname}${target.search}`, 'cache-control': 'no-store' } });
    }
    return null;
  }

  function credentialsPage(kind: 'sign-in' | 'sign-up') {
    return async (request: Request): Promise<Response> => {
      const url = new URL(request.url);
      const next = safeRedirectUrl(url.searchParams.get('redirect_url'), url.origin, '/');
      const me = await signedIn(request, url);
      if (me instanceof Response) return me;
      // Already signed in: on to where the user was going, as Clerk's <SignIn/> does.
      if (me) return redirectResponse(next);
      const self = `${base}${kind === 'sign-in' ? HOSTED_PAGES.signIn : HOSTED_PAGES.signUp}`;
      // Sign-up with verification required comes back here with the attempt: ask for the mailed code.
      const attempt = kind === 'sign-up' ? url.searchParams.get('sign_up_attempt') : null;
      if (attempt && SIGN_UP_ATTEMPT.test(attempt)) {
        const code = html`<p>We sent a 6-digit code to your email address. It works once, for a few minutes.</p>
          <form method="post" action="${base}/sign-ups/${attempt}/attempt_verification">
            <input type="hidden" name="redirect_url" value="${next}" />
            <input type="hidden" name="return_to" value="${self}?sign_up_attempt=${attempt}" />
            ${CODE_FIELD}
            <p><button type="submit">Verify</button></p>
          </form>`;
        return frame('Verify your email address', code, errorText(url.searchParams.get('error')));
      }
      const other = `${base}${kind === 'sign-in' ? HOSTED_PAGES.signUp : HOSTED_PAGES.signIn}?redirect_url=${encodeURIComponent(next)}`;
      const forgot = `${base}${HOSTED_PAGES.forgotPassword}?redirect_url=${encodeURIComponent(next)}`;
      const names =
        kind === 'sign-up'
          ? html`<p>
                <label>First name <input name="firstName" autocomplete="given-name" /></label>
              </p>
              <p>
                <label>Last name <input name="lastName" autocomplete="family-name" /></label>
              </p>`
          : '';
      const body = html`<form method="post" action="${base}/${kind}">
          <input type="hidden" name="redirect_url" value="${next}" />
          <input type="hidden" name="return_to" value="${self}" />
          ${names}
          <p>
            <label>Email <input name="email" type="email" autocomplete="username" required /></label>
          </p>
          <p>
            <label
              >Password
              <input name="password" type="password" autocomplete="${kind === 'sign-in' ? 'current-password' : 'new-password'}" required
            /></label>
          </p>
          <p><button type="submit">${kind === 'sign-in' ? 'Sign in' : 'Sign up'}</button></p>
        </form>
        ${kind === 'sign-in' ? html`<p><a href="${forgot}">Forgot password?</a></p>` : ''}
        <p class="muted">
          ${kind === 'sign-in' ? 'No account yet? ' : 'Already have an account? '}<a href="${other}"
            >${kind === 'sign-in' ? 'Sign up' : 'Sign in'}</a
          >
        </p>`;
      return frame(kind === 'sign-in' ? 'Sign in' : 'Sign up', body, errorText(url.searchParams.get('error')));
    };
  }

  const forgotPassword = forgotPasswordPage(base, frame);

  /** A page for the signed-in only: others go to the sign-in page and come back. */
  function accountPage(render: (userId: string, url: URL) => Promise<Response>) {
    return async (request: Request): Promise<Response> => {
      const url = new URL(request.url);
      const me = await signedIn(request, url);
      if (me instanceof Response) return me;
      if (!me) return redirectResponse(`${base}${HOSTED_PAGES.signIn}?redirect_url=${encodeURIComponent(url.pathname)}`);
      return render(me, url);
    };
  }

  const signOutForm = (after: string) =>
    html`<form id="gatehouse-sign-out" data-api="${base}/sign-out" data-next="${after}">
      <button type="submit">Sign out</button>
    </form>`;

  const userProfile = accountPage(async (userId, url) => {
    const user = await gatehouse.getUser(userId);
    if (!user) return redirectResponse(`${base}${HOSTED_PAGES.signIn}`);
    const name = [user.firstName, user.lastName].filter(Boolean).join(' ');
    const after = safeRedirectUrl(url.searchParams.get('after_sign_out_url'), url.origin, '/');
    const body = html`<dl>
        <dt>Name</dt>
        <dd>${name || '—'}</dd>
        <dt>Email</dt>
        <dd>${user.email}${user.emailVerified ? ' (verified)' : ''}</dd>
        <dt>Member since</dt>
        <dd>${new Date(user.createdAt).toISOString().slice(0, 10)}</dd>
      </dl>
      <p><a href="${base}${HOSTED_PAGES.organization}">Organizations</a></p>
      ${signOutForm(after)}`;
    return frame('Your account', body, null, hostedScripts);
  });

  const organization = accountPage(async (userId) => {
    const memberships = await gatehouse.organizations.listUserMemberships(userId);
    const body = html`${
        memberships.length
          ? html`<table>
              <tr>
                <th>Organization</th>
                <th>Slug</th>
                <th>Role</th>
              </tr>
              ${memberships.map(
                (m) =>
                  html`<tr>
                    <td>${m.organization.name}</td>
                    <td>${m.organization.slug ?? ''}</td>
                    <td>${m.role}</td>
                  </tr>`,
              )}
            </table>`
          : html`<p>You do not belong to any organization yet.</p>`
      }
      <p><a href="${base}${HOSTED_PAGES.createOrganization}">Create an organization</a></p>`;
    return frame('Organizations', body);
  });

  const createOrganization = accountPage(async (_userId, url) => {
    const after = safeRedirectUrl(url.searchParams.get('redirect_url'), url.origin, `${base}${HOSTED_PAGES.organization}`);
    const body = html`<form
      id="gatehouse-create-organization"
      data-api="${base}/organizations"
      data-activate="${base}/sessions/active-organization"
      data-next="${after}"
    >
      <p>
        <label>Name <input name="name" required maxlength="256" /></label>
      </p>
      <p>
        <label>Slug <input name="slug" pattern="[a-z0-9-]+" maxlength="64" /></label>
      </p>
      <p><button type="submit">Create</button></p>
      <p id="gatehouse-form-error" class="error" role="alert" hidden></p>
    </form>`;
    return frame('Create an organization', body, null, hostedScripts);
  });

  const page = (get: (request: Request) => Promise<Response>): AnyMethods => ({
    GET: async (request) => {
      try {
        return await get(request);
      } catch (error) {
        if (isGatehouseError(error)) return frame('Something went wrong', raw(''), errorText(error.code), []);
        throw error;
      }
    },
  });
  const routes: Record<string, AnyMethods> = {
    [HOSTED_PAGES.signIn]: page(credentialsPage('sign-in')),
    [HOSTED_PAGES.signUp]: page(credentialsPage('sign-up')),
    [HOSTED_PAGES.forgotPassword]: page(forgotPassword),
    [HOSTED_PAGES.userProfile]: page(userProfile),
    [HOSTED_PAGES.organization]: page(organization),
    [HOSTED_PAGES.createOrganization]: page(createOrganization),
  };
  return routes;
}
