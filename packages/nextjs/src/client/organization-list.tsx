'use client';
// OrganizationList: the user's organizations (and the personal account) to choose from, with a link to create one.

import { useState } from 'react';
import { useGatehouse } from './provider.js';
import { useOrganizationList } from './use-organization-list.js';
import { StyledRoot, useStyling } from './appearance/appearance.js';
import { Avatar, ErrorRegion, SpokenLabel } from './appearance/parts.js';
import type { Appearance } from './appearance/types.js';
import type { RoutingProps } from './trigger-button.js';

export interface OrganizationListProps extends RoutingProps {
  /** Where "Create organization" leads (a page with `<CreateOrganization />`). */
  createOrganizationUrl?: string;
  /** Navigate here once an organization is chosen (`:slug` and `:id` are filled in); by default the page re-renders in place. */
  afterSelectOrganizationUrl?: string;
  /** Navigate here once the personal account is chosen. */
  afterSelectPersonalUrl?: string;
  /** Leave out the personal account (apps where every session must have an organization). */
  hidePersonal?: boolean;
  /** Clerk's `appearance` for this component (over the provider's). */
  appearance?: Appearance;
}

/**
 * A card listing the signed-in user's organizations with their role, each with a "Select" button
 * (`setActive({ organization })`), the personal account unless hidden, and "Create organization".
 * Renders nothing when signed out. It hides UI only: the server checks membership on every switch.
 */
export function OrganizationList({
  createOrganizationUrl = '/organizations/new',
  afterSelectOrganizationUrl,
  afterSelectPersonalUrl,
  hidePersonal = false,
  appearance,
}: OrganizationListProps) {
  const { session } = useGatehouse();
  const { userMemberships, setActive } = useOrganizationList({ userMemberships: true });
  const styling = useStyling(appearance);
  const { el, t, errorText } = styling;
  const texts = t.organizationList;
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState<string | null>(null);
  if (!session) return null;
  const active = session.claims.o?.id ?? null;

  const choose = async (key: string, organization: string | null, redirect: string | undefined) => {
    setError(null);
    setPending(key);
    try {
      await setActive({ organization, ...(redirect ? { redirectUrl: redirect } : {}) });
    } catch (e) {
      setError(e instanceof Error ? e.message : errorText('generic'));
    }
    setPending(null);
  };
  const row = (key: string, name: string, detail: string, selected: boolean, onSelect: () => void, square: boolean) => (
    <li key={key} {...el('organizationListPreviewItem', 'gh-list-item')}>
      <span className="gh-row">
        <Avatar styling={styling} name={name} square={square} />
        <span className="gh-list-main">
          <span>
            <strong>{name}</strong>
            {selected ? <span {...el('badge', 'gh-badge')}>{texts.current}</span> : null}
          </span>
          <span className="gh-muted">{detail}</span>
        </span>
      </span>
      <button
        {...el('organizationListPreviewItemActionButton', selected ? 'gh-btn gh-btn-sm' : 'gh-btn gh-btn-sm gh-btn-primary')}
        type="button"
        aria-pressed={selected}
        disabled={pending !== null}
        onClick={onSelect}
      >
        <SpokenLabel template={texts.selectLabel} name="name" value={name} visible={texts.select} />
      </button>
    </li>
  );
  const fill = (url: string | undefined, slug: string, id: string) => url?.replace(':slug', encodeURIComponent(slug)).replace(':id', id);
  const memberships = userMemberships.data ?? [];
  return (
    <StyledRoot appearance={appearance} className="gh-box">
      <section {...el('card', 'gh-card')} aria-labelledby="gatehouse-organization-list-title">
        <div {...el('header', 'gh-header')}>
          <h2 {...el('headerTitle', 'gh-title')} id="gatehouse-organization-list-title">
            {texts.title}
          </h2>
          <p {...el('headerSubtitle', 'gh-subtitle')}>{texts.subtitle}</p>
        </div>
        <ul {...el('organizationListPreviewItems', 'gh-list')} aria-label={texts.title} aria-busy={userMemberships.isLoading}>
          {hidePersonal
            ? null
            : row(
                'personal',
                t.organizationSwitcher.personalWorkspace,
                session.user.email,
                active === null,
                () => void choose('personal', null, afterSelectPersonalUrl),
                false,
              )}
          {memberships.map((m) =>
            row(
              m.organizationId,
              m.organization.name,
              t.roles[m.role] ?? m.role.replace(/^org:/, ''),
              active === m.organizationId,
              () =>
                void choose(m.organizationId, m.organizationId, fill(afterSelectOrganizationUrl, m.organization.slug, m.organizationId)),
              true,
            ),
          )}
        </ul>
        {userMemberships.data && memberships.length === 0 ? <p className="gh-muted">{texts.empty}</p> : null}
        <ErrorRegion styling={styling} message={userMemberships.error?.message ?? error} />
        <p {...el('footerAction', 'gh-footer')}>
          <a {...el('organizationListCreateOrganizationActionButton', 'gh-link')} href={createOrganizationUrl}>
            {t.organizationSwitcher.action__createOrganization}
          </a>
        </p>
      </section>
    </StyledRoot>
  );
}
