'use client';
// The invitations part of OrganizationProfile: pending invitations with a revoke button, and the invite form (Email, Role).

import { useId, useState, type FormEvent } from 'react';
import type { OrganizationInvitation } from '@gatehouse/server';
import type { Resource } from './use-resource.js';
import type { RoleOption } from './organization-members.js';
import { useStyling } from './appearance/appearance.js';
import { ErrorRegion, Field, StatusRegion } from './appearance/parts.js';

export interface OrganizationInvitationsProps {
  invitations: Resource<OrganizationInvitation[]>;
  roles: RoleOption[];
  onRevoke: (invitationId: string) => Promise<void>;
}

export function OrganizationInvitations({ invitations, roles, onRevoke }: OrganizationInvitationsProps) {
  const styling = useStyling();
  const { el, t, format, errorText } = styling;
  const texts = t.organizationProfile.invitationsTab;
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const list = invitations.data;
  if (invitations.error) return <ErrorRegion styling={styling} message={invitations.error.message} />;
  if (!list)
    return (
      <p className="gh-muted" aria-busy="true">
        {texts.loading}
      </p>
    );
  if (list.length === 0) return <p className="gh-muted">{texts.empty}</p>;

  const revoke = async (id: string) => {
    setBusy(id);
    setError(null);
    try {
      await onRevoke(id);
    } catch (e) {
      setError(e instanceof Error ? e.message : errorText('generic'));
    }
    setBusy(null);
  };

  return (
    <>
      <ul {...el('organizationInvitationList', 'gh-list gatehouse-invitations')} aria-label={texts.listLabel}>
        {list.map((inv) => (
          <li key={inv.id} {...el('organizationInvitationListItem', 'gh-list-item')}>
            <span className="gh-list-main">
              <strong>{inv.emailAddress}</strong>
              <span className="gh-muted">
                {roles.find((r) => r.key === inv.role)?.name ?? inv.role} ·{' '}
                {format(texts.expires, { date: new Date(inv.expiresAt).toLocaleDateString(t.locale) })}
              </span>
            </span>
            <button
              {...el('organizationInvitationRevokeButton', 'gh-btn gh-btn-sm gh-btn-danger')}
              type="button"
              aria-label={format(texts.revokeLabel, { identifier: inv.emailAddress })}
              disabled={busy === inv.id}
              onClick={() => void revoke(inv.id)}
            >
              {texts.revoke}
            </button>
          </li>
        ))}
      </ul>
      <ErrorRegion styling={styling} message={error} />
    </>
  );
}

export interface InviteMemberFormProps {
  roles: RoleOption[];
  defaultRole: string;
  onInvite: (params: { emailAddress: string; role: string }) => Promise<unknown>;
}

/** Email + Role, "Send invitation"; says to whom it was sent, or why not. */
export function InviteMemberForm({ roles, defaultRole, onInvite }: InviteMemberFormProps) {
  const styling = useStyling();
  const { el, t, format, errorText } = styling;
  const texts = t.organizationProfile.invitePage;
  const roleId = useId();
  const errorId = useId();
  const [email, setEmail] = useState('');
  const [role, setRole] = useState(defaultRole);
  const [pending, setPending] = useState(false);
  const [result, setResult] = useState<{ ok: boolean; text: string } | null>(null);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setPending(true);
    setResult(null);
    try {
      await onInvite({ emailAddress: email.trim(), role });
      setResult({ ok: true, text: format(texts.successMessage, { identifier: email.trim() }) });
      setEmail('');
    } catch (e) {
      setResult({ ok: false, text: e instanceof Error ? e.message : errorText('generic') });
    }
    setPending(false);
  }

  return (
    <form {...el('form', 'gh-form gatehouse-form')} onSubmit={onSubmit} aria-label={texts.formLabel} noValidate>
      <div className="gh-row" style={{ alignItems: 'flex-end' }}>
        <div style={{ flex: '2 1 14rem' }}>
          <Field
            styling={styling}
            label={t.formFieldLabel__emailAddress}
            name="email"
            type="email"
            autoComplete="off"
            required
            value={email}
            onChange={(e) => setEmail(e.target.value)}
            errorId={result && !result.ok ? errorId : null}
          />
        </div>
        <div {...el('formField', 'gh-field')} style={{ flex: '1 1 8rem' }}>
          <label {...el('formFieldLabel', 'gh-label')} htmlFor={roleId}>
            {t.formFieldLabel__role}
          </label>
          <select {...el('formFieldInput', 'gh-input')} id={roleId} name="role" value={role} onChange={(e) => setRole(e.target.value)}>
            {roles.map((r) => (
              <option key={r.key} value={r.key}>
                {r.name}
              </option>
            ))}
          </select>
        </div>
        <button {...el('formButtonPrimary', 'gh-btn gh-btn-primary')} type="submit" disabled={pending || email.trim() === ''}>
          {texts.formButtonPrimary__continue}
        </button>
      </div>
      <ErrorRegion styling={styling} message={result && !result.ok ? result.text : null} id={errorId} />
      <StatusRegion styling={styling} message={result?.ok ? result.text : null} />
    </form>
  );
}
