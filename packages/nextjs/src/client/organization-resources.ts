// Clerk's organization and membership resources on the client: Dates, an always-set imageUrl, and the membership's organization.

import { generatedAvatarUrl } from '@gatehouse/core';
import type {
  OrganizationWithCounts as ServerOrganization,
  OrganizationMembership as ServerMembership,
  UserOrganizationMembership as ServerUserMembership,
} from '@gatehouse/server';

/** An organization in Clerk's client shape. */
export type Organization = Omit<ServerOrganization, 'createdAt' | 'updatedAt' | 'imageUrl'> & {
  /** The uploaded logo, else a generated initials image (`hasImage` tells them apart). */
  imageUrl: string;
  hasImage: boolean;
  /** Clerk's name for `maxMemberships` (0: no limit, as in Clerk). */
  maxAllowedMemberships: number;
  /** How many members the organization has (as the server counted them when this was read). */
  membersCount: number;
  /** Invitations still pending and not expired (as the server counted them when this was read). */
  pendingInvitationsCount: number;
  /** Whether admins may delete the organization: always, in Gatehouse (`org:sys_profile:delete`). */
  adminDeleteEnabled: boolean;
  createdAt: Date;
  updatedAt: Date;
};

/** The user's membership in the active organization, in Clerk's client shape. */
export type OrganizationMembership = Omit<ServerMembership, 'createdAt' | 'updatedAt'> & {
  createdAt: Date;
  updatedAt: Date;
};

/** A membership of the signed-in user with its organization (`useOrganizationList().userMemberships`). */
export type UserOrganizationMembership = OrganizationMembership & { organization: Organization };

export function organizationResource(org: ServerOrganization): Organization {
  return {
    ...org,
    imageUrl: org.imageUrl ?? generatedAvatarUrl({ id: org.id, firstName: org.name }),
    hasImage: Boolean(org.imageUrl),
    maxAllowedMemberships: org.maxMemberships ?? 0,
    adminDeleteEnabled: true,
    createdAt: new Date(org.createdAt),
    updatedAt: new Date(org.updatedAt),
  };
}

export function membershipResource(membership: ServerMembership): OrganizationMembership {
  return { ...membership, createdAt: new Date(membership.createdAt), updatedAt: new Date(membership.updatedAt) };
}

export function userMembershipResource(membership: ServerUserMembership): UserOrganizationMembership {
  return { ...membershipResource(membership), organization: organizationResource(membership.organization) };
}
