'use client';
// The member table of OrganizationProfile: email, name, role, and for admins a role select and a remove button per member.

import { useState } from 'react';
import type { OrganizationMember } from '@gatehouse/server';
import type { Resource } from './use-resource.js';

export interface RoleOption {
  /** `org:<name>`. */
  key: string;
  name: string;
}

export interface OrganizationMembersProps {
  members: Resource<OrganizationMember[]>;
  /** The signed-in user: their own row has no controls (leaving is not removing). */
  userId: string;
  roles: RoleOption[];
  canManage: boolean;
  onChangeRole: (userId: string, role: string) => Promise<unknown>;
  onRemove: (userId: string) => Promise<void>;
}

/** The role options for a select: the configured ones plus any role a member already has. */
export function roleOptions(roles: RoleOption[], inUse: Iterable<string>): RoleOption[] {
  const all = [...roles];
  for (const key of inUse) if (!all.some((r) => r.key === key)) all.push({ key, name: key.replace(/^org:/, '') });
  return all;
}

export function OrganizationMembers({ members, userId, roles, canManage, onChangeRole, onRemove }: OrganizationMembersProps) {
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const list = members.data;
  const options = roleOptions(
    roles,
    (list ?? []).map((m) => m.role),
  );

  const act = async (memberId: string, action: () => Promise<unknown>) => {
    setBusy(memberId);
    setError(null);
    try {
      await action();
    } catch (e) {
      setError(e instanceof Error ? e.message : 'The change was refused.');
    }
    setBusy(null);
  };

  if (members.error) return <p role="alert">{members.error.message}</p>;
  if (!list) return <p aria-busy="true">Loading members…</p>;
  return (
    <>
      <table className="gatehouse-table" aria-label="Members">
        <thead>
          <tr>
            <th scope="col">Email</th>
            <th scope="col">Name</th>
            <th scope="col">Role</th>
            {canManage ? <th scope="col">Actions</th> : null}
          </tr>
        </thead>
        <tbody>
          {list.map((m) => {
            const email = m.publicUserData.identifier;
            const self = m.userId === userId;
            const name = [m.publicUserData.firstName, m.publicUserData.lastName].filter(Boolean).join(' ');
            const manageable = canManage && !self;
            return (
              <tr key={m.id}>
                <td>
                  {email}
                  {self ? ' (you)' : ''}
                </td>
                <td>{name}</td>
                <td>
                  {manageable ? (
                    <select
                      aria-label={`Role of ${email}`}
                      value={m.role}
                      disabled={busy === m.userId}
                      onChange={(e) => void act(m.userId, () => onChangeRole(m.userId, e.target.value))}
                    >
                      {options.map((r) => (
                        <option key={r.key} value={r.key}>
                          {r.name}
                        </option>
                      ))}
                    </select>
                  ) : (
                    (options.find((r) => r.key === m.role)?.name ?? m.role)
                  )}
                </td>
                {canManage ? (
                  <td>
                    {manageable ? (
                      <button
                        type="button"
                        aria-label={`Remove ${email}`}
                        disabled={busy === m.userId}
                        onClick={() => void act(m.userId, () => onRemove(m.userId))}
                      >
                        Remove
                      </button>
                    ) : null}
                  </td>
                ) : null}
              </tr>
            );
          })}
        </tbody>
      </table>
      {error ? (
        <p role="alert" className="gatehouse-error">
          {error}
        </p>
      ) : null}
    </>
  );
}
