'use client';
// OrganizationProfile: the active organization's page: its members and roles, pending invitations, and the invite form.

import { useAuth } from './use-auth.js';
import { useOrganization } from './use-organization.js';
import { InviteMemberForm, OrganizationInvitations } from './organization-invitations.js';
import { OrganizationMembers, type RoleOption } from './organization-members.js';
import { StyledRoot, useStyling } from './appearance/appearance.js';
import { Avatar } from './appearance/parts.js';
import type { Appearance } from './appearance/types.js';
import type { RoutingProps } from './trigger-button.js';

const MANAGE_MEMBERS = 'org:sys_memberships:manage';
const READ_MEMBERS = 'org:sys_memberships:read';

export interface OrganizationProfileProps extends RoutingProps {
  /** The roles to offer in the role selects (default: Admin and Member, in the language in effect). */
  roles?: RoleOption[];
  /** The role preselected in the invite form (default `org:member`). */
  defaultRole?: string;
  /** Clerk's `appearance` for this component (over the provider's). */
  appearance?: Appearance;
}

/**
 * The active organization: its members (with role selects and remove buttons for those who may
 * manage members), its pending invitations with revoke buttons, and an invite form (Email, Role).
 * Controls show by the token's permissions; they hide UI only: the server checks the membership in
 * the database on every change, and the last admin can be neither removed nor demoted.
 */
export function OrganizationProfile({ roles: rolesProp, defaultRole = 'org:member', appearance }: OrganizationProfileProps) {
  const { has, userId } = useAuth();
  const styling = useStyling(appearance);
  const { el, t, format } = styling;
  const canManage = has({ permission: MANAGE_MEMBERS });
  const canRead = canManage || has({ permission: READ_MEMBERS });
  const org = useOrganization({ memberships: canRead, invitations: canManage });
  const texts = t.organizationProfile;
  const roles = rolesProp ?? ['org:admin', 'org:member'].map((key) => ({ key, name: t.roles[key] ?? key }));

  let content;
  if (!org.isLoaded)
    content = (
      <p className="gh-muted" aria-busy="true">
        {texts.loading}
      </p>
    );
  else if (!org.organization || !userId) content = <p className="gh-muted">{texts.noActive}</p>;
  else
    content = (
      <>
        <div {...el('header', 'gh-header')}>
          <div className="gh-row">
            <Avatar styling={styling} name={org.organization.name} square />
            <h2 {...el('headerTitle', 'gh-title')} id="gatehouse-org-title">
              {org.organization.name}
            </h2>
          </div>
          <p {...el('headerSubtitle', 'gh-subtitle')}>
            {texts.slug} <code className="gh-code">{org.organization.slug}</code>
            {org.membership ? (
              <> · {format(texts.yourRole, { role: roles.find((r) => r.key === org.membership?.role)?.name ?? org.membership.role })}</>
            ) : null}
          </p>
        </div>
        <section {...el('profileSection__members', 'gh-section')} aria-labelledby="gatehouse-org-members">
          <h3 {...el('profileSectionTitle', 'gh-section-title')} id="gatehouse-org-members">
            {texts.membersPage.title}
          </h3>
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
            <p className="gh-muted">{texts.membersPage.hidden}</p>
          )}
        </section>
        {org.invitations ? (
          <>
            <section {...el('profileSection__invitations', 'gh-section')} aria-labelledby="gatehouse-org-invitations">
              <h3 {...el('profileSectionTitle', 'gh-section-title')} id="gatehouse-org-invitations">
                {texts.invitationsTab.title}
              </h3>
              <OrganizationInvitations invitations={org.invitations} roles={roles} onRevoke={(id) => org.revokeInvitation(id)} />
            </section>
            <section {...el('profileSection__invite', 'gh-section')} aria-labelledby="gatehouse-org-invite">
              <h3 {...el('profileSectionTitle', 'gh-section-title')} id="gatehouse-org-invite">
                {texts.invitePage.title}
              </h3>
              <InviteMemberForm roles={roles} defaultRole={defaultRole} onInvite={(params) => org.inviteMember(params)} />
            </section>
          </>
        ) : null}
      </>
    );

  return (
    <StyledRoot appearance={appearance} className="gh-box-wide">
      <section
        {...el('card', 'gh-card gatehouse-organization-profile')}
        aria-labelledby={org.organization ? 'gatehouse-org-title' : undefined}
      >
        {content}
      </section>
    </StyledRoot>
  );
}
