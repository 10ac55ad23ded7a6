'use client';
// The steps the prebuilt forms add for accounts: the sign-up's "Verification code" step and the "Forgot password?" reset form.

import { useId, useState, type FormEvent, type ReactNode } from 'react';
import { useGatehouse } from './provider.js';
import { StyledRoot, useStyling, type Styling } from './appearance/appearance.js';
import { ErrorRegion, Field, MAILED_CODE_INPUT, StatusRegion } from './appearance/parts.js';
import type { Appearance } from './appearance/types.js';

interface ApiFailure {
  error?: { code?: string; message?: string; field?: string };
}

async function postJson(url: string, body: unknown): Promise<{ ok: boolean; payload: (ApiFailure & Record<string, unknown>) | null }> {
  try {
    const res = await fetch(url, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { ok: res.ok, payload: (await res.json().catch(() => null)) as (ApiFailure & Record<string, unknown>) | null };
  } catch {
    return { ok: false, payload: { error: { code: 'network' } } };
  }
}

/** Why a step failed, for the person: the server's reason, a known code in the language in effect, or "try again". */
function reasonOf(styling: Styling, payload: ApiFailure | null): string {
  const code = payload?.error?.code;
  if (code === 'network' || code === 'rate_limited') return styling.errorText(code);
  return payload?.error?.message ?? styling.errorText('form_retry');
}

/** The card every step renders in: the scoped styles, a title, a line of explanation. */
function StepCard({
  styling,
  appearance,
  title,
  intro,
  onSubmit,
  children,
}: {
  styling: Styling;
  appearance: Appearance | undefined;
  title: string;
  intro: string;
  onSubmit: (event: FormEvent<HTMLFormElement>) => void;
  children: ReactNode;
}) {
  const { el } = styling;
  return (
    <StyledRoot appearance={appearance} className="gh-box">
      <form {...el('card', 'gh-card gatehouse-form')} onSubmit={onSubmit} aria-label={title} noValidate>
        <div {...el('header', 'gh-header')}>
          <h1 {...el('headerTitle', 'gh-title')}>{title}</h1>
          <p {...el('headerSubtitle', 'gh-subtitle')}>{intro}</p>
        </div>
        {children}
      </form>
    </StyledRoot>
  );
}

/** A secondary action under a form ("Send a new code", "Back to sign in"). */
function LinkButton({ styling, onClick, children }: { styling: Styling; onClick: () => void; children: ReactNode }) {
  return (
    <p {...styling.el('footerAction', 'gh-footer')}>
      <button type="button" {...styling.el('footerActionLink', 'gh-link gatehouse-link')} onClick={onClick}>
        {children}
      </button>
    </p>
  );
}

/**
 * After sign-up: the code mailed to the address. A right code completes the sign-up (the answer
 * carries the session cookies) and `onComplete` navigates on.
 */
export function VerifyEmailStep({
  signUpId,
  emailAddress,
  onComplete,
  appearance,
}: {
  signUpId: string;
  emailAddress: string | null;
  onComplete: () => void;
  appearance?: Appearance;
}) {
  const { apiBasePath } = useGatehouse();
  const styling = useStyling(appearance);
  const errorId = useId();
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [pending, setPending] = useState(false);
  const base = `${apiBasePath}/sign-ups/${encodeURIComponent(signUpId)}`;
  const texts = styling.t.signUp.emailCode;

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setError(null);
    setPending(true);
    const code = String(new FormData(event.currentTarget).get('code') ?? '');
    const { ok, payload } = await postJson(`${base}/attempt_verification`, { strategy: 'email_code', code });
    if (ok) {
      onComplete();
      return;
    }
    setError(reasonOf(styling, payload));
    setPending(false);
  }

  async function resend() {
    setError(null);
    const { ok, payload } = await postJson(`${base}/prepare_verification`, { strategy: 'email_code' });
    if (ok) setNotice(texts.resent);
    else setError(reasonOf(styling, payload));
  }

  const { el, t, format } = styling;
  return (
    <StepCard
      styling={styling}
      appearance={appearance}
      title={texts.title}
      intro={emailAddress ? format(texts.subtitle, { identifier: emailAddress }) : texts.subtitle__noAddress}
      onSubmit={onSubmit}
    >
      <div {...el('main', 'gh-stack')}>
        <Field
          styling={styling}
          label={t.formFieldLabel__verificationCode}
          {...MAILED_CODE_INPUT}
          pattern="[0-9]*"
          errorId={error ? errorId : null}
        />
      </div>
      <ErrorRegion styling={styling} message={error} id={errorId} />
      <StatusRegion styling={styling} message={notice} />
      <button {...el('formButtonPrimary', 'gh-btn gh-btn-primary gh-btn-block')} type="submit" disabled={pending} aria-busy={pending}>
        {t.formButtonPrimary__verify}
      </button>
      <LinkButton styling={styling} onClick={() => void resend()}>
        {texts.resendButton}
      </LinkButton>
    </StepCard>
  );
}

/**
 * "Forgot password?": the address, then the code from the mail and a new password. Unknown
 * addresses get the same answer (no account is revealed). `onComplete` runs once this browser is
 * signed in with the new password; `onCancel` goes back to the sign-in form.
 */
export function ResetPasswordForm({
  onComplete,
  onCancel,
  appearance,
}: {
  onComplete: () => void;
  onCancel: () => void;
  appearance?: Appearance;
}) {
  const { apiBasePath } = useGatehouse();
  const styling = useStyling(appearance);
  const { el, t, format } = styling;
  const texts = t.signIn;
  const errorId = useId();
  const [attempt, setAttempt] = useState<{ id: string; identifier: string } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [pending, setPending] = useState(false);

  async function requestCode(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setError(null);
    setPending(true);
    const identifier = String(new FormData(event.currentTarget).get('email') ?? '');
    const { ok, payload } = await postJson(`${apiBasePath}/sign-ins`, { strategy: 'reset_password_email_code', identifier });
    setPending(false);
    const signIn = payload?.signIn as { id?: string } | undefined;
    if (ok && signIn?.id) setAttempt({ id: signIn.id, identifier });
    else setError(reasonOf(styling, payload));
  }

  async function reset(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!attempt) return;
    setError(null);
    setPending(true);
    const data = new FormData(event.currentTarget);
    const base = `${apiBasePath}/sign-ins/${encodeURIComponent(attempt.id)}`;
    // The code may already be verified (a first try whose new password was refused): then go straight to the password.
    const verified = await postJson(`${base}/attempt_first_factor`, {
      strategy: 'reset_password_email_code',
      code: String(data.get('code') ?? ''),
    });
    if (!verified.ok && verified.payload?.error?.message !== 'The code was already verified.') {
      setError(reasonOf(styling, verified.payload));
      setPending(false);
      return;
    }
    const done = await postJson(`${base}/reset_password`, { password: String(data.get('password') ?? '') });
    if (done.ok) {
      const status = (done.payload?.signIn as { status?: string } | undefined)?.status;
      if (status === 'complete') {
        onComplete();
        return;
      }
      setNotice(texts.resetPassword.successMessage);
      setPending(false);
      return;
    }
    setError(reasonOf(styling, done.payload));
    setPending(false);
  }

  const invalid = error ? errorId : null;
  const submit = (label: string) => (
    <>
      <ErrorRegion styling={styling} message={error} id={errorId} />
      <StatusRegion styling={styling} message={notice} />
      <button {...el('formButtonPrimary', 'gh-btn gh-btn-primary gh-btn-block')} type="submit" disabled={pending} aria-busy={pending}>
        {label}
      </button>
      <LinkButton styling={styling} onClick={onCancel}>
        {texts.forgotPassword.backLink}
      </LinkButton>
    </>
  );
  if (!attempt)
    return (
      <StepCard
        styling={styling}
        appearance={appearance}
        title={texts.forgotPassword.title}
        intro={texts.forgotPassword.subtitle}
        onSubmit={requestCode}
      >
        <div {...el('main', 'gh-stack')}>
          <Field
            styling={styling}
            label={t.formFieldLabel__emailAddress}
            name="email"
            type="email"
            autoComplete="email"
            required
            errorId={invalid}
          />
        </div>
        {submit(texts.forgotPassword.formButtonPrimary)}
      </StepCard>
    );
  return (
    <StepCard
      styling={styling}
      appearance={appearance}
      title={texts.resetPassword.title}
      intro={format(texts.resetPassword.subtitle, { identifier: attempt.identifier })}
      onSubmit={reset}
    >
      <div {...el('main', 'gh-stack')}>
        <Field styling={styling} label={t.formFieldLabel__code} {...MAILED_CODE_INPUT} errorId={invalid} />
        <Field
          styling={styling}
          label={t.formFieldLabel__newPassword}
          name="password"
          type="password"
          autoComplete="new-password"
          required
          errorId={invalid}
        />
      </div>
      {submit(texts.resetPassword.formButtonPrimary)}
    </StepCard>
  );
}
