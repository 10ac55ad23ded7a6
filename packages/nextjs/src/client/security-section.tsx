'use client';
// The "Security" part of <UserProfile/>: the authenticator app (QR code, secret, confirmation), backup codes, and passkeys.

import { useState, type FormEvent } from 'react';
import { callApi } from './gatehouse-fetch.js';
import { useGatehouse } from './provider.js';
import { useResource } from './use-resource.js';
import { isReverificationCancelledError, useReverification } from './use-reverification.js';
import type { FactorList } from './reverification-dialog.js';
import { createPasskey, isPasskeyCancel, passkeysSupported } from './webauthn.js';
import { BackupCodes, TotpEnrolment, type TotpEnrolmentStart } from './totp-enrolment.js';

/**
 * Two-step verification and passkeys. Every change that needs a fresh verification (adding or
 * removing a factor, new backup codes) opens the verification dialog when the session is too old.
 */
export function SecuritySection() {
  const { session, apiBasePath, fetch } = useGatehouse();
  const userId = session?.user.id ?? null;
  const [version, setVersion] = useState(0);
  const factors = useResource(userId ? `factors:${userId}` : null, () => callApi<FactorList>(fetch, `${apiBasePath}/me/factors`), version);
  const [enrolment, setEnrolment] = useState<TotpEnrolmentStart | null>(null);
  const [backupCodes, setBackupCodes] = useState<string[] | null>(null);
  const [renaming, setRenaming] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const api = useReverification((path: string, method: string, body?: unknown) =>
    callApi<Record<string, unknown>>(fetch, `${apiBasePath}${path}`, { method, ...(body === undefined ? {} : { body }) }),
  );
  const addPasskey = useReverification(async () => {
    const started = await callApi<{ options: Record<string, unknown>; challengeId: string }>(
      fetch,
      `${apiBasePath}/me/factors/passkeys/options`,
      {
        method: 'POST',
      },
    );
    return { started };
  });

  if (!userId) return null;
  const list = factors.data;
  const reload = () => setVersion((v) => v + 1);

  /** Runs a change; a cancelled verification or a closed passkey prompt is no error. */
  async function change(work: () => Promise<void>) {
    setError(null);
    setBusy(true);
    try {
      await work();
    } catch (e) {
      if (!isReverificationCancelledError(e) && !isPasskeyCancel(e)) setError(e instanceof Error ? e.message : 'Something went wrong.');
    }
    setBusy(false);
    reload();
  }

  function onRename(event: FormEvent<HTMLFormElement>, id: string) {
    event.preventDefault();
    const name = String(new FormData(event.currentTarget).get('name') ?? '').trim();
    void change(async () => {
      await api(`/me/factors/passkeys/${id}`, 'PATCH', { name });
      setRenaming(null);
    });
  }

  return (
    <section aria-labelledby="gatehouse-security" className="gatehouse-security">
      <h3 id="gatehouse-security">Security</h3>
      <h4>Two-step verification</h4>
      {list === undefined ? (
        <p role="status">Loading…</p>
      ) : list.totpEnabled ? (
        <>
          <p data-testid="totp-status">Authenticator app: on. Backup codes left: {list.backupCodesRemaining}.</p>
          <button
            type="button"
            disabled={busy}
            onClick={() => void change(async () => setBackupCodes((await api('/me/factors/backup-codes', 'POST')).backupCodes as string[]))}
          >
            Regenerate backup codes
          </button>{' '}
          <button type="button" disabled={busy} onClick={() => void change(async () => void (await api('/me/factors/totp', 'DELETE')))}>
            Remove authenticator app
          </button>
        </>
      ) : enrolment ? (
        <TotpEnrolment
          apiBasePath={apiBasePath}
          fetcher={fetch}
          enrolment={enrolment}
          onEnrolled={(codes) => {
            setEnrolment(null);
            setBackupCodes(codes);
            reload();
          }}
          onCancel={() => setEnrolment(null)}
        />
      ) : (
        <button
          type="button"
          disabled={busy}
          onClick={() => void change(async () => setEnrolment((await api('/me/factors/totp', 'POST')) as unknown as TotpEnrolmentStart))}
        >
          Add an authenticator app
        </button>
      )}
      {backupCodes ? <BackupCodes codes={backupCodes} doneLabel="I have saved them" onDone={() => setBackupCodes(null)} /> : null}
      <h4>Passkeys</h4>
      <ul aria-label="Passkeys">
        {(list?.passkeys ?? []).map((p) => (
          <li key={p.id}>
            {renaming === p.id ? (
              <form onSubmit={(e) => onRename(e, p.id)} aria-label={`Rename ${p.name}`} className="inline-form">
                <input name="name" aria-label="Passkey name" defaultValue={p.name} maxLength={128} required />
                <button type="submit" disabled={busy}>
                  Save
                </button>
              </form>
            ) : (
              <>
                <span>{p.name}</span>{' '}
                <button type="button" onClick={() => setRenaming(p.id)} aria-label={`Rename ${p.name}`}>
                  Rename
                </button>{' '}
                <button
                  type="button"
                  disabled={busy}
                  aria-label={`Remove ${p.name}`}
                  onClick={() => void change(async () => void (await api(`/me/factors/passkeys/${p.id}`, 'DELETE')))}
                >
                  Remove
                </button>
              </>
            )}
          </li>
        ))}
      </ul>
      {passkeysSupported() ? (
        <button
          type="button"
          disabled={busy}
          onClick={() =>
            void change(async () => {
              const { started } = await addPasskey();
              const response = await createPasskey(started.options);
              await callApi(fetch, `${apiBasePath}/me/factors/passkeys`, {
                method: 'POST',
                body: { challengeId: started.challengeId, response },
              });
            })
          }
        >
          Add a passkey
        </button>
      ) : null}
      {error ? (
        <p role="alert" className="gatehouse-error">
          {error}
        </p>
      ) : null}
    </section>
  );
}
