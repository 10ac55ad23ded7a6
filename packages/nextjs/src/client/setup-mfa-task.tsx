'use client';
// The `setup-mfa` session task: the instance requires a second factor, so a user without one adds an authenticator app or a passkey before the session is active.

import { useState } from 'react';
import { callApi, type FetchLike } from './gatehouse-fetch.js';
import { BackupCodes, TotpEnrolment, type TotpEnrolmentStart } from './totp-enrolment.js';
import { createPasskey, isPasskeyCancel, passkeysSupported } from './webauthn.js';

/** Shown by `<SignIn/>` while the session is pending with `setup-mfa`; `onDone` runs once a factor is added. */
export function SetupMfaTask({ apiBasePath, fetcher, onDone }: { apiBasePath: string; fetcher: FetchLike; onDone: () => void }) {
  const [enrolment, setEnrolment] = useState<TotpEnrolmentStart | null>(null);
  const [codes, setCodes] = useState<string[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function run(work: () => Promise<void>) {
    setError(null);
    setBusy(true);
    try {
      await work();
    } catch (e) {
      if (!isPasskeyCancel(e)) setError(e instanceof Error ? e.message : 'Something went wrong.');
    }
    setBusy(false);
  }

  const addPasskey = () =>
    run(async () => {
      const started = await callApi<{ options: Record<string, unknown>; challengeId: string }>(
        fetcher,
        `${apiBasePath}/me/factors/passkeys/options`,
        { method: 'POST' },
      );
      const response = await createPasskey(started.options);
      await callApi(fetcher, `${apiBasePath}/me/factors/passkeys`, {
        method: 'POST',
        body: { challengeId: started.challengeId, response },
      });
      onDone();
    });

  return (
    <section className="gatehouse-form" aria-labelledby="gatehouse-setup-mfa">
      <h1 id="gatehouse-setup-mfa">Set up two-step verification</h1>
      {codes ? (
        <BackupCodes codes={codes} doneLabel="Continue" onDone={onDone} />
      ) : enrolment ? (
        <TotpEnrolment apiBasePath={apiBasePath} fetcher={fetcher} enrolment={enrolment} onEnrolled={setCodes} />
      ) : (
        <>
          <p>This application requires a second factor. Add an authenticator app or a passkey to continue.</p>
          <button
            type="button"
            disabled={busy}
            onClick={() =>
              void run(async () =>
                setEnrolment(await callApi<TotpEnrolmentStart>(fetcher, `${apiBasePath}/me/factors/totp`, { method: 'POST' })),
              )
            }
          >
            Add an authenticator app
          </button>{' '}
          {passkeysSupported() ? (
            <button type="button" disabled={busy} onClick={() => void addPasskey()}>
              Add a passkey
            </button>
          ) : null}
        </>
      )}
      {error ? (
        <p role="alert" className="gatehouse-error">
          {error}
        </p>
      ) : null}
    </section>
  );
}
