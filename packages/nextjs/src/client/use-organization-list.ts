'use client';
// useOrganizationList: the user's memberships, switching the active organization, and creating one.

import { useCallback } from 'react';
import type { Organization as ServerOrganization, UserOrganizationMembership as ServerUserMembership } from '@gatehouse/server';
import {
  organizationResource,
  userMembershipResource,
  type Organization,
  type UserOrganizationMembership,
} from './organization-resources.js';
import { callApi } from './gatehouse-fetch.js';
import { useGatehouse, type SetActiveParams } from './provider.js';
import { useResource, type Resource } from './use-resource.js';

export type { Organization, UserOrganizationMembership } from './organization-resources.js';

export interface CreateOrganizationParams {
  name: string;
  /** Lowercase letters, digits and single hyphens; derived from the name when left out. */
  slug?: string;
}

export interface UseOrganizationListReturn {
  isLoaded: boolean;
  /** Every organization the user belongs to, with the user's role; fetched when asked for. */
  userMemberships: Resource<UserOrganizationMembership[]>;
  /**
   * `setActive({ organization })` makes an org (id, slug or object) the session's active one, or the
   * personal account (null); the provider reloads and server components re-render.
   * @throws GatehouseError `not_found` (not a member), `unauthenticated`
   */
  setActive: (params: SetActiveParams) => Promise<void>;
  /**
   * Creates an organization with the user as its creator (admin); it does not switch to it.
   * @throws GatehouseError `bad_request` (name or slug invalid), `identifier_exists` (slug taken)
   */
  createOrganization: (params: CreateOrganizationParams) => Promise<Organization>;
}

/**
 * The user's organizations. Pass `{ userMemberships: true }` to fetch the list (Clerk's opt-in).
 * A pending session (organization required) still sees its memberships: choosing one is how it
 * becomes active.
 */
export function useOrganizationList(params: { userMemberships?: boolean } = {}): UseOrganizationListReturn {
  const { isLoaded, session, apiBasePath, fetch, revision, setActive, invalidate } = useGatehouse();
  const userId = session?.user.id ?? null;
  const key = params.userMemberships && userId ? `memberships:${userId}` : null;
  const userMemberships = useResource(
    key,
    async () =>
      (await callApi<{ memberships: ServerUserMembership[] }>(fetch, `${apiBasePath}/organizations`)).memberships.map(
        userMembershipResource,
      ),
    revision,
  );

  const createOrganization = useCallback(
    async ({ name, slug }: CreateOrganizationParams): Promise<Organization> => {
      const body = slug ? { name, slug } : { name };
      const { organization } = await callApi<{ organization: ServerOrganization }>(fetch, `${apiBasePath}/organizations`, {
        method: 'POST',
        body,
      });
      invalidate();
      // Its creator is its only member, and nobody is invited yet.
      return organizationResource({ ...organization, membersCount: 1, pendingInvitationsCount: 0 });
    },
    [fetch, apiBasePath, invalidate],
  );

  return { isLoaded, userMemberships, setActive, createOrganization };
}
