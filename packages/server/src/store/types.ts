// The store's rows and the one interface every database implements.

import type { Generated, Insertable, Selectable, Updateable } from 'kysely';

export interface UsersTable {
  id: string;
  email: string;
  email_verified: number;
  password_hash: string | null;
  first_name: string | null;
  last_name: string | null;
  image_url: string | null;
  public_metadata: string;
  private_metadata: string;
  unsafe_metadata: string;
  banned: number;
  created_at: number;
  updated_at: number;
  last_sign_in_at: number | null;
}

export interface ClientsTable {
  id: string;
  token_hash: string;
  previous_token_hash: string | null;
  rotated_at: number;
  active_session_id: string | null;
  created_at: number;
  updated_at: number;
}

export type SessionStatus = 'active' | 'pending' | 'ended' | 'removed' | 'revoked' | 'expired' | 'abandoned';

export interface SessionsTable {
  id: string;
  client_id: string;
  user_id: string;
  status: SessionStatus;
  created_at: number;
  updated_at: number;
  last_active_at: number;
  expire_at: number;
  abandon_at: number | null;
  ended_at: number | null;
  active_organization_id: string | null;
  factor_verified_at: number;
  ip: string | null;
  user_agent: string | null;
}

export interface SigningKeysTable {
  id: string;
  alg: string;
  public_jwk: string;
  private_jwk_sealed: string;
  status: 'active' | 'previous' | 'retired';
  created_at: number;
  retire_at: number | null;
}

export interface AuditEventsTable {
  id: Generated<number>;
  at: number;
  action: string;
  actor_id: string | null;
  subject_id: string | null;
  ip: string | null;
  user_agent: string | null;
  data: string;
}

export interface OrganizationsTable {
  id: string;
  name: string;
  slug: string;
  image_url: string | null;
  public_metadata: string;
  private_metadata: string;
  max_memberships: number | null;
  created_by: string | null;
  created_at: number;
  updated_at: number;
}

export interface MembershipsTable {
  id: string;
  organization_id: string;
  user_id: string;
  role: string;
  public_metadata: string;
  created_at: number;
  updated_at: number;
}

export type InvitationStatus = 'pending' | 'accepted' | 'revoked' | 'expired';

export interface InvitationsTable {
  id: string;
  organization_id: string;
  email: string;
  role: string;
  status: InvitationStatus;
  token_hash: string;
  inviter_id: string | null;
  expires_at: number;
  created_at: number;
  updated_at: number;
}

export interface InstanceTable {
  key: string;
  value: string;
}

export interface Database {
  users: UsersTable;
  clients: ClientsTable;
  sessions: SessionsTable;
  signing_keys: SigningKeysTable;
  audit_events: AuditEventsTable;
  instance: InstanceTable;
  organizations: OrganizationsTable;
  memberships: MembershipsTable;
  invitations: InvitationsTable;
}

export type UserRow = Selectable<UsersTable>;
export type ClientRow = Selectable<ClientsTable>;
export type SessionRow = Selectable<SessionsTable>;
export type SigningKeyRow = Selectable<SigningKeysTable>;
export type AuditEventRow = Selectable<AuditEventsTable>;
export type OrganizationRow = Selectable<OrganizationsTable>;
export type MembershipRow = Selectable<MembershipsTable>;
export type InvitationRow = Selectable<InvitationsTable>;

/** Everything the use cases ask of a database. Implemented once over Kysely for every dialect. */
export interface Store {
  getInstanceValue(key: string): Promise<string | null>;
  setInstanceValue(key: string, value: string): Promise<void>;

  insertUser(row: Insertable<UsersTable>): Promise<void>;
  findUserById(id: string): Promise<UserRow | null>;
  findUserByEmail(email: string): Promise<UserRow | null>;
  updateUser(id: string, changes: Updateable<UsersTable>): Promise<void>;

  insertClient(row: Insertable<ClientsTable>): Promise<void>;
  findClient(id: string): Promise<ClientRow | null>;
  updateClient(id: string, changes: Updateable<ClientsTable>): Promise<void>;

  insertSession(row: Insertable<SessionsTable>): Promise<void>;
  findSession(id: string): Promise<SessionRow | null>;
  updateSession(id: string, changes: Updateable<SessionsTable>): Promise<void>;
  listSessionsOfClient(clientId: string): Promise<SessionRow[]>;
  /** Sets `status` on every live (active or pending) session of a client; returns the ids changed. */
  endLiveSessionsOfClient(clientId: string, status: SessionStatus, at: number): Promise<string[]>;
  /** The live (active or pending) sessions of a user on every client, most recently active first. */
  listLiveSessionsOfUser(userId: string): Promise<SessionRow[]>;
  /**
   * Sets `status` on those of `ids` that are still live; returns the ids changed. The status check
   * is part of the update, so two concurrent endings never both report (and audit) one session.
   */
  endLiveSessions(ids: readonly string[], status: SessionStatus, at: number): Promise<string[]>;

  insertSigningKey(row: Insertable<SigningKeysTable>): Promise<void>;
  listSigningKeys(): Promise<SigningKeyRow[]>;
  updateSigningKey(id: string, changes: Updateable<SigningKeysTable>): Promise<void>;

  /** By id (`org_…`) or by slug. */
  findOrganization(idOrSlug: string): Promise<OrganizationRow | null>;
  findMembership(organizationId: string, userId: string): Promise<MembershipRow | null>;
  /** The user's memberships, most recently created first. */
  listUserMemberships(userId: string): Promise<MembershipRow[]>;

  appendAudit(row: Insertable<AuditEventsTable>): Promise<void>;
  listAudit(filter?: { action?: string; subjectId?: string; limit?: number }): Promise<AuditEventRow[]>;

  /** Runs `fn` atomically; concurrent transactions never interleave their reads and writes. */
  transaction<T>(fn: (store: Store) => Promise<T>): Promise<T>;
}
