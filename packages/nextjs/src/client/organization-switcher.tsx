'use client';
// OrganizationSwitcher: the active organization (or the personal account) as a button opening the list to switch to.

import { useState } from 'react';
import { hostedPageUrl } from '@gatehouse/core';
import { useGatehouse } from './provider.js';
import { useDisclosure } from './use-disclosure.js';
import { useOrganizationList } from './use-organization-list.js';
import { StyledRoot, useStyling } from './appearance/appearance.js';
import { Avatar, Chevron, ErrorRegion, SpokenLabel } from './appearance/parts.js';
import type { Appearance } from './appearance/types.js';

export interface OrganizationSwitcherProps {
  /** Where "Create organization" leads (a page with `<CreateOrganization />`); default the hosted create page. */
  createOrganizationUrl?: string;
  /** Where "Manage organization" leads (a page with `<OrganizationProfile />`); default the hosted organizations page. */
  organizationProfileUrl?: string;
  /** Where the hosted create page goes once the organization exists (and is active); `:slug` / `:id` are filled in. */
  afterCreateOrganizationUrl?: string;
  /** Navigate here after choosing the personal account. */
  afterSelectPersonalUrl?: string;
  /** Clerk's modal or navigation modes: Gatehouse always navigates to the page. */
  createOrganizationMode?: 'modal' | 'navigation';
  organizationProfileMode?: 'modal' | 'navigation';
  /** Accepted for Clerk's API: the slug field is always offered. */
  hideSlug?: boolean;
  afterLeaveOrganizationUrl?: string;
  /** Hide the personal account (apps where every session must have an organization). */
  hidePersonal?: boolean;
  /** Navigate here after switching; by default the page re-renders in place. */
  afterSelectOrganizationUrl?: string;
  /** Clerk's `appearance` for this component (over the provider's). */
  appearance?: Appearance;
}

/**
 * A button named "Organization: <name>" (or "Personal account") that opens the user's
 * organizations; choosing one calls `setActive({ organization })`, which makes the next token
 * carry it and re-renders server components. Renders nothing when signed out.
 * It hides UI only: the server checks membership on every switch and every request.
 */
export function OrganizationSwitcher({
  createOrganizationUrl,
  organizationProfileUrl,
  hidePersonal = false,
  afterSelectOrganizationUrl,
  afterCreateOrganizationUrl,
  afterSelectPersonalUrl,
  appearance,
}: OrganizationSwitcherProps) {
  const { session, apiBasePath } = useGatehouse();
  const createUrl =
    createOrganizationUrl ??
    `${hostedPageUrl('createOrganization', apiBasePath)}${afterCreateOrganizationUrl ? `?redirect_url=${encodeURIComponent(afterCreateOrganizationUrl)}` : ''}`;
  const profileUrl = organizationProfileUrl ?? hostedPageUrl('organization', apiBasePath);
  const { userMemberships, setActive } = useOrganizationList({ userMemberships: true });
  const disclosure = useDisclosure();
  const styling = useStyling(appearance);
  const { el, t, errorText } = styling;
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);
  if (!session) return null;

  const active = session.claims.o ?? null;
  const memberships = userMemberships.data ?? [];
  const activeName = active
    ? (memberships.find((m) => m.organizationId === active.id)?.organization.name ?? active.slg ?? active.id)
    : null;
  const personal = t.organizationSwitcher.personalWorkspace;
  const label = activeName ?? personal;

  const choose = async (organization: string | null) => {
    setError(null);
    setPending(true);
    try {
      const after = organization === null ? afterSelectPersonalUrl : afterSelectOrganizationUrl;
      await setActive({ organization, ...(after ? { redirectUrl: after } : {}) });
      disclosure.setOpen(false);
    } catch (e) {
      setError(e instanceof Error ? e.message : errorText('generic'));
    }
    setPending(false);
  };
  const item = (key: string, name: string, selected: boolean, organization: string | null, avatarName: string) => (
    <li key={key}>
      <button
        {...el('organizationSwitcherPreviewButton', 'gh-item')}
        type="button"
        aria-pressed={selected}
        disabled={pending}
        onClick={() => void choose(organization)}
      >
        <Avatar styling={styling} name={avatarName} square />
        <span className="gh-trigger-text">{name}</span>
        {selected ? (
          <span className="gh-check-mark" aria-hidden="true">
            ✓
          </span>
        ) : null}
      </button>
    </li>
  );

  return (
    <StyledRoot
      appearance={appearance}
      elementKey="organizationSwitcherBox"
      className="gh-anchor gatehouse-organization-switcher"
      rootRef={disclosure.rootRef}
    >
      <button {...el('organizationSwitcherTrigger', 'gh-trigger')} type="button" aria-haspopup="true" {...disclosure.buttonProps}>
        <Avatar styling={styling} name={activeName ?? session.user.email} square={activeName !== null} />
        <SpokenLabel template={t.organizationSwitcher.triggerLabel} name="name" value={label} />
        <Chevron />
      </button>
      {disclosure.open ? (
        <div
          {...disclosure.panelProps}
          role="group"
          aria-label={t.organizationSwitcher.popoverLabel}
          {...el('organizationSwitcherPopoverCard', 'gh-popover gatehouse-popover')}
        >
          <div className="gh-popover-section">
            <ul
              {...el('organizationSwitcherPopoverList', 'gh-list')}
              aria-label={t.organizationSwitcher.listLabel}
              aria-busy={userMemberships.isLoading}
            >
              {hidePersonal ? null : item('personal', personal, active === null, null, session.user.email)}
              {memberships.map((m) =>
                item(m.organizationId, m.organization.name, active?.id === m.organizationId, m.organizationId, m.organization.name),
              )}
            </ul>
            <ErrorRegion styling={styling} message={userMemberships.error?.message ?? error} />
          </div>
          <div {...el('organizationSwitcherPopoverActions', 'gh-popover-section')}>
            {active ? (
              <a {...el('organizationSwitcherPopoverActionButton__manageOrganization', 'gh-item')} href={profileUrl}>
                {t.organizationSwitcher.action__manageOrganization}
              </a>
            ) : null}
            <a {...el('organizationSwitcherPopoverActionButton__createOrganization', 'gh-item')} href={createUrl}>
              {t.organizationSwitcher.action__createOrganization}
            </a>
          </div>
        </div>
      ) : null}
    </StyledRoot>
  );
}
