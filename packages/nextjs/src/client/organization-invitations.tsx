'use client';
// The invitations part of OrganizationProfile: pending invitations with a revoke button, and the invite form (Email, Role).

import { useState, type FormEvent } from 'react';
import type { OrganizationInvitation } from '@gatehouse/server';
import type { Resource } from './use-resource.js';
import type { RoleOption } from './organization-members.js';

export interface OrganizationInvitationsProps {
  invitations: Resource<OrganizationInvitation[]>;
  roles: RoleOption[];
  onRevoke: (invitationId: string) => Promise<void>;
}

export function OrganizationInvitations({ invitations, roles, onRevoke }: OrganizationInvitationsProps) {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const list = invitations.data;
  if (invitations.error) return <p role="alert">{invitations.error.message}</p>;
  if (!list) return <p aria-busy="true">Loading invitations…</p>;
  if (list.length === 0) return <p>No pending invitations.</p>;

  const revoke = async (id: string) => {
    setBusy(id);
    setError(null);
    try {
      await onRevoke(id);
    } catch (e) {
      setError(e instanceof Error ? e.message : 'The invitation could not be revoked.');
    }
    setBusy(null);
  };

  return (
    <>
      <ul className="gatehouse-invitations" aria-label="Pending invitations">
        {list.map((inv) => (
          <li key={inv.id}>
            {inv.emailAddress} · {roles.find((r) => r.key === inv.role)?.name ?? inv.role} · expires{' '}
            {new Date(inv.expiresAt).toLocaleDateString()}{' '}
            <button
              type="button"
              aria-label={`Revoke invitation for ${inv.emailAddress}`}
              disabled={busy === inv.id}
              onClick={() => void revoke(inv.id)}
            >
              Revoke
            </button>
          </li>
        ))}
      </ul>
      {error ? (
        <p role="alert" className="gatehouse-error">
          {error}
        </p>
      ) : null}
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
      setResult({ ok: true, text: `Invitation sent to ${email.trim()}.` });
      setEmail('');
    } catch (e) {
      setResult({ ok: false, text: e instanceof Error ? e.message : 'The invitation could not be sent.' });
    }
    setPending(false);
  }

  return (
    <form className="gatehouse-form" onSubmit={onSubmit} aria-label="Invite member" noValidate>
      <label>
        Email
        <input name="email" type="email" autoComplete="off" required value={email} onChange={(e) => setEmail(e.target.value)} />
      </label>
      <label>
        Role
        <select name="role" value={role} onChange={(e) => setRole(e.target.value)}>
          {roles.map((r) => (
            <option key={r.key} value={r.key}>
              {r.name}
            </option>
          ))}
        </select>
      </label>
      {result ? (
        <p role={result.ok ? 'status' : 'alert'} className={result.ok ? undefined : 'gatehouse-error'}>
          {result.text}
        </p>
      ) : null}
      <button type="submit" disabled={pending || email.trim() === ''}>
        Send invitation
      </button>
    </form>
  );
}
