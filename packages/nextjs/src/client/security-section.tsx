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
import { useStyling, type Styling } from './appearance/appearance.js';
import { ErrorRegion, Field } from './appearance/parts.js';

type Passkey = FactorList['passkeys'][number];

/** One passkey: its name with "Rename" and "Remove", or the rename form. */
function PasskeyItem({
  styling,
  passkey,
  busy,
  renaming,
  onRename,
  onSave,
  onRemove,
}: {
  styling: Styling;
  passkey: Passkey;
  busy: boolean;
  renaming: boolean;
  onRename: (open: boolean) => void;
  onSave: (name: string) => void;
  onRemove: () => void;
}) {
  const { el, t, format } = styling;
  const texts = t.userProfile.start.passkeysSection;
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    onSave(String(new FormData(event.currentTarget).get('name') ?? '').trim());
  };
  return (
    <li {...el('profileSectionItem__passkeys', 'gh-list-item')}>
      {renaming ? (
        <form className="gh-inline-form" onSubmit={submit} aria-label={format(texts.renameLabel, { name: passkey.name })}>
          <Field styling={styling} label={texts.nameLabel} name="name" defaultValue={passkey.name} maxLength={128} required autoFocus />
          <div className="gh-row">
            <button {...el('formButtonPrimary', 'gh-btn gh-btn-sm gh-btn-primary')} type="submit" disabled={busy}>
              {texts.save}
            </button>
            <button {...el('formButtonReset', 'gh-btn gh-btn-sm')} type="button" onClick={() => onRename(false)}>
              {t.formButtonReset}
            </button>
          </div>
        </form>
      ) : (
        <>
          <span className="gh-list-main">{passkey.name}</span>
          <span className="gh-row">
            <button
              {...el('profileSectionItemButton', 'gh-btn gh-btn-sm')}
              type="button"
              onClick={() => onRename(true)}
              aria-label={format(texts.renameLabel, { name: passkey.name })}
            >
              {texts.rename}
            </button>
            <button
              {...el('profileSectionItemButton__remove', 'gh-btn gh-btn-sm gh-btn-danger')}
              type="button"
              disabled={busy}
              aria-label={format(texts.removeLabel, { name: passkey.name })}
              onClick={onRemove}
            >
              {texts.remove}
            </button>
          </span>
        </>
      )}
    </li>
  );
}

/**
 * Two-step verification and passkeys. Every change that needs a fresh verification (adding or
 * removing a factor, new backup codes) opens the verification dialog when the session is too old.
 */
export function SecuritySection() {
  const { session, apiBasePath, fetch } = useGatehouse();
  const styling = useStyling();
  const { el, t, format } = styling;
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
  const startPasskey = useReverification(async () => ({
    started: await callApi<{ options: Record<string, unknown>; challengeId: string }>(fetch, `${apiBasePath}/me/factors/passkeys/options`, {
      method: 'POST',
    }),
  }));

  if (!userId) return null;
  const list = factors.data;
  const reload = () => setVersion((v) => v + 1);
  const texts = t.userProfile.start;

  /** Runs a change; a cancelled verification or a closed passkey prompt is no error. */
  async function change(work: () => Promise<void>, rename: Record<string, string> = {}) {
    setError(null);
    setBusy(true);
    try {
      await work();
    } catch (e) {
      if (!isReverificationCancelledError(e) && !isPasskeyCancel(e)) setError(styling.failure(e, rename));
    }
    setBusy(false);
    reload();
  }

  const addPasskey = () =>
    change(
      async () => {
        const { started } = await startPasskey();
        const response = await createPasskey(started.options);
        await callApi(fetch, `${apiBasePath}/me/factors/passkeys`, {
          method: 'POST',
          body: { challengeId: started.challengeId, response },
        });
      },
      { code_invalid: 'passkey_failed' },
    );

  const passkeys = list?.passkeys ?? [];
  return (
    <section {...el('profileSection__security', 'gh-section gatehouse-security')} aria-labelledby="gatehouse-security">
      <h3 {...el('profileSectionTitle', 'gh-section-title')} id="gatehouse-security">
        {texts.securitySection.title}
      </h3>
      <div {...el('profileSectionContent__mfa', 'gh-subsection')}>
        <h4 {...el('profileSectionSubtitle', 'gh-label')}>{texts.mfaSection.title}</h4>
        {list === undefined ? (
          <p className="gh-muted" role="status">
            {t.loading}
          </p>
        ) : list.totpEnabled ? (
          <>
            <p className="gh-muted" data-testid="totp-status">
              {format(texts.mfaSection.totpOn, { count: list.backupCodesRemaining })}
            </p>
            <div className="gh-row">
              <button
                {...el('profileSectionItemButton', 'gh-btn gh-btn-sm')}
                type="button"
                disabled={busy}
                onClick={() =>
                  void change(async () => setBackupCodes((await api('/me/factors/backup-codes', 'POST')).backupCodes as string[]))
                }
              >
                {texts.mfaSection.regenerateBackupCodes}
              </button>
              <button
                {...el('profileSectionItemButton__remove', 'gh-btn gh-btn-sm gh-btn-danger')}
                type="button"
                disabled={busy}
                onClick={() => void change(async () => void (await api('/me/factors/totp', 'DELETE')))}
              >
                {texts.mfaSection.removeTotp}
              </button>
            </div>
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
          <div className="gh-row">
            <button
              {...el('profileSectionPrimaryButton__mfa', 'gh-btn gh-btn-sm')}
              type="button"
              disabled={busy}
              onClick={() =>
                void change(async () => setEnrolment((await api('/me/factors/totp', 'POST')) as unknown as TotpEnrolmentStart))
              }
            >
              {texts.mfaSection.addTotp}
            </button>
          </div>
        )}
        {backupCodes ? <BackupCodes codes={backupCodes} doneLabel={t.backupCodes.done} onDone={() => setBackupCodes(null)} /> : null}
      </div>
      <div {...el('profileSectionContent__passkeys', 'gh-subsection')}>
        <h4 {...el('profileSectionSubtitle', 'gh-label')}>{texts.passkeysSection.title}</h4>
        {passkeys.length ? (
          <ul {...el('profileSectionItemList', 'gh-list')} aria-label={texts.passkeysSection.title}>
            {passkeys.map((p) => (
              <PasskeyItem
                key={p.id}
                styling={styling}
                passkey={p}
                busy={busy}
                renaming={renaming === p.id}
                onRename={(open) => setRenaming(open ? p.id : null)}
                onSave={(name) =>
                  void change(async () => {
                    await api(`/me/factors/passkeys/${p.id}`, 'PATCH', { name });
                    setRenaming(null);
                  })
                }
                onRemove={() => void change(async () => void (await api(`/me/factors/passkeys/${p.id}`, 'DELETE')))}
              />
            ))}
          </ul>
        ) : list ? (
          <p className="gh-muted">{texts.passkeysSection.empty}</p>
        ) : null}
        {passkeysSupported() ? (
          <div className="gh-row">
            <button
              {...el('profileSectionPrimaryButton__passkeys', 'gh-btn gh-btn-sm')}
              type="button"
              disabled={busy}
              onClick={() => void addPasskey()}
            >
              {texts.passkeysSection.add}
            </button>
          </div>
        ) : null}
      </div>
      {/* One live region in the section at a time: the enrolment form announces its own errors. */}
      {enrolment ? null : <ErrorRegion styling={styling} message={error} />}
    </section>
  );
}
