'use client';
// The sign-in's second step: "Authentication code" and "Verify", "Use a backup code", or a passkey.

import { useState, type FormEvent } from 'react';
import type { FetchLike } from './gatehouse-fetch.js';
import { attemptSecondFactor, type SignInAnswer } from './sign-in-factors.js';
import { isPasskeyCancel } from './webauthn.js';

type Strategy = NonNullable<SignInAnswer['supportedSecondFactors']>[number]['strategy'];

const messageOf = (e: unknown) => (e instanceof Error ? e.message : 'Something went wrong. Try again.');

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
}: {
  apiBasePath: string;
  fetcher: FetchLike;
  strategies: readonly Strategy[];
  onComplete: () => void;
  onRestart: (message: string) => void;
}) {
  const hasCode = strategies.includes('totp');
  const [mode, setMode] = useState<'totp' | 'backup_code'>(hasCode ? 'totp' : 'backup_code');
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);

  async function run(attempt: () => Promise<unknown>) {
    setError(null);
    setPending(true);
    try {
      await attempt();
      onComplete();
      return;
    } catch (e) {
      if ((e as { code?: string }).code === 'session_invalid') return onRestart(messageOf(e));
      if (!isPasskeyCancel(e)) setError(messageOf(e));
    }
    setPending(false);
  }

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const code = String(new FormData(event.currentTarget).get('code') ?? '').trim();
    if (!code) return setError('Enter the code.');
    void run(() => attemptSecondFactor(fetcher, apiBasePath, { strategy: mode, code }));
  }

  const codeForm = hasCode || strategies.includes('backup_code');
  return (
    <form className="gatehouse-form" onSubmit={onSubmit} aria-label="Two-step verification" noValidate>
      <h1>Two-step verification</h1>
      {codeForm ? (
        <>
          <p>
            {mode === 'totp'
              ? 'Enter the 6-digit code from your authenticator app.'
              : 'Enter one of the backup codes you saved when you set up two-step verification.'}
          </p>
          <label>
            {mode === 'totp' ? 'Authentication code' : 'Backup code'}
            <input
              key={mode}
              name="code"
              autoComplete="one-time-code"
              inputMode={mode === 'totp' ? 'numeric' : 'text'}
              autoFocus
              required
              maxLength={64}
            />
          </label>
          <button type="submit" disabled={pending}>
            Verify
          </button>
        </>
      ) : null}
      {error ? (
        <p role="alert" className="gatehouse-error">
          {error}
        </p>
      ) : null}
      {strategies.includes('passkey') ? (
        <button
          type="button"
          disabled={pending}
          onClick={() => void run(() => attemptSecondFactor(fetcher, apiBasePath, { strategy: 'passkey' }))}
        >
          Use a passkey
        </button>
      ) : null}
      {hasCode && strategies.includes('backup_code') ? (
        <p>
          <a
            href="#"
            onClick={(event) => {
              event.preventDefault();
              setError(null);
              setMode(mode === 'totp' ? 'backup_code' : 'totp');
            }}
          >
            {mode === 'totp' ? 'Use a backup code' : 'Use your authenticator app'}
          </a>
        </p>
      ) : null}
    </form>
  );
}
