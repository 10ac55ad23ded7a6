'use client';
// Adding an authenticator app: the QR code and secret, confirmed by a code; then the backup codes, shown once.

import { useId, useState, type FormEvent } from 'react';
import { callApi, type FetchLike } from './gatehouse-fetch.js';
import { useStyling } from './appearance/appearance.js';
import { ErrorRegion, Field } from './appearance/parts.js';

/** POST {api}/me/factors/totp's answer. */
export interface TotpEnrolmentStart {
  secret: string;
  uri: string;
  qrCode: string;
}

/**
 * The QR code, the secret as text, and the "Authentication code" that confirms it; `onEnrolled` gets
 * the backup codes. Rendered inside a component's styled root (the profile, the sign-in's task).
 */
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
  const styling = useStyling();
  const { el, t } = styling;
  const errorId = useId();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const code = String(new FormData(event.currentTarget).get('code') ?? '').trim();
    if (!code) return setError(styling.errorText('code_required'));
    setError(null);
    setBusy(true);
    callApi<{ backupCodes: string[] }>(fetcher, `${apiBasePath}/me/factors/totp/confirm`, { method: 'POST', body: { code } }).then(
      (answer) => onEnrolled(answer.backupCodes),
      (e: unknown) => {
        setBusy(false);
        setError(styling.failure(e));
      },
    );
  }

  return (
    <form
      {...el('totpEnrolment', 'gh-subsection gh-form gatehouse-form')}
      onSubmit={onSubmit}
      aria-label={t.totpEnrolment.formLabel}
      noValidate
    >
      <p {...el('totpInstructions', 'gh-muted')}>{t.totpEnrolment.instructions}</p>
      <img {...el('qrCodeImage', 'gh-qr')} src={enrolment.qrCode} alt={t.totpEnrolment.qrCodeAlt} width={200} height={200} />
      <p className="gh-muted">
        {t.totpEnrolment.secret}{' '}
        <code className="gh-code" data-testid="totp-secret">
          {enrolment.secret}
        </code>
      </p>
      <Field
        styling={styling}
        label={t.formFieldLabel__totpCode}
        name="code"
        autoComplete="one-time-code"
        inputMode="numeric"
        maxLength={12}
        autoFocus
        required
        errorId={error ? errorId : null}
      />
      <ErrorRegion styling={styling} message={error} id={errorId} />
      <div className="gh-row">
        <button {...el('formButtonPrimary', 'gh-btn gh-btn-sm gh-btn-primary')} type="submit" disabled={busy} aria-busy={busy}>
          {t.totpEnrolment.formButtonPrimary}
        </button>
        {onCancel ? (
          <button {...el('formButtonReset', 'gh-btn gh-btn-sm')} type="button" onClick={onCancel}>
            {t.formButtonReset}
          </button>
        ) : null}
      </div>
    </form>
  );
}

/** The ten backup codes, shown once after enrolment or regeneration. */
export function BackupCodes({ codes, doneLabel, onDone }: { codes: readonly string[]; doneLabel: string; onDone: () => void }) {
  const { el, t } = useStyling();
  return (
    <div {...el('backupCodes', 'gh-subsection')} role="region" aria-label={t.backupCodes.label}>
      <p {...el('backupCodesInstructions', 'gh-muted')}>{t.backupCodes.instructions}</p>
      <ul {...el('backupCodesList', 'gh-codes')} data-testid="backup-codes">
        {codes.map((c) => (
          <li key={c}>
            <code className="gh-code">{c}</code>
          </li>
        ))}
      </ul>
      <div className="gh-row">
        <button {...el('formButtonPrimary', 'gh-btn gh-btn-sm gh-btn-primary')} type="button" onClick={onDone}>
          {doneLabel}
        </button>
      </div>
    </div>
  );
}
