'use client';
// OrganizationSwitcher: the active organization (or the personal account) as a button opening the list to switch to.

import { useState } from 'react';
import { useGatehouse } from './provider.js';
import { useDisclosure } from './use-disclosure.js';
import { useOrganizationList } from './use-organization-list.js';

export interface OrganizationSwitcherProps {
  /** Where "Create organization" leads (a page with `<CreateOrganization />`). */
  createOrganizationUrl?: string;
  /** Where "Manage organization" leads (a page with `<OrganizationProfile />`); left out when not given. */
  organizationProfileUrl?: string;
  /** Hide the personal account (apps where every session must have an organization). */
  hidePersonal?: boolean;
  /** Navigate here after switching; by default the page re-renders in place. */
  afterSelectOrganizationUrl?: string;
}

/**
 * A button named "Organization: <name>" (or "Personal account") that opens the user's
 * organizations; choosing one calls `setActive({ organization })`, which makes the next token
 * carry it and re-renders server components. Renders nothing when signed out.
 * It hides UI only: the server checks membership on every switch and every request.
 */
export function OrganizationSwitcher({
  createOrganizationUrl = '/organizations/new',
  organizationProfileUrl,
  hidePersonal = false,
  afterSelectOrganizationUrl,
}: OrganizationSwitcherProps) {
  const { session } = useGatehouse();
  const { userMemberships, setActive } = useOrganizationList({ userMemberships: true });
  const disclosure = useDisclosure();
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);
  if (!session) return null;

  const active = session.claims.o ?? null;
  const memberships = userMemberships.data ?? [];
  const activeName = active
    ? (memberships.find((m) => m.organizationId === active.id)?.organization.name ?? active.slg ?? active.id)
    : null;
  const label = activeName ?? 'Personal account';

  const choose = async (organization: string | null) => {
    setError(null);
    setPending(true);
    try {
      await setActive({ organization, ...(afterSelectOrganizationUrl ? { redirectUrl: afterSelectOrganizationUrl } : {}) });
      disclosure.setOpen(false);
    } catch (e) {
      setError(e instanceof Error ? e.message : 'The organization could not be selected.');
    }
    setPending(false);
  };

  return (
    <div ref={disclosure.rootRef} className="gatehouse-organization-switcher">
      <button type="button" aria-haspopup="true" aria-label={`Organization: ${label}`} {...disclosure.buttonProps}>
        {label}
      </button>
      {disclosure.open ? (
        <div id={disclosure.panelId} role="group" aria-label="Switch organization" className="gatehouse-popover">
          <ul aria-label="Organizations" aria-busy={userMemberships.isLoading}>
            {hidePersonal ? null : (
              <li>
                <button type="button" aria-pressed={active === null} disabled={pending} onClick={() => void choose(null)}>
                  Personal account
                </button>
              </li>
            )}
            {memberships.map((m) => (
              <li key={m.organizationId}>
                <button
                  type="button"
                  aria-pressed={active?.id === m.organizationId}
                  disabled={pending}
                  onClick={() => void choose(m.organizationId)}
                >
                  {m.organization.name}
                </button>
              </li>
            ))}
          </ul>
          {userMemberships.error ? <p role="alert">{userMemberships.error.message}</p> : null}
          {error ? (
            <p role="alert" className="gatehouse-error">
              {error}
            </p>
          ) : null}
          {active && organizationProfileUrl ? (
            <p>
              <a href={organizationProfileUrl}>Manage organization</a>
            </p>
          ) : null}
          <p>
            <a href={createOrganizationUrl}>Create organization</a>
          </p>
        </div>
      ) : null}
    </div>
  );
}
