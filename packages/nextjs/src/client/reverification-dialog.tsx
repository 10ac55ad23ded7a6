'use client';
// The verification dialog of useReverification(): the session proves a factor again (password, authenticator code, backup code or passkey).

import { useEffect, useState, type FormEvent } from 'react';
import { checkAuthorization, type ReverificationRequirement } from '@gatehouse/core';
import { callApi, type FetchLike } from './gatehouse-fetch.js';
import { getPasskey, isPasskeyCancel } from './webauthn.js';

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

const messageOf = (e: unknown) => (e instanceof Error ? e.message : 'Something went wrong. Try again.');

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
      (e: unknown) => setError(messageOf(e)),
    );
  }, [apiBasePath, fetcher, level]);

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => event.key === 'Escape' && onCancel();
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onCancel]);

  async function verify(body: () => Promise<Record<string, unknown>>, proves: ('first' | 'second')[]) {
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
      if (!isPasskeyCancel(e)) setError(messageOf(e));
    }
    setPending(false);
  }

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const value = String(new FormData(event.currentTarget).get('secret') ?? '');
    if (!value.trim()) return setError(mode === 'password' ? 'Enter your password.' : 'Enter the code.');
    const body = mode === 'password' ? { strategy: 'password', password: value } : { strategy: mode, code: value.trim() };
    void verify(async () => body, mode === 'password' ? ['first'] : ['second']);
  }

  const usePasskey = () =>
    verify(async () => {
      const started = await callApi<{ options: Record<string, unknown>; challengeId: string }>(
        fetcher,
        `${apiBasePath}/reverify/passkey-options`,
        { method: 'POST' },
      );
      return { strategy: 'passkey', challengeId: started.challengeId, response: await getPasskey(started.options) };
    }, ['first', 'second']);

  const codeFactor = factors?.totpEnabled === true;
  const label = mode === 'password' ? 'Password' : mode === 'totp' ? 'Authentication code' : 'Backup code';
  return (
    <div className="gatehouse-dialog-backdrop" style={{ position: 'fixed', inset: 0, background: 'rgba(0,0,0,0.4)', zIndex: 1000 }}>
      <div
        role="dialog"
        aria-modal="true"
        aria-labelledby="gatehouse-reverify-title"
        className="gatehouse-dialog"
        style={{ background: 'white', color: 'black', maxWidth: 420, margin: '15vh auto', padding: 24, borderRadius: 8 }}
      >
        <form className="gatehouse-form" onSubmit={onSubmit} aria-label="Verification required" noValidate>
          <h2 id="gatehouse-reverify-title">Verification required</h2>
          <p>{done.size > 0 ? 'One more step: verify your other factor.' : 'Verify it is you to continue.'}</p>
          {factors === null && error === null ? <p role="status">Loading…</p> : null}
          {factors !== null && (mode === 'password' ? !(level === 'second_factor' && factors.twoFactorEnabled) : codeFactor) ? (
            <>
              <label>
                {label}
                <input
                  key={mode}
                  name="secret"
                  type={mode === 'password' ? 'password' : 'text'}
                  autoComplete={mode === 'password' ? 'current-password' : 'one-time-code'}
                  autoFocus
                  maxLength={mode === 'password' ? 1024 : 64}
                />
              </label>
              <button type="submit" disabled={pending}>
                {mode === 'password' ? 'Continue' : 'Verify'}
              </button>
            </>
          ) : null}
          {mode !== 'password' && codeFactor && factors?.backupCodeEnabled ? (
            <p>
              <a
                href="#"
                onClick={(event) => {
                  event.preventDefault();
                  setMode(mode === 'totp' ? 'backup_code' : 'totp');
                }}
              >
                {mode === 'totp' ? 'Use a backup code' : 'Use your authenticator app'}
              </a>
            </p>
          ) : null}
          {factors && factors.passkeys.length > 0 ? (
            <button type="button" disabled={pending} onClick={() => void usePasskey()}>
              Use a passkey
            </button>
          ) : null}
          {error ? (
            <p role="alert" className="gatehouse-error">
              {error}
            </p>
          ) : null}
          <button type="button" onClick={onCancel}>
            Cancel
          </button>
        </form>
      </div>
    </div>
  );
}
