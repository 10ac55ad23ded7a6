'use client';
// Adding an authenticator app: the QR code and secret, confirmed by a code; then the backup codes, shown once.

import { useState, type FormEvent } from 'react';
import { callApi, type FetchLike } from './gatehouse-fetch.js';

/** POST {api}/me/factors/totp's answer. */
export interface TotpEnrolmentStart {
  secret: string;
  uri: string;
  qrCode: string;
}

/** The QR code, the secret as text, and the "Authentication code" that confirms it; `onEnrolled` gets the backup codes. */
export function TotpEnrolment({
  apiBasePath,
  fetcher,
  enrolment,
  onEnrolled,
  onCancel,
}: {
  apiBasePath: string;
  fetcher: FetchLike;
  enrolment: TotpEnrolmentStart;
  onEnrolled: (backupCodes: string[]) => void;
  onCancel?: () => void;
}) {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const code = String(new FormData(event.currentTarget).get('code') ?? '').trim();
    if (!code) return setError('Enter the code from your app.');
    setError(null);
    setBusy(true);
    callApi<{ backupCodes: string[] }>(fetcher, `${apiBasePath}/me/factors/totp/confirm`, { method: 'POST', body: { code } }).then(
      (answer) => onEnrolled(answer.backupCodes),
      (e: unknown) => {
        setBusy(false);
        setError(e instanceof Error ? e.message : 'Something went wrong.');
      },
    );
  }

  return (
    <form onSubmit={onSubmit} aria-label="Add an authenticator app" className="gatehouse-form" noValidate>
      <p>Scan this QR code with your authenticator app, or enter the secret by hand.</p>
      <img src={enrolment.qrCode} alt="QR code for your authenticator app" width={200} height={200} />
      <p>
        Secret: <code data-testid="totp-secret">{enrolment.secret}</code>
      </p>
      <label>
        Authentication code
        <input name="code" autoComplete="one-time-code" inputMode="numeric" maxLength={12} required />
      </label>
      {error ? (
        <p role="alert" className="gatehouse-error">
          {error}
        </p>
      ) : null}
      <button type="submit" disabled={busy}>
        Confirm
      </button>{' '}
      {onCancel ? (
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      ) : null}
    </form>
  );
}

/** The ten backup codes, shown once after enrolment or regeneration. */
export function BackupCodes({ codes, doneLabel, onDone }: { codes: readonly string[]; doneLabel: string; onDone: () => void }) {
  return (
    <div role="region" aria-label="Backup codes">
      <p>Save these backup codes somewhere safe. Each works once, if you lose your authenticator app. They are shown only now.</p>
      <ul data-testid="backup-codes">
        {codes.map((c) => (
          <li key={c}>
            <code>{c}</code>
          </li>
        ))}
      </ul>
      <button type="button" onClick={onDone}>
        {doneLabel}
      </button>
    </div>
  );
}
