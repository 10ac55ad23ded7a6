// Webhook event types and their payloads: Clerk's event names and JSON shapes (snake_case), built from store rows.

import type { InvitationRow, MembershipRow, OrganizationRow } from '../organizations/organization-store.js';
import type { RoleRow } from '../roles/role-store.js';
import type { SessionRow } from '../sessions/session-store.js';
import type { UserRow } from '../users/user-store.js';

/** Every event type an endpoint can subscribe to. */
export const WEBHOOK_EVENT_TYPES = [
  'user.created',
  'user.updated',
  'user.deleted',
  'session.created',
  'session.ended',
  'session.removed',
  'session.revoked',
  'organization.created',
  'organization.updated',
  'organization.deleted',
  'organizationMembership.created',
  'organizationMembership.updated',
  'organizationMembership.deleted',
  'organizationInvitation.created',
  'organizationInvitation.accepted',
  'organizationInvitation.revoked',
  'role.created',
  'role.updated',
  'role.deleted',
  'factor.created',
  'factor.deleted',
  'factor.verification_failed',
] as const;

export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

type Metadata = Record<string, unknown>;

export interface UserJSON {
  id: string;
  object: 'user';
  first_name: string | null;
  last_name: string | null;
  image_url: string | null;
  has_image: boolean;
  primary_email_address_id: string;
  email_addresses: {
    id: string;
    object: 'email_address';
    email_address: string;
    verification: { status: 'verified' | 'unverified'; strategy: null };
    linked_to: never[];
  }[];
  password_enabled: boolean;
  public_metadata: Metadata;
  private_metadata: Metadata;
  unsafe_metadata: Metadata;
  banned: boolean;
  created_at: number;
  updated_at: number;
  last_sign_in_at: number | null;
}

export interface SessionJSON {
  id: string;
  object: 'session';
  user_id: string;
  client_id: string;
  status: string;
  last_active_organization_id: string | null;
  last_active_at: number;
  expire_at: number;
  abandon_at: number | null;
  created_at: number;
  updated_at: number;
}

export interface OrganizationJSON {
  id: string;
  object: 'organization';
  name: string;
  slug: string;
  image_url: string | null;
  has_image: boolean;
  max_allowed_memberships: number | null;
  public_metadata: Metadata;
  private_metadata: Metadata;
  created_by: string | null;
  created_at: number;
  updated_at: number;
}

export interface OrganizationMembershipJSON {
  id: string;
  object: 'organization_membership';
  role: string;
  public_metadata: Metadata;
  organization: OrganizationJSON | { id: string; object: 'organization' };
  public_user_data: {
    user_id: string;
    identifier: string | null;
    first_name: string | null;
    last_name: string | null;
    image_url: string | null;
    has_image: boolean;
  };
  created_at: number;
  updated_at: number;
}

export interface OrganizationInvitationJSON {
  id: string;
  object: 'organization_invitation';
  email_address: string;
  role: string;
  status: string;
  organization_id: string;
  inviter_user_id: string | null;
  public_metadata: Metadata;
  expires_at: number;
  created_at: number;
  updated_at: number;
}

export interface RoleJSON {
  id: string;
  object: 'role';
  key: string;
  name: string;
  description: string | null;
  permissions: string[];
  created_at: number;
  updated_at: number;
}

/** What a `*.deleted` event carries. */
export interface DeletedObjectJSON {
  id: string;
  object: string;
  deleted: true;
  slug?: string;
  key?: string;
}

/**
 * A second factor or passkey of a user was added or removed, or a verification with one failed
 * (Gatehouse's own events; never a code, secret or credential).
 */
export interface FactorEventJSON {
  object: 'factor_event';
  user_id: string;
  /** The factor's id (`totp_…`, `pk_…`) when one is concerned. */
  factor_id: string | null;
  /** `totp`, `backup_code`, `passkey`, `password`, or `all` for an admin's reset. */
  kind: string;
  /** The audit action behind the event, e.g. `factor.totp.enrolled`, `sign_in.second_factor_failed`. */
  action: string;
  created_at: number;
}

/** The `data` of each event type. */
export interface WebhookEventData {
  'user.created': UserJSON;
  'user.updated': UserJSON;
  'user.deleted': DeletedObjectJSON;
  'session.created': SessionJSON;
  'session.ended': SessionJSON;
  'session.removed': SessionJSON;
  'session.revoked': SessionJSON;
  'organization.created': OrganizationJSON;
  'organization.updated': OrganizationJSON;
  'organization.deleted': DeletedObjectJSON;
  'organizationMembership.created': OrganizationMembershipJSON;
  'organizationMembership.updated': OrganizationMembershipJSON;
  'organizationMembership.deleted': OrganizationMembershipJSON;
  'organizationInvitation.created': OrganizationInvitationJSON;
  'organizationInvitation.accepted': OrganizationInvitationJSON;
  'organizationInvitation.revoked': OrganizationInvitationJSON;
  'role.created': RoleJSON;
  'role.updated': RoleJSON;
  'role.deleted': DeletedObjectJSON;
  'factor.created': FactorEventJSON;
  'factor.deleted': FactorEventJSON;
  'factor.verification_failed': FactorEventJSON;
}

/**
 * The body of every delivery (Clerk's shape), discriminated by `type`: after
 * `if (evt.type === 'user.created')`, `evt.data` is a {@link UserJSON}. `timestamp` is milliseconds
 * since the epoch.
 */
export type WebhookEvent = {
  [T in WebhookEventType]: { data: WebhookEventData[T]; object: 'event'; type: T; timestamp: number; instance_id: string };
}[WebhookEventType];

const json = (text: string): Record<string, unknown> => {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
};
/** A stored JSON array of strings (event types, permissions); null when unreadable. */
export function stringList(text: string): string[] | null {
  try {
    const value: unknown = JSON.parse(text);
    return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : null;
  } catch {
    return null;
  }
}
const n = (value: number | bigint): number => Number(value);
const nn = (value: number | bigint | null): number | null => (value === null ? null : Number(value));

/** The email address's id: Gatehouse has one address per user, so it is derived from the user id. */
const emailId = (userId: string) => `idn_${userId.slice('user_'.length)}`;

export function userData(row: UserRow): UserJSON {
  const primary = emailId(row.id);
  return {
    id: row.id,
    object: 'user',
    first_name: row.first_name,
    last_name: row.last_name,
    image_url: row.image_url,
    has_image: row.image_url !== null,
    primary_email_address_id: primary,
    email_addresses: [
      {
        id: primary,
        object: 'email_address',
        email_address: row.email,
        verification: { status: row.email_verified === 1 ? 'verified' : 'unverified', strategy: null },
        linked_to: [],
      },
    ],
    password_enabled: row.password_hash !== null,
    public_metadata: json(row.public_metadata),
    private_metadata: json(row.private_metadata),
    unsafe_metadata: json(row.unsafe_metadata),
    banned: row.banned === 1,
    created_at: n(row.created_at),
    updated_at: n(row.updated_at),
    last_sign_in_at: nn(row.last_sign_in_at),
  };
}

export function sessionData(row: SessionRow): SessionJSON {
  return {
    id: row.id,
    object: 'session',
    user_id: row.user_id,
    client_id: row.client_id,
    status: row.status,
    last_active_organization_id: row.active_organization_id,
    last_active_at: n(row.last_active_at),
    expire_at: n(row.expire_at),
    abandon_at: nn(row.abandon_at),
    created_at: n(row.created_at),
    updated_at: n(row.updated_at),
  };
}

export function organizationData(row: OrganizationRow): OrganizationJSON {
  return {
    id: row.id,
    object: 'organization',
    name: row.name,
    slug: row.slug,
    image_url: row.image_url,
    has_image: row.image_url !== null,
    max_allowed_memberships: nn(row.max_memberships),
    public_metadata: json(row.public_metadata),
    private_metadata: json(row.private_metadata),
    created_by: row.created_by,
    created_at: n(row.created_at),
    updated_at: n(row.updated_at),
  };
}

export function membershipData(row: MembershipRow, org: OrganizationRow | null, user: UserRow | null): OrganizationMembershipJSON {
  return {
    id: row.id,
    object: 'organization_membership',
    role: row.role,
    public_metadata: json(row.public_metadata),
    organization: org ? organizationData(org) : { id: row.organization_id, object: 'organization' },
    public_user_data: {
      user_id: row.user_id,
      identifier: user?.email ?? null,
      first_name: user?.first_name ?? null,
      last_name: user?.last_name ?? null,
      image_url: user?.image_url ?? null,
      has_image: (user?.image_url ?? null) !== null,
    },
    created_at: n(row.created_at),
    updated_at: n(row.updated_at),
  };
}

export function invitationData(row: InvitationRow): OrganizationInvitationJSON {
  // Never the token hash: it is what the invitation link proves.
  return {
    id: row.id,
    object: 'organization_invitation',
    email_address: row.email,
    role: row.role,
    status: row.status,
    organization_id: row.organization_id,
    inviter_user_id: row.inviter_id,
    public_metadata: {},
    expires_at: n(row.expires_at),
    created_at: n(row.created_at),
    updated_at: n(row.updated_at),
  };
}

export function roleData(row: RoleRow): RoleJSON {
  return {
    id: row.key,
    object: 'role',
    key: row.key,
    name: row.name,
    description: row.description,
    permissions: stringList(row.permissions) ?? [],
    created_at: n(row.created_at),
    updated_at: n(row.updated_at),
  };
}

/** What a `*.deleted` event carries: the id, the object kind and `deleted: true`. */
export function deletedData(object: string, id: string, extra: { slug?: string; key?: string } = {}): DeletedObjectJSON {
  return { id, object, deleted: true, ...extra };
}
