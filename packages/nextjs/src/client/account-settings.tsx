'use client';
// The account part of <UserProfile/>: change the password, manage email addresses (add, verify, make primary, remove), delete the account.

import { useState, type FormEvent } from 'react';
import { useGatehouse } from './provider.js';
import { useUser } from './use-auth.js';
import { isReverificationCancelledError, useReverification } from './use-reverification.js';
import { useStyling, type Styling } from './appearance/appearance.js';
import { ErrorRegion, Field, MAILED_CODE_INPUT, StatusRegion } from './appearance/parts.js';

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
  const { errorText } = useStyling();
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
      const code = result.error?.code === 'rate_limited' ? 'rate_limited' : undefined;
      return { ok: result.ok, message: result.ok ? null : errorText(code, result.error?.message), body: result.body };
    } catch (error) {
      if (isReverificationCancelledError(error)) return { ok: false, message: null, body: null };
      const code = (error as { code?: unknown } | null)?.code === 'reverification_required' ? 'reverification_required' : 'network';
      return { ok: false, message: errorText(code), body: null };
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
  const { el, t } = styling;
  const texts = t.userProfile.start.passwordSection;
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
    setState({ error: result.message, notice: result.ok ? texts.successMessage : null });
  }
  return (
    <form
      {...el('profileSection__password', 'gh-section gh-form gatehouse-form')}
      onSubmit={onSubmit}
      aria-label={texts.formLabel}
      noValidate
    >
      <h3 {...el('profileSectionTitle', 'gh-section-title')}>{texts.title}</h3>
      <Field
        styling={styling}
        label={t.formFieldLabel__currentPassword}
        name="currentPassword"
        type="password"
        autoComplete="current-password"
      />
      <Field
        styling={styling}
        label={t.formFieldLabel__newPassword}
        name="newPassword"
        type="password"
        autoComplete="new-password"
        required
      />
      <label className="gh-check">
        <input name="signOutOfOtherSessions" type="checkbox" defaultChecked /> {t.formFieldLabel__signOutOfOtherSessions}
      </label>
      <Status styling={styling} {...state} />
      <div className="gh-row">
        <button {...el('profileSectionPrimaryButton__password', 'gh-btn gh-btn-sm gh-btn-primary')} type="submit">
          {texts.primaryButton}
        </button>
      </div>
    </form>
  );
}

function EmailAddresses() {
  const { user } = useUser();
  const call = useAccountApi();
  const styling = useStyling();
  const { el, t, format } = styling;
  const texts = t.userProfile.start.emailAddressesSection;
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
    report(result, format(texts.codeSent, { identifier: emailAddress }));
  }

  async function verify(event: FormEvent<HTMLFormElement>, id: string) {
    event.preventDefault();
    const code = String(new FormData(event.currentTarget).get('code') ?? '');
    const result = await call(`/me/email-addresses/${encodeURIComponent(id)}/attempt_verification`, 'POST', { code });
    if (result.ok) setVerifying(null);
    report(result, texts.verified);
  }

  return (
    <section {...el('profileSection__emailAddresses', 'gh-section')} aria-labelledby="gatehouse-email-addresses">
      <h3 {...el('profileSectionTitle', 'gh-section-title')} id="gatehouse-email-addresses">
        {texts.title}
      </h3>
      <ul {...el('profileSectionItemList', 'gh-list')} aria-label={texts.title}>
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
                    <span className="gh-sr-only"> (</span>
                    {t.badge__primary}
                    <span className="gh-sr-only">)</span>
                  </span>
                ) : null}{' '}
                <span className="gh-muted">{verified ? t.badge__verified : t.badge__unverified}</span>
              </span>{' '}
              {!verified ? (
                <button
                  {...el('profileSectionItemButton', 'gh-btn gh-btn-sm')}
                  type="button"
                  onClick={() => {
                    setVerifying(a.id);
                    void call(`${path}/prepare_verification`, 'POST').then((r) =>
                      report(r, format(texts.codeSent, { identifier: a.emailAddress })),
                    );
                  }}
                >
                  {format(texts.verifyAction, { identifier: a.emailAddress })}
                </button>
              ) : null}
              {verified && !primary ? (
                <button
                  {...el('profileSectionItemButton', 'gh-btn gh-btn-sm')}
                  type="button"
                  onClick={() => void call(`${path}/set_primary`, 'POST').then((r) => report(r, texts.primaryChanged))}
                >
                  {format(texts.makePrimaryAction, { identifier: a.emailAddress })}
                </button>
              ) : null}
              {!primary ? (
                <button
                  {...el('profileSectionItemButton', 'gh-btn gh-btn-sm gh-btn-danger')}
                  type="button"
                  onClick={() => void call(path, 'DELETE').then((r) => report(r, texts.removed))}
                >
                  {format(texts.removeAction, { identifier: a.emailAddress })}
                </button>
              ) : null}
              {verifying === a.id ? (
                <form
                  className="gh-row gh-form"
                  onSubmit={(e) => void verify(e, a.id)}
                  aria-label={format(texts.verifyAction, { identifier: a.emailAddress })}
                >
                  <Field styling={styling} label={t.formFieldLabel__verificationCode} {...MAILED_CODE_INPUT} />
                  <button {...el('formButtonPrimary', 'gh-btn gh-btn-sm gh-btn-primary')} type="submit">
                    {t.formButtonPrimary__verify}
                  </button>
                </form>
              ) : null}
            </li>
          );
        })}
      </ul>
      <form className="gh-form" onSubmit={(e) => void add(e)} aria-label={texts.formLabel} noValidate>
        <Field styling={styling} label={texts.newAddress} name="emailAddress" type="email" autoComplete="email" required />
        <div className="gh-row">
          <button {...el('profileSectionPrimaryButton__emailAddresses', 'gh-btn gh-btn-sm')} type="submit">
            {texts.primaryButton}
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
  const { el, t } = styling;
  const texts = t.userProfile.start.dangerSection;
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
        {texts.title}
      </h3>
      {confirming ? (
        <form className="gh-form" onSubmit={(e) => void onSubmit(e)} aria-label={texts.formLabel} noValidate>
          <p className="gh-muted">{texts.warning}</p>
          <Field styling={styling} label={t.formFieldLabel__password} name="password" type="password" autoComplete="current-password" />
          <Status styling={styling} error={error} notice={null} />
          <div className="gh-row">
            <button {...el('profileSectionPrimaryButton__deleteAccount', 'gh-btn gh-btn-sm gh-btn-danger')} type="submit">
              {texts.confirmButton}
            </button>
            <button {...el('profileSectionItemButton', 'gh-btn gh-btn-sm')} type="button" onClick={() => setConfirming(false)}>
              {t.formButtonReset}
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
            {texts.deleteButton}
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
