'use client';
// The member table of OrganizationProfile: email, name, role, and for admins a role select and a remove button per member.

import { useState } from 'react';
import type { OrganizationMember } from '@gatehouse/server';
import type { Resource } from './use-resource.js';
import { useStyling } from './appearance/appearance.js';
import { ErrorRegion } from './appearance/parts.js';

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
  const styling = useStyling();
  const { el, t, format, errorText } = styling;
  const texts = t.organizationProfile.membersPage;
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
      setError(e instanceof Error ? e.message : errorText('generic'));
    }
    setBusy(null);
  };

  if (members.error) return <ErrorRegion styling={styling} message={members.error.message} />;
  if (!list)
    return (
      <p className="gh-muted" aria-busy="true">
        {texts.loading}
      </p>
    );
  return (
    <>
      <div {...el('tableWrapper', 'gh-table-wrap')}>
        <table {...el('table', 'gh-table gatehouse-table')} aria-label={texts.tableLabel}>
          <thead {...el('tableHead')}>
            <tr>
              <th scope="col">{texts.column__email}</th>
              <th scope="col">{texts.column__name}</th>
              <th scope="col">{texts.column__role}</th>
              {canManage ? <th scope="col">{texts.column__actions}</th> : null}
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
                    {self ? <span {...el('badge', 'gh-badge')}>{t.badge__you}</span> : null}
                  </td>
                  <td>{name}</td>
                  <td>
                    {manageable ? (
                      <select
                        {...el('membersPageRoleSelect', 'gh-input')}
                        aria-label={format(texts.roleOf, { identifier: email })}
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
                          {...el('membersPageRemoveButton', 'gh-btn gh-btn-sm gh-btn-danger')}
                          type="button"
                          aria-label={format(texts.removeLabel, { identifier: email })}
                          disabled={busy === m.userId}
                          onClick={() => void act(m.userId, () => onRemove(m.userId))}
                        >
                          {texts.remove}
                        </button>
                      ) : null}
                    </td>
                  ) : null}
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      <ErrorRegion styling={styling} message={error} />
    </>
  );
}
