'use client';
// useOrganization: the active organization, the user's membership in it, and its members and invitations on demand.

import { useCallback } from 'react';
import type {
  OrganizationInvitation,
  OrganizationMember,
  OrganizationWithCounts as ServerOrganization,
  OrganizationMembership as ServerMembership,
} from '@gatehouse/server';
import { membershipResource, organizationResource, type Organization, type OrganizationMembership } from './organization-resources.js';
import { callApi } from './gatehouse-fetch.js';
import { useGatehouse } from './provider.js';
import { useResource, type Resource } from './use-resource.js';
import { visibleSession } from './use-auth.js';

export type { OrganizationInvitation, OrganizationMember } from '@gatehouse/server';
export type { OrganizationMembership } from './organization-resources.js';

export interface UseOrganizationParams {
  /** Fetch the member list (needs `org:sys_memberships:read`). */
  memberships?: boolean;
  /** Fetch the pending invitations (needs `org:sys_memberships:manage`). */
  invitations?: boolean;
}

export interface UseOrganizationReturn {
  isLoaded: boolean;
  /** The active organization: undefined while loading, null with the personal account or signed out. */
  organization: Organization | null | undefined;
  /** The user's membership in it (role and permissions as the server has them now). */
  membership: OrganizationMembership | null | undefined;
  memberships: Resource<OrganizationMember[]> | undefined;
  invitations: Resource<OrganizationInvitation[]> | undefined;
  /** @throws GatehouseError `forbidden`, `bad_request`, `identifier_exists`, `conflict` */
  inviteMember: (params: { emailAddress: string; role?: string }) => Promise<OrganizationInvitation>;
  /** @throws GatehouseError `forbidden`, `not_found`, `bad_request`, `conflict` (last admin) */
  updateMember: (params: { userId: string; role: string }) => Promise<OrganizationMembership>;
  /** @throws GatehouseError `forbidden`, `not_found`, `conflict` (last admin) */
  removeMember: (userId: string) => Promise<void>;
  /** @throws GatehouseError `forbidden`, `not_found`, `conflict` (already accepted or revoked) */
  revokeInvitation: (invitationId: string) => Promise<void>;
}

type OrgAnswer = { organization: ServerOrganization; membership: ServerMembership };

/**
 * The session's active organization. The server checks every action against the membership in the
 * database now; these calls only save the app from writing the requests.
 */
export function useOrganization(params: UseOrganizationParams = {}): UseOrganizationReturn {
  const { isLoaded, session: current, apiBasePath, fetch, revision } = useGatehouse();
  const session = visibleSession(current);
  const orgId = session?.claims.o?.id ?? null;
  const orgPath = orgId ? `${apiBasePath}/organizations/${encodeURIComponent(orgId)}` : null;
  // The role is part of the key: after a role change the membership and the lists are read again.
  const scope = orgId ? `${session?.user.id}:${orgId}:${session?.claims.o?.rol ?? ''}` : null;

  const org = useResource(
    scope && `org:${scope}`,
    async () => {
      const answer = await callApi<OrgAnswer>(fetch, orgPath!);
      return { organization: organizationResource(answer.organization), membership: membershipResource(answer.membership) };
    },
    revision,
  );
  const memberships = useResource(
    params.memberships && scope ? `members:${scope}` : null,
    async () => (await callApi<{ memberships: OrganizationMember[] }>(fetch, `${orgPath}/memberships`)).memberships,
    revision,
  );
  const invitations = useResource(
    params.invitations && scope ? `invitations:${scope}` : null,
    async () => (await callApi<{ invitations: OrganizationInvitation[] }>(fetch, `${orgPath}/invitations`)).invitations,
    revision,
  );
  const revalidateMembers = memberships.revalidate;
  const revalidateInvitations = invitations.revalidate;

  const requireOrg = useCallback((): string => {
    if (!orgPath) throw new TypeError('There is no active organization.');
    return orgPath;
  }, [orgPath]);

  const inviteMember = useCallback(
    async ({ emailAddress, role }: { emailAddress: string; role?: string }) => {
      const body = role ? { email: emailAddress, role } : { email: emailAddress };
      const answer = await callApi<{ invitation: OrganizationInvitation }>(fetch, `${requireOrg()}/invitations`, { method: 'POST', body });
      await revalidateInvitations();
      return answer.invitation;
    },
    [fetch, requireOrg, revalidateInvitations],
  );
  const updateMember = useCallback(
    async ({ userId, role }: { userId: string; role: string }) => {
      const path = `${requireOrg()}/memberships/${encodeURIComponent(userId)}`;
      const answer = await callApi<{ membership: ServerMembership }>(fetch, path, { method: 'PATCH', body: { role } });
      await revalidateMembers();
      return membershipResource(answer.membership);
    },
    [fetch, requireOrg, revalidateMembers],
  );
  const removeMember = useCallback(
    async (userId: string) => {
      await callApi(fetch, `${requireOrg()}/memberships/${encodeURIComponent(userId)}`, { method: 'DELETE' });
      await revalidateMembers();
    },
    [fetch, requireOrg, revalidateMembers],
  );
  const revokeInvitation = useCallback(
    async (invitationId: string) => {
      await callApi(fetch, `${requireOrg()}/invitations/${encodeURIComponent(invitationId)}/revoke`, { method: 'POST' });
      await revalidateInvitations();
    },
    [fetch, requireOrg, revalidateInvitations],
  );

  const orgLoaded = !orgId || org.data !== undefined || org.error !== null;
  return {
    isLoaded: isLoaded && orgLoaded,
    organization: !isLoaded || !orgLoaded ? undefined : (org.data?.organization ?? null),
    membership: !isLoaded || !orgLoaded ? undefined : (org.data?.membership ?? null),
    memberships: params.memberships ? memberships : undefined,
    invitations: params.invitations ? invitations : undefined,
    inviteMember,
    updateMember,
    removeMember,
    revokeInvitation,
  };
}
