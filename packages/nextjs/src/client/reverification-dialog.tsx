'use client';
// The verification dialog of useReverification(): the session proves a factor again (password, authenticator code, backup code or passkey).

import { useEffect, useId, useState, type FormEvent } from 'react';
import { checkAuthorization, type ReverificationRequirement } from '@gatehouse/core';
import { callApi, type FetchLike } from './gatehouse-fetch.js';
import { getPasskey, isPasskeyCancel } from './webauthn.js';
import { Modal } from './modal.js';
import { CodeKindSwitch } from './second-factor-form.js';
import { useStyling } from './appearance/appearance.js';
import { ErrorRegion, Field } from './appearance/parts.js';

/** The user's factors as GET {api}/me/factors answers. */
export interface FactorList {
  totpEnabled: boolean;
  backupCodeEnabled: boolean;
  backupCodesRemaining: number;
  twoFactorEnabled: boolean;
  passkeys: { id: string; name: string; createdAt: number; lastUsedAt: number | null; backedUp: boolean; deviceType: string | null }[];
}

type Mode = 'password' | 'totp' | 'backup_code';

const PRESET_LEVEL: Record<string, string> = {
  strict_mfa: 'multi_factor',
  strict: 'second_factor',
  moderate: 'second_factor',
  lax: 'second_factor',
};

function levelOf(requirement: ReverificationRequirement): string {
  return typeof requirement === 'string' ? (PRESET_LEVEL[requirement] ?? 'second_factor') : requirement.level;
}

/** The `fva` claim of a session token (the browser never verifies it; the server does on every request). */
function fvaOf(jwt: string): [number, number] | null {
  try {
    const payload = jwt.split('.')[1] ?? '';
    const claims = JSON.parse(atob(payload.replace(/-/g, '+').replace(/_/g, '/'))) as { fva?: [number, number] };
    return Array.isArray(claims.fva) ? claims.fva : null;
  } catch {
    return null;
  }
}

/**
 * A modal that asks for the factor `requirement` needs (Clerk's presets or `{ level, afterMinutes }`),
 * then for the other one when both are needed. `onVerified` runs once the new session token satisfies it.
 */
export function ReverificationDialog({
  apiBasePath,
  fetcher,
  requirement,
  onVerified,
  onCancel,
}: {
  apiBasePath: string;
  fetcher: FetchLike;
  requirement: ReverificationRequirement;
  onVerified: () => void;
  onCancel: () => void;
}) {
  const styling = useStyling();
  const { el, t } = styling;
  const texts = t.reverification;
  const errorId = useId();
  const [factors, setFactors] = useState<FactorList | null>(null);
  const [mode, setMode] = useState<Mode>('password');
  const [done, setDone] = useState<Set<'first' | 'second'>>(new Set());
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);
  const level = levelOf(requirement);

  useEffect(() => {
    callApi<FactorList>(fetcher, `${apiBasePath}/me/factors`).then(
      (list) => {
        setFactors(list);
        if (level !== 'first_factor' && list.totpEnabled) setMode('totp');
      },
      (e: unknown) => setError(styling.failure(e)),
    );
  }, [apiBasePath, fetcher, level, styling]);

  async function verify(body: () => Promise<Record<string, unknown>>, proves: ('first' | 'second')[], rename: Record<string, string>) {
    setError(null);
    setPending(true);
    try {
      const { jwt } = await callApi<{ jwt: string }>(fetcher, `${apiBasePath}/reverify`, { method: 'POST', body: await body() });
      const fva = fvaOf(jwt);
      if (fva && checkAuthorization({ userId: 'self', factorVerificationAge: fva }, { reverification: requirement })) return onVerified();
      // Both factors are needed: ask for the one not proved yet.
      const now = new Set([...done, ...proves]);
      setDone(now);
      setMode(now.has('first') ? (factors?.totpEnabled ? 'totp' : 'backup_code') : 'password');
    } catch (e) {
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
    const value = String(new FormData(event.currentTarget).get('secret') ?? '');
    if (!value.trim()) return setError(styling.errorText(mode === 'password' ? 'password_required' : 'code_required'));
    const body = mode === 'password' ? { strategy: 'password', password: value } : { strategy: mode, code: value.trim() };
    void verify(async () => body, mode === 'password' ? ['first'] : ['second'], { invalid_credentials: 'password_incorrect' });
  }

  const usePasskey = () =>
    verify(
      async () => {
        const started = await callApi<{ options: Record<string, unknown>; challengeId: string }>(
          fetcher,
          `${apiBasePath}/reverify/passkey-options`,
          { method: 'POST' },
        );
        return { strategy: 'passkey', challengeId: started.challengeId, response: await getPasskey(started.options) };
      },
      ['first', 'second'],
      { code_invalid: 'passkey_failed' },
    );

  const codeFactor = factors?.totpEnabled === true;
  const label =
    mode === 'password' ? t.formFieldLabel__password : mode === 'totp' ? t.formFieldLabel__totpCode : t.formFieldLabel__backupCode;
  const asks = factors !== null && (mode === 'password' ? !(level === 'second_factor' && factors.twoFactorEnabled) : codeFactor);
  return (
    <Modal label={texts.title} onClose={onCancel}>
      <form {...el('card', 'gh-card gh-card-dialog gatehouse-form')} onSubmit={onSubmit} aria-label={texts.title} noValidate>
        <div {...el('header', 'gh-header')}>
          <h2 {...el('headerTitle', 'gh-title')}>{texts.title}</h2>
          <p {...el('headerSubtitle', 'gh-subtitle')}>{done.size > 0 ? texts.subtitle__secondStep : texts.subtitle}</p>
        </div>
        {factors === null && error === null ? (
          <p className="gh-muted" role="status">
            {t.loading}
          </p>
        ) : null}
        {asks ? (
          <div {...el('main', 'gh-stack')}>
            <Field
              key={mode}
              styling={styling}
              label={label}
              name="secret"
              type={mode === 'password' ? 'password' : 'text'}
              autoComplete={mode === 'password' ? 'current-password' : 'one-time-code'}
              autoFocus
              maxLength={mode === 'password' ? 1024 : 64}
              errorId={error ? errorId : null}
            />
            {mode !== 'password' && codeFactor && factors?.backupCodeEnabled ? (
              <CodeKindSwitch styling={styling} mode={mode} onSwitch={switchKind} />
            ) : null}
          </div>
        ) : null}
        <ErrorRegion styling={styling} message={error} id={errorId} />
        {asks ? (
          <button {...el('formButtonPrimary', 'gh-btn gh-btn-primary gh-btn-block')} type="submit" disabled={pending} aria-busy={pending}>
            {mode === 'password' ? texts.formButtonPrimary__password : t.formButtonPrimary__verify}
          </button>
        ) : null}
        {factors && factors.passkeys.length > 0 ? (
          <button
            {...el('alternativeMethodsBlockButton__passkey', `gh-btn gh-btn-block${asks ? '' : ' gh-btn-primary'}`)}
            type="button"
            disabled={pending}
            onClick={() => void usePasskey()}
          >
            {t.signIn.secondFactor.action__passkey}
          </button>
        ) : null}
        <button {...el('formButtonReset', 'gh-btn gh-btn-block')} type="button" onClick={onCancel}>
          {t.formButtonReset}
        </button>
      </form>
    </Modal>
  );
}
