'use client';
// The `setup-mfa` session task: the instance requires a second factor, so a user without one adds an authenticator app or a passkey before the session is active.

import { useState } from 'react';
import { callApi, type FetchLike } from './gatehouse-fetch.js';
import { BackupCodes, TotpEnrolment, type TotpEnrolmentStart } from './totp-enrolment.js';
import { createPasskey, isPasskeyCancel, passkeysSupported } from './webauthn.js';
import { StyledRoot, useStyling } from './appearance/appearance.js';
import { ErrorRegion } from './appearance/parts.js';
import type { Appearance } from './appearance/types.js';

/** Shown by `<SignIn/>` while the session is pending with `setup-mfa`; `onDone` runs once a factor is added. */
export function SetupMfaTask({
  apiBasePath,
  fetcher,
  onDone,
  appearance,
}: {
  apiBasePath: string;
  fetcher: FetchLike;
  onDone: () => void;
  appearance?: Appearance | undefined;
}) {
  return (
    <StyledRoot appearance={appearance} className="gh-box">
      <SetupMfaCard apiBasePath={apiBasePath} fetcher={fetcher} onDone={onDone} />
    </StyledRoot>
  );
}

/** The card inside the styled root (so TotpEnrolment and BackupCodes read the same appearance). */
function SetupMfaCard({ apiBasePath, fetcher, onDone }: { apiBasePath: string; fetcher: FetchLike; onDone: () => void }) {
  const styling = useStyling();
  const { el, t } = styling;
  const [enrolment, setEnrolment] = useState<TotpEnrolmentStart | null>(null);
  const [codes, setCodes] = useState<string[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function run(work: () => Promise<void>, rename: Record<string, string> = {}) {
    setError(null);
    setBusy(true);
    try {
      await work();
    } catch (e) {
      if (!isPasskeyCancel(e)) setError(styling.failure(e, rename));
    }
    setBusy(false);
  }

  const addPasskey = () =>
    run(
      async () => {
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
      },
      { code_invalid: 'passkey_failed' },
    );

  return (
    <section {...el('card', 'gh-card gatehouse-form')} aria-labelledby="gatehouse-setup-mfa">
      <div {...el('header', 'gh-header')}>
        <h1 {...el('headerTitle', 'gh-title')} id="gatehouse-setup-mfa">
          {t.setupMfa.title}
        </h1>
        {codes || enrolment ? null : <p {...el('headerSubtitle', 'gh-subtitle')}>{t.setupMfa.subtitle}</p>}
      </div>
      {codes ? (
        <BackupCodes codes={codes} doneLabel={t.setupMfa.continue} onDone={onDone} />
      ) : enrolment ? (
        <TotpEnrolment apiBasePath={apiBasePath} fetcher={fetcher} enrolment={enrolment} onEnrolled={setCodes} />
      ) : (
        <>
          <div {...el('main', 'gh-stack')}>
            <button
              {...el('formButtonPrimary', 'gh-btn gh-btn-primary gh-btn-block')}
              type="button"
              disabled={busy}
              aria-busy={busy}
              onClick={() =>
                void run(async () =>
                  setEnrolment(await callApi<TotpEnrolmentStart>(fetcher, `${apiBasePath}/me/factors/totp`, { method: 'POST' })),
                )
              }
            >
              {t.userProfile.start.mfaSection.addTotp}
            </button>
            {passkeysSupported() ? (
              <button
                {...el('alternativeMethodsBlockButton__passkey', 'gh-btn gh-btn-block')}
                type="button"
                disabled={busy}
                onClick={() => void addPasskey()}
              >
                {t.userProfile.start.passkeysSection.add}
              </button>
            ) : null}
          </div>
          <ErrorRegion styling={styling} message={error} />
        </>
      )}
    </section>
  );
}
