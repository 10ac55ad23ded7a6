// The backend API's organization operations: organizations, memberships and invitations.

import { operation } from '../backend/operation.js';
import {
  EMAIL,
  IMAGE_URL,
  INVITATION_ID,
  LIMIT,
  MAX_MEMBERSHIPS,
  METADATA,
  NAME,
  OFFSET,
  ORG_REF,
  ROLE_KEY,
  USER_ID,
  deleted,
  page,
  requireOrganization,
} from '../backend/operation-inputs.js';
import type { Gatehouse } from '../instance/instance.js';
import type { OrganizationMember } from './memberships.js';
import { MAX_SLUG_LENGTH } from './organizations.js';
import { z } from 'zod';

async function members(gatehouse: Gatehouse, ref: string): Promise<OrganizationMember[]> {
  const org = await requireOrganization(gatehouse, ref);
  // The same shape the member list of the HTTP API shows, without an acting member.
  return (await gatehouse.store.listMembers(org.id)).map((row) => ({
    id: row.id,
    organizationId: row.organization_id,
    userId: row.user_id,
    role: row.role,
    permissions: [...gatehouse.roles.permissionsOf(row.role)],
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
    publicUserData: {
      userId: row.user_id,
      identifier: row.email,
      firstName: row.first_name,
      lastName: row.last_name,
      imageUrl: row.image_url,
    },
  }));
}

export const organizations = {
  getOrganizationList: operation({
    method: 'GET',
    path: '/organizations',
    summary: 'List organizations, oldest first',
    input: z.object({ limit: LIMIT.optional(), offset: OFFSET.optional() }).strict(),
    args: (params: { limit?: number; offset?: number } = {}) => params,
    async run(gatehouse, input) {
      const rows = await gatehouse.store.listOrganizations({ limit: input.limit ?? 10, offset: input.offset ?? 0 });
      const list = await Promise.all(rows.map((row) => requireOrganization(gatehouse, row.id)));
      return page(list, await gatehouse.store.countOrganizations());
    },
  }),
  getOrganization: operation({
    method: 'GET',
    path: '/organizations/{organizationId}',
    summary: 'An organization by id or slug',
    input: z.object({ organizationId: ORG_REF }).strict(),
    args: (params: { organizationId: string } | { slug: string }) => ({
      organizationId: 'organizationId' in params ? params.organizationId : params.slug,
    }),
    run: (gatehouse, input) => requireOrganization(gatehouse, input.organizationId),
  }),
  createOrganization: operation({
    method: 'POST',
    path: '/organizations',
    summary: 'Create an organization; createdBy becomes its first member with the creator role',
    input: z
      .object({
        name: NAME,
        slug: z.string().max(MAX_SLUG_LENGTH).optional(),
        createdBy: USER_ID,
        imageUrl: IMAGE_URL.optional(),
        publicMetadata: METADATA.optional(),
        maxAllowedMemberships: MAX_MEMBERSHIPS.optional(),
        secondFactorRequired: z.boolean().optional(),
      })
      .strict(),
    args: (params: {
      name: string;
      slug?: string;
      createdBy: string;
      imageUrl?: string;
      publicMetadata?: Record<string, unknown>;
      maxAllowedMemberships?: number | null;
      secondFactorRequired?: boolean;
    }) => params,
    async run(gatehouse, { createdBy, maxAllowedMemberships, ...input }, ctx) {
      const { organization } = await gatehouse.organizations.createOrganization(
        createdBy,
        { ...input, ...(maxAllowedMemberships === undefined ? {} : { maxMemberships: maxAllowedMemberships }) },
        ctx,
      );
      return organization;
    },
  }),
  updateOrganization: operation({
    method: 'PATCH',
    path: '/organizations/{organizationId}',
    summary: "Change an organization's name, slug, image, membership limit or second-factor requirement",
    input: z
      .object({
        organizationId: ORG_REF,
        name: NAME.optional(),
        slug: z.string().max(MAX_SLUG_LENGTH).optional(),
        imageUrl: IMAGE_URL.nullable().optional(),
        maxAllowedMemberships: MAX_MEMBERSHIPS.optional(),
        secondFactorRequired: z.boolean().optional(),
      })
      .strict(),
    args: (
      organizationId: string,
      params: {
        name?: string;
        slug?: string;
        imageUrl?: string | null;
        maxAllowedMemberships?: number | null;
        secondFactorRequired?: boolean;
      },
    ) => ({
      ...params,
      organizationId,
    }),
    run: (gatehouse, { organizationId, maxAllowedMemberships, ...changes }, ctx) =>
      gatehouse.organizations.updateOrganization(
        null,
        organizationId,
        { ...changes, ...(maxAllowedMemberships === undefined ? {} : { maxMemberships: maxAllowedMemberships }) },
        ctx,
      ),
  }),
  updateOrganizationMetadata: operation({
    method: 'PATCH',
    path: '/organizations/{organizationId}/metadata',
    summary: 'Merge public metadata into the stored object (a key set to null is removed)',
    input: z.object({ organizationId: ORG_REF, publicMetadata: METADATA }).strict(),
    args: (organizationId: string, params: { publicMetadata: Record<string, unknown> }) => ({ ...params, organizationId }),
    async run(gatehouse, { organizationId, publicMetadata }, ctx) {
      const org = await requireOrganization(gatehouse, organizationId);
      const merged: Record<string, unknown> = { ...org.publicMetadata };
      for (const [key, value] of Object.entries(publicMetadata)) {
        if (value === null) delete merged[key];
        else merged[key] = value;
      }
      return gatehouse.organizations.updateOrganization(null, org.id, { publicMetadata: merged }, ctx);
    },
  }),
  deleteOrganization: operation({
    method: 'DELETE',
    path: '/organizations/{organizationId}',
    summary: 'Delete an organization with its memberships and invitations',
    input: z.object({ organizationId: ORG_REF }).strict(),
    args: (organizationId: string) => ({ organizationId }),
    async run(gatehouse, { organizationId }, ctx) {
      const org = await requireOrganization(gatehouse, organizationId);
      await gatehouse.organizations.deleteOrganization(null, org.id, ctx);
      return deleted('organization', org.id);
    },
  }),
  getOrganizationMembershipList: operation({
    method: 'GET',
    path: '/organizations/{organizationId}/memberships',
    summary: 'Every member with their role and public user data, oldest first',
    input: z.object({ organizationId: ORG_REF }).strict(),
    args: (params: { organizationId: string }) => params,
    run: async (gatehouse, { organizationId }) => page(await members(gatehouse, organizationId)),
  }),
  createOrganizationMembership: operation({
    method: 'POST',
    path: '/organizations/{organizationId}/memberships',
    summary: 'Add a user to an organization with a role',
    input: z.object({ organizationId: ORG_REF, userId: USER_ID, role: ROLE_KEY }).strict(),
    args: (params: { organizationId: string; userId: string; role: string }) => params,
    run: (gatehouse, { organizationId, userId, role }, ctx) => gatehouse.organizations.addMember(organizationId, userId, role, ctx),
  }),
  updateOrganizationMembership: operation({
    method: 'PATCH',
    path: '/organizations/{organizationId}/memberships/{userId}',
    summary: "Change a member's role (never demoting the last admin)",
    input: z.object({ organizationId: ORG_REF, userId: USER_ID, role: ROLE_KEY }).strict(),
    args: (params: { organizationId: string; userId: string; role: string }) => params,
    run: (gatehouse, { organizationId, userId, role }, ctx) =>
      gatehouse.organizations.updateMemberRole(null, organizationId, userId, role, ctx),
  }),
  deleteOrganizationMembership: operation({
    method: 'DELETE',
    path: '/organizations/{organizationId}/memberships/{userId}',
    summary: 'Remove a member (never the last admin)',
    input: z.object({ organizationId: ORG_REF, userId: USER_ID }).strict(),
    args: (params: { organizationId: string; userId: string }) => params,
    async run(gatehouse, { organizationId, userId }, ctx) {
      const org = await requireOrganization(gatehouse, organizationId);
      const membership = await gatehouse.store.findMembership(org.id, userId);
      await gatehouse.organizations.removeMember(null, org.id, userId, ctx);
      return deleted('organization_membership', membership?.id ?? userId);
    },
  }),
  getOrganizationInvitationList: operation({
    method: 'GET',
    path: '/organizations/{organizationId}/invitations',
    summary: "An organization's pending invitations, newest first",
    input: z.object({ organizationId: ORG_REF }).strict(),
    args: (params: { organizationId: string }) => params,
    run: async (gatehouse, { organizationId }) => page(await gatehouse.organizations.invitations.list(null, organizationId)),
  }),
  createOrganizationInvitation: operation({
    method: 'POST',
    path: '/organizations/{organizationId}/invitations',
    summary: 'Invite an email address (the invitation email goes through the configured mailer)',
    input: z
      .object({ organizationId: ORG_REF, emailAddress: EMAIL, role: ROLE_KEY.optional(), inviterUserId: USER_ID.optional() })
      .strict(),
    args: (params: { organizationId: string; emailAddress: string; role?: string; inviterUserId?: string }) => params,
    run: (gatehouse, { organizationId, emailAddress, role, inviterUserId }, ctx) =>
      // With an inviter, their permission to invite is checked as in the app; without one, server code is trusted.
      gatehouse.organizations.invitations.create(inviterUserId ?? null, organizationId, { email: emailAddress, role }, ctx),
  }),
  revokeOrganizationInvitation: operation({
    method: 'POST',
    path: '/organizations/{organizationId}/invitations/{invitationId}/revoke',
    summary: 'Revoke a pending invitation; its link stops working',
    input: z.object({ organizationId: ORG_REF, invitationId: INVITATION_ID, requestingUserId: USER_ID.optional() }).strict(),
    args: (params: { organizationId: string; invitationId: string; requestingUserId?: string }) => params,
    run: (gatehouse, { organizationId, invitationId, requestingUserId }, ctx) =>
      gatehouse.organizations.invitations.revoke(requestingUserId ?? null, organizationId, invitationId, ctx),
  }),
};
