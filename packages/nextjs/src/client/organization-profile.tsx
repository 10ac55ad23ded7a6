'use client';
// OrganizationProfile: the active organization's page: its members and roles, pending invitations, and the invite form.

import { useAuth } from './use-auth.js';
import { useOrganization } from './use-organization.js';
import { InviteMemberForm, OrganizationInvitations } from './organization-invitations.js';
import { OrganizationMembers, type RoleOption } from './organization-members.js';

const MANAGE_MEMBERS = 'org:sys_memberships:manage';
const READ_MEMBERS = 'org:sys_memberships:read';

/** The built-in roles. Custom roles are passed in as `roles` (there is no endpoint listing them yet). */
export const DEFAULT_ROLES: RoleOption[] = [
  { key: 'org:admin', name: 'Admin' },
  { key: 'org:member', name: 'Member' },
];

export interface OrganizationProfileProps {
  /** The roles to offer in the role selects (default: Admin and Member). */
  roles?: RoleOption[];
  /** The role preselected in the invite form (default `org:member`). */
  defaultRole?: string;
}

/**
 * The active organization: its members (with role selects and remove buttons for those who may
 * manage members), its pending invitations with revoke buttons, and an invite form (Email, Role).
 * Controls show by the token's permissions; they hide UI only: the server checks the membership in
 * the database on every change, and the last admin can be neither removed nor demoted.
 */
export function OrganizationProfile({ roles = DEFAULT_ROLES, defaultRole = 'org:member' }: OrganizationProfileProps) {
  const { has, userId } = useAuth();
  const canManage = has({ permission: MANAGE_MEMBERS });
  const canRead = canManage || has({ permission: READ_MEMBERS });
  const org = useOrganization({ memberships: canRead, invitations: canManage });
  if (!org.isLoaded) return <p aria-busy="true">Loading organization…</p>;
  if (!org.organization || !userId) return <p>No organization is active. Choose one in the organization switcher, or create one.</p>;

  return (
    <section className="gatehouse-organization-profile" aria-labelledby="gatehouse-org-title">
      <h2 id="gatehouse-org-title">{org.organization.name}</h2>
      <p>
        Slug <code>{org.organization.slug}</code>
        {org.membership ? <> · your role: {roles.find((r) => r.key === org.membership?.role)?.name ?? org.membership.role}</> : null}
      </p>
      <h3>Members</h3>
      {org.memberships ? (
        <OrganizationMembers
          members={org.memberships}
          userId={userId}
          roles={roles}
          canManage={canManage}
          onChangeRole={(memberId, role) => org.updateMember({ userId: memberId, role })}
          onRemove={(memberId) => org.removeMember(memberId)}
        />
      ) : (
        <p>Your role does not show the member list.</p>
      )}
      {org.invitations ? (
        <>
          <h3>Invitations</h3>
          <OrganizationInvitations invitations={org.invitations} roles={roles} onRevoke={(id) => org.revokeInvitation(id)} />
          <h3>Invite a member</h3>
          <InviteMemberForm roles={roles} defaultRole={defaultRole} onInvite={(params) => org.inviteMember(params)} />
        </>
      ) : null}
    </section>
  );
}
