'use client';
// InviteMembersButton (Clerk's): a button that opens the active organization's invite form in a modal.

import { useCallback, useState, type ReactNode } from 'react';
import { InviteMemberForm } from './organization-invitations.js';
import { useOrganization } from './use-organization.js';
import { Modal } from './modal.js';
import { TriggerButton } from './trigger-button.js';
import { StyledRoot, useStyling } from './appearance/appearance.js';
import type { Appearance } from './appearance/types.js';
import type { RoleOption } from './organization-members.js';

export interface InviteMembersButtonProps {
  appearance?: Appearance;
  /** The roles to offer (default: Admin and Member, in the language in effect). */
  roles?: RoleOption[];
  defaultRole?: string;
  /** A single element (your own button) replaces the default one. */
  children?: ReactNode;
}

/**
 * Opens the invite form for the active organization. Renders nothing without an active organization
 * or without `org:sys_memberships:manage` (the server checks every invitation in any case).
 */
export function InviteMembersButton({ appearance, roles: rolesProp, defaultRole = 'org:member', children }: InviteMembersButtonProps) {
  const org = useOrganization();
  const { t, el } = useStyling(appearance);
  const [open, setOpen] = useState(false);
  const close = useCallback(() => setOpen(false), []);
  if (!org.organization || !org.membership?.permissions.includes('org:sys_memberships:manage')) return null;
  const roles = rolesProp ?? ['org:admin', 'org:member'].map((key) => ({ key, name: t.roles[key] ?? key }));
  const title = t.organizationProfile.invitePage.title;
  return (
    <>
      <TriggerButton label={title} onClick={() => setOpen(true)}>
        {children}
      </TriggerButton>
      {open ? (
        <Modal label={title} onClose={close}>
          <StyledRoot appearance={appearance} className="gh-box-wide">
            <section {...el('card', 'gh-card')}>
              <div {...el('header', 'gh-header')}>
                <h2 {...el('headerTitle', 'gh-title')}>{title}</h2>
              </div>
              <InviteMemberForm roles={roles} defaultRole={defaultRole} onInvite={(params) => org.inviteMember(params)} />
            </section>
          </StyledRoot>
        </Modal>
      ) : null}
    </>
  );
}
