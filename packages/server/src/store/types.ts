// The store's rows and the one interface every database implements.

import type { Generated, Insertable, Selectable, Updateable } from 'kysely';
import type { AccountStore, AccountsDatabase } from '../accounts/account-store.js';
import type { MetricsStore } from '../observability/metrics-store.js';
import type { AdminClaimStore, AdminClaimsDatabase } from '../admin-claim/claim-store.js';
import type { MailDatabase, MailStore } from '../mail/mail-store.js';
import type { OauthDatabase, OauthStore } from '../oauth/oauth-queries.js';
import type { MachineStore, MachinesDatabase } from '../machines/machine-store.js';
import type { ClientTokenStore, ClientTokensDatabase } from './client-token-queries.js';

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
  /** When `token_hash` was first presented (null: not yet; its predecessor stays good). */
  token_seen_at: number | null;
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
  /** When this session last verified a second factor (TOTP, backup code, passkey); null: never. */
  second_factor_verified_at: number | null;
  ip: string | null;
  user_agent: string | null;
  /** Impersonation: the instance admin acting as this session's user (the token's `act.sub`). */
  actor_id?: string | null;
  /** Impersonation: the admin's own session, which "Stop impersonating" makes active again. */
  actor_session_id?: string | null;
}

export interface SigningKeysTable {
  id: string;
  alg: string;
  public_jwk: string;
  private_jwk_sealed: string;
  /** `next`: published, signs from `activate_at` on; `active`: signs; `previous`: verifies until `retire_at`. */
  status: 'next' | 'active' | 'previous' | 'retired';
  created_at: number;
  retire_at: number | null;
  activate_at: number | null;
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
  /** The organization the event concerns; derived on append from the subject or `data.organization` when left out. */
  organization_id?: string | null;
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

/** Organization roles created at run time (built-in and configured roles are not stored). */
export interface RolesTable {
  /** `org:<name>`. */
  key: string;
  name: string;
  description: string | null;
  /** JSON array of `org:<feature>:<action>`. */
  permissions: string;
  created_at: number;
  updated_at: number;
}

/** JWT templates created at run time (configured ones are not stored). An HMAC secret is stored only as the name of the environment variable that holds it. */
export interface JwtTemplatesTable {
  name: string;
  /** JSON object with shortcodes. */
  claims: string;
  lifetime_seconds: number;
  allowed_clock_skew_seconds: number;
  /** `RS256` (the instance key) or `HS256|HS384|HS512` (with `signing_secret_env`). */
  signing_algorithm: string;
  signing_secret_env: string | null;
  created_at: number;
  updated_at: number;
}

/** An endpoint that receives webhooks. The signing secret is stored only sealed with the master secret. */
export interface WebhookEndpointsTable {
  id: string;
  url: string;
  description: string | null;
  /** `whsec_…` sealed (compact JWE under a key derived from the master secret). */
  secret_sealed: string;
  /** The secret before the last rotation: deliveries are signed with both until `previous_secret_until`. */
  previous_secret_sealed: string | null;
  previous_secret_until: number | null;
  /** JSON array of event types; empty: every event. */
  event_types: string;
  enabled: number;
  created_at: number;
  updated_at: number;
}

/** The outbox: one row per event, written in the transaction of the change that caused it. */
export interface WebhookEventsTable {
  /** `msg_…`: the `webhook-id` of every delivery of this event, stable across retries. */
  id: string;
  type: string;
  /** The exact JSON body sent. */
  payload: string;
  created_at: number;
}

export type WebhookDeliveryStatus = 'pending' | 'succeeded' | 'failed';

/** One event to one endpoint; `failed` is the dead-letter state (no more automatic attempts). */
export interface WebhookDeliveriesTable {
  id: string;
  event_id: string;
  endpoint_id: string;
  status: WebhookDeliveryStatus;
  attempts: number;
  next_attempt_at: number;
  /** Which worker holds the delivery and until when (a crashed worker's lease runs out). */
  lease_owner: string | null;
  lease_until: number | null;
  last_status_code: number | null;
  last_error: string | null;
  created_at: number;
  updated_at: number;
}

/** One HTTP attempt of a delivery: status, duration, error (never a secret or the response body). */
export interface WebhookAttemptsTable {
  id: Generated<number>;
  delivery_id: string;
  attempt: number;
  at: number;
  status_code: number | null;
  duration_ms: number;
  error: string | null;
}

/** A session whose row is gone (its user was deleted), kept while a token of it could still verify. */
export interface RevokedSessionsTable {
  id: string;
  revoked_at: number;
}

export type FactorKind = 'totp' | 'passkey';

/** A TOTP authenticator or a passkey of a user. */
export interface UserFactorsTable {
  /** `totp_…` or `pk_…`. */
  id: string;
  user_id: string;
  kind: FactorKind;
  /** `unverified` until a TOTP enrolment is confirmed by a code; passkeys are born `verified`. */
  status: 'unverified' | 'verified';
  name: string;
  /** TOTP only: the base32 secret sealed under the master secret. */
  secret_sealed: string | null;
  /** TOTP only: the last accepted time step (a code is good once). */
  last_step: number | null;
  /** Passkeys only: the credential id (base64url), its COSE public key (base64url), signature counter and flags. */
  credential_id: string | null;
  public_key: string | null;
  counter: Generated<number>;
  device_type: string | null;
  backed_up: Generated<number>;
  /** JSON array of the authenticator's transports. */
  transports: Generated<string>;
  last_used_at: number | null;
  created_at: number;
  updated_at: number;
}

export interface BackupCodesTable {
  id: string;
  user_id: string;
  /** SHA-256 of the code (they are random and high-entropy enough for a plain hash). */
  code_hash: string;
  used_at: number | null;
  created_at: number;
}

export type ChallengePurpose = 'second_factor' | 'passkey_registration' | 'passkey_sign_in' | 'passkey_reverify';

/** One-time state between two requests, found by the hash of a secret the browser holds. */
export interface FactorChallengesTable {
  id: string;
  secret_hash: string;
  purpose: ChallengePurpose;
  user_id: string | null;
  session_id: string | null;
  /** The WebAuthn challenge (base64url), or for a second-factor sign-in the client token presented with the password. */
  challenge: string | null;
  failures: Generated<number>;
  expires_at: number;
  created_at: number;
}

export interface Database
  extends AccountsDatabase, MailDatabase, OauthDatabase, MachinesDatabase, ClientTokensDatabase, AdminClaimsDatabase {
  users: UsersTable;
  clients: ClientsTable;
  sessions: SessionsTable;
  signing_keys: SigningKeysTable;
  audit_events: AuditEventsTable;
  instance: InstanceTable;
  organizations: OrganizationsTable;
  memberships: MembershipsTable;
  invitations: InvitationsTable;
  roles: RolesTable;
  jwt_templates: JwtTemplatesTable;
  webhook_endpoints: WebhookEndpointsTable;
  webhook_events: WebhookEventsTable;
  webhook_deliveries: WebhookDeliveriesTable;
  webhook_attempts: WebhookAttemptsTable;
  revoked_sessions: RevokedSessionsTable;
  user_factors: UserFactorsTable;
  backup_codes: BackupCodesTable;
  factor_challenges: FactorChallengesTable;
}

export type UserRow = Selectable<UsersTable>;
export type ClientRow = Selectable<ClientsTable>;
export type SessionRow = Selectable<SessionsTable>;
export type SigningKeyRow = Selectable<SigningKeysTable>;
export type AuditEventRow = Selectable<AuditEventsTable>;
export type OrganizationRow = Selectable<OrganizationsTable>;
export type MembershipRow = Selectable<MembershipsTable>;
export type InvitationRow = Selectable<InvitationsTable>;
export type RoleRow = Selectable<RolesTable>;
export type JwtTemplateRow = Selectable<JwtTemplatesTable>;
export type WebhookEndpointRow = Selectable<WebhookEndpointsTable>;
export type WebhookDeliveryRow = Selectable<WebhookDeliveriesTable>;
export type WebhookAttemptRow = Selectable<WebhookAttemptsTable>;
export type UserFactorRow = Selectable<UserFactorsTable>;
export type FactorChallengeRow = Selectable<FactorChallengesTable>;
/** A delivery with its event's type (what a delivery log lists). */
export type WebhookDeliveryListRow = WebhookDeliveryRow & { event_type: string };
/** A claimed delivery with everything needed to send it. */
export type ClaimedWebhookDelivery = WebhookDeliveryRow & {
  event_type: string;
  payload: string;
  url: string;
  secret_sealed: string;
  previous_secret_sealed: string | null;
  previous_secret_until: number | null;
};

/** A membership with the public fields of its user (what an org's member list shows). */
export type MemberRow = MembershipRow & Pick<UserRow, 'email' | 'first_name' | 'last_name' | 'image_url'>;

/** What the audit log can be searched by; every field given must match. */
export interface AuditFilter {
  actorId?: string | undefined;
  /** An exact action (`session.revoked`) or a prefix ending in `.` (`session.`). */
  action?: string | undefined;
  subjectId?: string | undefined;
  organizationId?: string | undefined;
  /** Milliseconds since the epoch, inclusive. */
  since?: number | undefined;
  /** Milliseconds since the epoch, exclusive. */
  until?: number | undefined;
  /** Only rows with a smaller id (the rows after the previous page). */
  beforeId?: number | undefined;
  limit: number;
}

/** The databases the store runs on. */
export type Dialect = 'sqlite' | 'postgres';

/** The webhook tables: endpoints, the outbox, deliveries and their attempt log. */
export interface WebhookStore {
  insertWebhookEndpoint(row: Insertable<WebhookEndpointsTable>): Promise<void>;
  findWebhookEndpoint(id: string): Promise<WebhookEndpointRow | null>;
  listWebhookEndpoints(): Promise<WebhookEndpointRow[]>;
  updateWebhookEndpoint(id: string, changes: Updateable<WebhookEndpointsTable>): Promise<boolean>;
  /** Deletes an endpoint with its deliveries and their attempts. */
  deleteWebhookEndpoint(id: string): Promise<boolean>;
  /** The enabled endpoints' ids and event filters: who gets a new event. */
  listEnabledWebhookSubscriptions(): Promise<{ id: string; event_types: string }[]>;
  insertWebhookEvent(row: Insertable<WebhookEventsTable>): Promise<void>;
  insertWebhookDeliveries(rows: Insertable<WebhookDeliveriesTable>[]): Promise<void>;
  /**
   * Leases up to `limit` due deliveries (pending, `next_attempt_at <= now`, no live lease, endpoint
   * enabled) to `owner` until `now + leaseMs`, counting the attempt. On PostgreSQL the candidate rows
   * are locked with `FOR UPDATE SKIP LOCKED`, so concurrent workers take disjoint sets; SQLite has
   * one writer at a time. A worker that dies leaves its lease to run out, then another takes it.
   */
  claimWebhookDeliveries(options: { now: number; limit: number; leaseMs: number; owner: string }): Promise<ClaimedWebhookDelivery[]>;
  /** Records an attempt's outcome, only while `owner` still holds the lease. False when it lost it. */
  finishWebhookDelivery(id: string, owner: string, changes: Updateable<WebhookDeliveriesTable>): Promise<boolean>;
  insertWebhookAttempt(row: Insertable<WebhookAttemptsTable>): Promise<void>;
  findWebhookDelivery(id: string): Promise<WebhookDeliveryListRow | null>;
  /** Newest first. */
  listWebhookDeliveries(filter: { endpointId?: string; status?: WebhookDeliveryStatus; limit: number }): Promise<WebhookDeliveryListRow[]>;
  /** Oldest first. */
  listWebhookAttempts(deliveryId: string): Promise<WebhookAttemptRow[]>;
  /** Makes a delivery due again at `at` (a fresh set of attempts); its lease is dropped. */
  resetWebhookDelivery(id: string, at: number): Promise<boolean>;
  /** The membership with this id (webhook payloads of a removal are read before the row goes). */
  findMembershipById(id: string): Promise<MembershipRow | null>;
}

/** The second-factor and passkey tables (queries in `factors/factor-queries.ts`). */
export interface FactorStore {
  insertFactor(row: Insertable<UserFactorsTable>): Promise<void>;
  /** The user's factors, oldest first (of one kind, when given). */
  listFactors(userId: string, kind?: FactorKind): Promise<UserFactorRow[]>;
  findFactor(userId: string, id: string): Promise<UserFactorRow | null>;
  findPasskeyByCredentialId(credentialId: string): Promise<UserFactorRow | null>;
  updateFactor(id: string, changes: Updateable<UserFactorsTable>): Promise<void>;
  /**
   * Moves a TOTP factor's last accepted step to `step` only if it is below it; false when a code of
   * that step (or a later one) was already accepted: the compare is part of the update, so of two
   * concurrent uses of one code only one wins.
   */
  advanceTotpStep(id: string, step: number, at: number): Promise<boolean>;
  /** Sets a passkey's counter and flags, only if the stored counter is still `expected` (a concurrent use loses). */
  advancePasskeyCounter(id: string, expected: number, changes: { counter: number; backed_up: number; at: number }): Promise<boolean>;
  deleteFactor(userId: string, id: string): Promise<boolean>;
  deleteFactors(userId: string, kind?: FactorKind): Promise<number>;
  replaceBackupCodes(userId: string, rows: Insertable<BackupCodesTable>[]): Promise<void>;
  /** Marks an unused code used; false when there is none with that hash or it was used already (the check is part of the update). */
  useBackupCode(userId: string, codeHash: string, at: number): Promise<boolean>;
  countUnusedBackupCodes(userId: string): Promise<number>;
  insertChallenge(row: Insertable<FactorChallengesTable>): Promise<void>;
  findChallenge(secretHash: string): Promise<FactorChallengeRow | null>;
  /** Deletes a challenge; false when it was gone already (a second use of it loses). */
  consumeChallenge(id: string): Promise<boolean>;
  /** Counts a wrong answer against a challenge; returns the failures so far. */
  failChallenge(id: string): Promise<number>;
  pruneChallenges(before: number): Promise<void>;
}

/** Everything the use cases ask of a database. Implemented once over Kysely for every dialect. */
export interface Store
  extends WebhookStore, AccountStore, MailStore, OauthStore, MachineStore, FactorStore, ClientTokenStore, MetricsStore, AdminClaimStore {
  getInstanceValue(key: string): Promise<string | null>;
  setInstanceValue(key: string, value: string): Promise<void>;
  /**
   * Stores `value` unless the key already has one; returns the value stored. Of two processes
   * starting at once, both end up with the first one's value.
   */
  initInstanceValue(key: string, value: string): Promise<string>;

  insertUser(row: Insertable<UsersTable>): Promise<void>;
  findUserById(id: string): Promise<UserRow | null>;
  findUserByEmail(email: string): Promise<UserRow | null>;
  updateUser(id: string, changes: Updateable<UsersTable>): Promise<void>;

  insertClient(row: Insertable<ClientsTable>): Promise<void>;
  findClient(id: string): Promise<ClientRow | null>;
  /**
   * Like {@link findClient}, and the row stays locked until the transaction ends (`SELECT … FOR
   * UPDATE` on PostgreSQL), so two instances refreshing one client run one after the other and the
   * second sees the first one's rotation. SQLite serialises write transactions already.
   */
  findClientForUpdate(id: string): Promise<ClientRow | null>;
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
  /**
   * Sessions that ended (any way) after `at`, deleted users' sessions included: what a revocation
   * list must hold after a restart.
   */
  listSessionsEndedSince(at: number): Promise<{ id: string; ended_at: number }[]>;

  insertSigningKey(row: Insertable<SigningKeysTable>): Promise<void>;
  listSigningKeys(): Promise<SigningKeyRow[]>;
  updateSigningKey(id: string, changes: Updateable<SigningKeysTable>): Promise<void>;

  /** By id (`org_…`) or by slug. */
  findOrganization(idOrSlug: string): Promise<OrganizationRow | null>;
  findMembership(organizationId: string, userId: string): Promise<MembershipRow | null>;
  /** The user's memberships, most recently created first. */
  listUserMemberships(userId: string): Promise<MembershipRow[]>;
  listOrganizationsByIds(ids: readonly string[]): Promise<OrganizationRow[]>;
  insertOrganization(row: Insertable<OrganizationsTable>): Promise<void>;
  updateOrganization(id: string, changes: Updateable<OrganizationsTable>): Promise<void>;
  /** Deletes an organization with its memberships and invitations. */
  deleteOrganization(id: string): Promise<void>;
  /**
   * Takes the organization row's write lock for the rest of the transaction (a no-op update), so
   * that membership changes of one org (the last-admin guard, the membership limit) run one after
   * another on databases with row locks. False when there is no such organization.
   */
  lockOrganization(id: string): Promise<boolean>;
  insertMembership(row: Insertable<MembershipsTable>): Promise<void>;
  updateMembership(id: string, changes: Updateable<MembershipsTable>): Promise<void>;
  deleteMembership(id: string): Promise<void>;
  /** An org's members with their users' public fields, oldest membership first. */
  listMembers(organizationId: string): Promise<MemberRow[]>;
  /** How many members an org has (only those holding one of `roles`, when given). */
  countMemberships(organizationId: string, roles?: readonly string[]): Promise<number>;
  /** Clears `active_organization_id` on the sessions that have this org active (of one user, or of everyone). */
  clearActiveOrganization(organizationId: string, userId?: string): Promise<void>;

  insertInvitation(row: Insertable<InvitationsTable>): Promise<void>;
  findInvitation(id: string): Promise<InvitationRow | null>;
  findInvitationByTokenHash(tokenHash: string): Promise<InvitationRow | null>;
  /** An org's invitations that are pending and not expired at `at` (for one email, when given), newest first. */
  listPendingInvitations(organizationId: string, at: number, email?: string): Promise<InvitationRow[]>;
  /**
   * Moves a pending invitation to `status`. The status check is part of the update, so of two
   * concurrent accepts (or an accept and a revoke) only one wins; false for the loser.
   */
  settleInvitation(id: string, status: Exclude<InvitationStatus, 'pending'>, at: number): Promise<boolean>;

  appendAudit(row: Insertable<AuditEventsTable>): Promise<void>;
  listAudit(filter?: { action?: string; subjectId?: string; limit?: number }): Promise<AuditEventRow[]>;
  /** Audit rows matching every given filter, newest first, with ids below `beforeId` (the cursor). */
  queryAudit(filter: AuditFilter): Promise<AuditEventRow[]>;

  /** Runs `fn` atomically; concurrent transactions never interleave their reads and writes. */
  transaction<T>(fn: (store: Store) => Promise<T>): Promise<T>;

  /**
   * Users, oldest first (the backend API, the CLI and the dashboard page through them). `query`
   * keeps those whose id is it, or whose email or name contains it (case-insensitive).
   */
  listUsers(options: { limit: number; offset: number; query?: string }): Promise<UserRow[]>;
  /**
   * Deletes a user; their sessions and memberships go with them. Their sessions that ended after
   * `keepRevokedSince` are remembered in `revoked_sessions` (so {@link listSessionsEndedSince} still
   * returns them after a restart), and remembered ones from before it are pruned.
   */
  deleteUser(id: string, keepRevokedSince: number): Promise<void>;
  /** Organizations, oldest first; `query` keeps those whose id or slug is it, or whose name or slug contains it. */
  listOrganizations(options: { limit: number; offset: number; query?: string }): Promise<OrganizationRow[]>;
  countUsers(): Promise<number>;
  countOrganizations(): Promise<number>;

  /** The roles created at run time, by key. */
  listRoles(): Promise<RoleRow[]>;
  /** Creates the role or replaces its fields (all but `created_at`). */
  saveRole(row: Insertable<RolesTable>): Promise<void>;
  deleteRole(key: string): Promise<void>;
  /** The JWT templates created at run time, by name. */
  listJwtTemplates(): Promise<JwtTemplateRow[]>;
  /** Creates the template or replaces its fields (all but `created_at`). */
  saveJwtTemplate(row: Insertable<JwtTemplatesTable>): Promise<void>;
  deleteJwtTemplate(name: string): Promise<void>;
  /** The users holding `role` in any organization (each once): whose tokens a change of the role makes stale. */
  listUserIdsWithRole(role: string): Promise<string[]>;
  /** Invitations naming `role` that can still be accepted at `at`. */
  countPendingInvitationsWithRole(role: string, at: number): Promise<number>;
  /**
   * How many organizations have a member holding `role` and no member holding any of `otherRoles`:
   * those a change of `role` would leave without, say, anyone who can manage members.
   */
  countOrganizationsRelyingOn(role: string, otherRoles: readonly string[]): Promise<number>;
}
