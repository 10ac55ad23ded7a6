'use client';
// The sign-in's second step: "Authentication code" and "Verify", "Use a backup code", or a passkey.

import { useId, useState, type FormEvent } from 'react';
import type { FetchLike } from './gatehouse-fetch.js';
import { attemptSecondFactor, type SignInAnswer } from './sign-in-factors.js';
import { isPasskeyCancel } from './webauthn.js';
import { StyledRoot, useStyling, type Styling } from './appearance/appearance.js';
import { ErrorRegion, Field } from './appearance/parts.js';
import type { Appearance } from './appearance/types.js';

type Strategy = NonNullable<SignInAnswer['supportedSecondFactors']>[number]['strategy'];
type CodeKind = 'totp' | 'backup_code';

/** "Use a backup code" / "Use your authenticator app": switches the code asked for (this step and the verification dialog). */
export function CodeKindSwitch({ styling, mode, onSwitch }: { styling: Styling; mode: CodeKind; onSwitch: (next: CodeKind) => void }) {
  const texts = styling.t.signIn.secondFactor;
  return (
    <p className="gh-row">
      <button
        {...styling.el('alternativeMethodsBlockButton', 'gh-link')}
        type="button"
        onClick={() => onSwitch(mode === 'totp' ? 'backup_code' : 'totp')}
      >
        {mode === 'totp' ? texts.action__backupCode : texts.action__totp}
      </button>
    </p>
  );
}

/**
 * Asks for the second factor of a sign-in whose password was right; `onComplete` runs once the
 * session exists. `onRestart` goes back to the password form (the attempt expired or was locked).
 */
export function SecondFactorForm({
  apiBasePath,
  fetcher,
  strategies,
  onComplete,
  onRestart,
  appearance,
}: {
  apiBasePath: string;
  fetcher: FetchLike;
  strategies: readonly Strategy[];
  onComplete: () => void;
  onRestart: (message: string) => void;
  appearance?: Appearance | undefined;
}) {
  const styling = useStyling(appearance);
  const { el, t } = styling;
  const texts = t.signIn.secondFactor;
  const hasCode = strategies.includes('totp');
  const [mode, setMode] = useState<CodeKind>(hasCode ? 'totp' : 'backup_code');
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);
  const errorId = useId();

  async function run(attempt: () => Promise<unknown>, rename: Record<string, string> = {}) {
    setError(null);
    setPending(true);
    try {
      await attempt();
      onComplete();
      return;
    } catch (e) {
      if ((e as { code?: string }).code === 'session_invalid') return onRestart(styling.failure(e));
      if (!isPasskeyCancel(e)) setError(styling.failure(e, rename));
    }
    setPending(false);
  }

  const switchKind = (next: 'totp' | 'backup_code') => {
    setError(null);
    setMode(next);
  };

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const code = String(new FormData(event.currentTarget).get('code') ?? '').trim();
    if (!code) return setError(styling.errorText('code_required'));
    void run(() => attemptSecondFactor(fetcher, apiBasePath, { strategy: mode, code }));
  }

  const codeForm = hasCode || strategies.includes('backup_code');
  const subtitle = !codeForm ? texts.subtitle__passkey : mode === 'totp' ? texts.subtitle__totp : texts.subtitle__backupCode;
  return (
    <StyledRoot appearance={appearance} className="gh-box">
      <form {...el('card', 'gh-card gatehouse-form')} onSubmit={onSubmit} aria-label={texts.title} noValidate>
        <div {...el('header', 'gh-header')}>
          <h1 {...el('headerTitle', 'gh-title')}>{texts.title}</h1>
          <p {...el('headerSubtitle', 'gh-subtitle')}>{subtitle}</p>
        </div>
        {codeForm ? (
          <div {...el('main', 'gh-stack')}>
            <Field
              key={mode}
              styling={styling}
              label={mode === 'totp' ? t.formFieldLabel__totpCode : t.formFieldLabel__backupCode}
              name="code"
              autoComplete="one-time-code"
              inputMode={mode === 'totp' ? 'numeric' : 'text'}
              autoFocus
              required
              maxLength={64}
              errorId={error ? errorId : null}
            />
            {hasCode && strategies.includes('backup_code') ? <CodeKindSwitch styling={styling} mode={mode} onSwitch={switchKind} /> : null}
          </div>
        ) : null}
        <ErrorRegion styling={styling} message={error} id={errorId} />
        {codeForm ? (
          <button {...el('formButtonPrimary', 'gh-btn gh-btn-primary gh-btn-block')} type="submit" disabled={pending} aria-busy={pending}>
            {t.formButtonPrimary__verify}
          </button>
        ) : null}
        {strategies.includes('passkey') ? (
          <>
            {codeForm ? (
              <p {...el('dividerRow', 'gh-divider')} aria-hidden="true">
                {t.dividerText}
              </p>
            ) : null}
            <button
              {...el('alternativeMethodsBlockButton__passkey', `gh-btn gh-btn-block${codeForm ? '' : ' gh-btn-primary'}`)}
              type="button"
              disabled={pending}
              onClick={() =>
                void run(() => attemptSecondFactor(fetcher, apiBasePath, { strategy: 'passkey' }), { code_invalid: 'passkey_failed' })
              }
            >
              {texts.action__passkey}
            </button>
          </>
        ) : null}
      </form>
    </StyledRoot>
  );
}
