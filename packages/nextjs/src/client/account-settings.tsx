'use client';
// The account part of <UserProfile/>: change the password, manage email addresses (add, verify, make primary, remove), delete the account.

import { useState, type FormEvent } from 'react';
import { useGatehouse } from './provider.js';
import { useUser } from './use-auth.js';
import { isReverificationCancelledError, useReverification } from './use-reverification.js';
import { useStyling, type Styling } from './appearance/appearance.js';
import { ErrorRegion, Field, StatusRegion } from './appearance/parts.js';

interface Result {
  ok: boolean;
  message: string | null;
  body: Record<string, unknown> | null;
}

/**
 * The account API as these forms call it: a change the server wants freshly verified (a session that
 * signed in a while ago) opens the verification dialog and is sent once more; closing the dialog
 * leaves everything as it was, with no error shown.
 */
function useAccountApi() {
  const { apiBasePath, fetch, reload } = useGatehouse();
  const send = useReverification(async (path: string, method: 'POST' | 'DELETE', body?: unknown) => {
    const res = await fetch(`${apiBasePath}${path}`, {
      method,
      credentials: 'same-origin',
      ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
    });
    const payload = (await res.json().catch(() => null)) as
      (Record<string, unknown> & { error?: { code?: string; message?: string } }) | null;
    // `error` at the top: the hook reads a reverification request from it.
    return { ok: res.ok, error: payload?.error, body: payload };
  });
  return async function call(path: string, method: 'POST' | 'DELETE', body?: unknown): Promise<Result> {
    try {
      const result = await send(path, method, body);
      if (result.ok) await reload();
      return { ok: result.ok, message: result.ok ? null : (result.error?.message ?? 'Something went wrong.'), body: result.body };
    } catch (error) {
      if (isReverificationCancelledError(error)) return { ok: false, message: null, body: null };
      return { ok: false, message: 'The server could not be reached. Try again.', body: null };
    }
  };
}

function Status({ styling, error, notice }: { styling: Styling; error: string | null; notice: string | null }) {
  return (
    <>
      <ErrorRegion styling={styling} message={error} />
      <StatusRegion styling={styling} message={notice} />
    </>
  );
}

function ChangePassword() {
  const call = useAccountApi();
  const styling = useStyling();
  const { el } = styling;
  const [state, setState] = useState<{ error: string | null; notice: string | null }>({ error: null, notice: null });
  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const data = new FormData(form);
    const result = await call('/me/password', 'POST', {
      currentPassword: String(data.get('currentPassword') ?? ''),
      newPassword: String(data.get('newPassword') ?? ''),
      signOutOfOtherSessions: data.get('signOutOfOtherSessions') === 'on',
    });
    if (result.ok) form.reset();
    setState({ error: result.message, notice: result.ok ? 'Your password was changed.' : null });
  }
  return (
    <form
      {...el('profileSection__password', 'gh-section gh-form gatehouse-form')}
      onSubmit={onSubmit}
      aria-label="Change password"
      noValidate
    >
      <h3 {...el('profileSectionTitle', 'gh-section-title')}>Password</h3>
      <Field styling={styling} label="Current password" name="currentPassword" type="password" autoComplete="current-password" />
      <Field styling={styling} label="New password" name="newPassword" type="password" autoComplete="new-password" required />
      <label className="gh-check">
        <input name="signOutOfOtherSessions" type="checkbox" defaultChecked /> Sign out of other devices
      </label>
      <Status styling={styling} {...state} />
      <div className="gh-row">
        <button {...el('profileSectionPrimaryButton__password', 'gh-btn gh-btn-sm gh-btn-primary')} type="submit">
          Change password
        </button>
      </div>
    </form>
  );
}

function EmailAddresses() {
  const { user } = useUser();
  const call = useAccountApi();
  const styling = useStyling();
  const { el } = styling;
  const [verifying, setVerifying] = useState<string | null>(null);
  const [state, setState] = useState<{ error: string | null; notice: string | null }>({ error: null, notice: null });
  if (!user) return null;
  const report = (result: Result, notice: string) => setState({ error: result.message, notice: result.ok ? notice : null });

  async function add(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const emailAddress = String(new FormData(form).get('emailAddress') ?? '');
    const result = await call('/me/email-addresses', 'POST', { emailAddress });
    if (result.ok) {
      form.reset();
      setVerifying((result.body?.emailAddress as { id?: string } | undefined)?.id ?? null);
    }
    report(result, `We sent a code to ${emailAddress}.`);
  }

  async function verify(event: FormEvent<HTMLFormElement>, id: string) {
    event.preventDefault();
    const code = String(new FormData(event.currentTarget).get('code') ?? '');
    const result = await call(`/me/email-addresses/${encodeURIComponent(id)}/attempt_verification`, 'POST', { code });
    if (result.ok) setVerifying(null);
    report(result, 'The address is verified.');
  }

  return (
    <section {...el('profileSection__emailAddresses', 'gh-section')} aria-labelledby="gatehouse-email-addresses">
      <h3 {...el('profileSectionTitle', 'gh-section-title')} id="gatehouse-email-addresses">
        Email addresses
      </h3>
      <ul {...el('profileSectionItemList', 'gh-list')} aria-label="Email addresses">
        {user.emailAddresses.map((a) => {
          const primary = a.emailAddress === user.email;
          const verified = a.verification.status === 'verified';
          const path = `/me/email-addresses/${encodeURIComponent(a.id)}`;
          return (
            <li key={a.id} {...el('profileSectionItem', 'gh-list-item')}>
              <span className="gh-list-main">
                <span>{a.emailAddress}</span>{' '}
                {primary ? (
                  <span {...el('badge', 'gh-badge')}>
                    <span className="gh-sr-only"> (</span>Primary<span className="gh-sr-only">)</span>
                  </span>
                ) : null}{' '}
                <span className="gh-muted">{verified ? 'Verified' : 'Unverified'}</span>
              </span>{' '}
              {!verified ? (
                <button
                  {...el('profileSectionItemButton', 'gh-btn gh-btn-sm')}
                  type="button"
                  onClick={() => {
                    setVerifying(a.id);
                    void call(`${path}/prepare_verification`, 'POST').then((r) => report(r, `We sent a code to ${a.emailAddress}.`));
                  }}
                >
                  Verify {a.emailAddress}
                </button>
              ) : null}
              {verified && !primary ? (
                <button
                  {...el('profileSectionItemButton', 'gh-btn gh-btn-sm')}
                  type="button"
                  onClick={() => void call(`${path}/set_primary`, 'POST').then((r) => report(r, 'Primary address changed.'))}
                >
                  Make {a.emailAddress} primary
                </button>
              ) : null}
              {!primary ? (
                <button
                  {...el('profileSectionItemButton', 'gh-btn gh-btn-sm gh-btn-danger')}
                  type="button"
                  onClick={() => void call(path, 'DELETE').then((r) => report(r, 'Address removed.'))}
                >
                  Remove {a.emailAddress}
                </button>
              ) : null}
              {verifying === a.id ? (
                <form className="gh-row gh-form" onSubmit={(e) => void verify(e, a.id)} aria-label={`Verify ${a.emailAddress}`}>
                  <Field
                    styling={styling}
                    label="Verification code"
                    name="code"
                    inputMode="numeric"
                    autoComplete="one-time-code"
                    maxLength={6}
                    required
                  />
                  <button {...el('formButtonPrimary', 'gh-btn gh-btn-sm gh-btn-primary')} type="submit">
                    Verify
                  </button>
                </form>
              ) : null}
            </li>
          );
        })}
      </ul>
      <form className="gh-form" onSubmit={(e) => void add(e)} aria-label="Add an email address" noValidate>
        <Field styling={styling} label="New email address" name="emailAddress" type="email" autoComplete="email" required />
        <div className="gh-row">
          <button {...el('profileSectionPrimaryButton__emailAddresses', 'gh-btn gh-btn-sm')} type="submit">
            Add email address
          </button>
        </div>
      </form>
      <Status styling={styling} {...state} />
    </section>
  );
}

function DeleteAccount() {
  const call = useAccountApi();
  const styling = useStyling();
  const { el } = styling;
  const [confirming, setConfirming] = useState(false);
  const [error, setError] = useState<string | null>(null);
  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const password = String(new FormData(event.currentTarget).get('password') ?? '');
    const result = await call('/me/delete', 'POST', password ? { password } : {});
    // The answer cleared the cookies: leave for the home page, signed out.
    if (result.ok) window.location.assign('/');
    else setError(result.message);
  }
  return (
    <section {...el('profileSection__danger', 'gh-section')} aria-labelledby="gatehouse-delete-account">
      <h3 {...el('profileSectionTitle', 'gh-section-title')} id="gatehouse-delete-account">
        Delete account
      </h3>
      {confirming ? (
        <form className="gh-form" onSubmit={(e) => void onSubmit(e)} aria-label="Confirm account deletion" noValidate>
          <p className="gh-muted">This ends every session and every organization membership, and cannot be undone.</p>
          <Field styling={styling} label="Password" name="password" type="password" autoComplete="current-password" />
          <Status styling={styling} error={error} notice={null} />
          <div className="gh-row">
            <button {...el('profileSectionPrimaryButton__deleteAccount', 'gh-btn gh-btn-sm gh-btn-danger')} type="submit">
              Delete my account
            </button>
            <button {...el('profileSectionItemButton', 'gh-btn gh-btn-sm')} type="button" onClick={() => setConfirming(false)}>
              Cancel
            </button>
          </div>
        </form>
      ) : (
        <div className="gh-row">
          <button
            {...el('profileSectionPrimaryButton__deleteAccount', 'gh-btn gh-btn-sm gh-btn-danger')}
            type="button"
            onClick={() => setConfirming(true)}
          >
            Delete account
          </button>
        </div>
      )}
    </section>
  );
}

/** Password, email addresses and account deletion for the signed-in user (inside `<UserProfile/>`). */
export function AccountSettings() {
  return (
    <>
      <ChangePassword />
      <EmailAddresses />
      <DeleteAccount />
    </>
  );
}
