// The OAuth tables (connections, SSO domains, external accounts, used states) and their queries, spread into the Store.

import type { Insertable, Kysely, Selectable, Transaction, Updateable } from 'kysely';
import type { Database } from '../store/types.js';

export interface OauthConnectionsTable {
  id: string;
  name: string;
  preset: string | null;
  issuer: string | null;
  client_id: string;
  client_secret_sealed: string | null;
  /** Space-separated. */
  scopes: string;
  organization_id: string | null;
  default_role: string | null;
  created_at: number;
  updated_at: number;
}

export interface OauthDomainsTable {
  domain: string;
  connection_id: string;
  /** The value the domain's DNS TXT record must hold (public, not a secret). */
  verification_token: string;
  verified_at: number | null;
  created_at: number;
}

export interface ExternalAccountsTable {
  id: string;
  user_id: string;
  /** The connection id (`google`, `github`, a custom id). */
  provider: string;
  /** The provider's stable user id (`sub`, or GitHub's numeric id). */
  subject: string;
  email: string | null;
  email_verified: number;
  first_name: string | null;
  last_name: string | null;
  image_url: string | null;
  username: string | null;
  created_at: number;
  updated_at: number;
}

export interface OauthUsedStatesTable {
  state_hash: string;
  expires_at: number;
}

/** The OAuth tables, part of the store's Database. */
export interface OauthDatabase {
  oauth_connections: OauthConnectionsTable;
  oauth_domains: OauthDomainsTable;
  external_accounts: ExternalAccountsTable;
  oauth_used_states: OauthUsedStatesTable;
}

export type OauthConnectionRow = Selectable<OauthConnectionsTable>;
export type OauthDomainRow = Selectable<OauthDomainsTable>;
export type ExternalAccountRow = Selectable<ExternalAccountsTable>;

/** What the OAuth use cases ask of a database. */
export interface OauthStore {
  listOauthConnections(): Promise<OauthConnectionRow[]>;
  /** Creates the connection or replaces its fields (all but `created_at`). */
  saveOauthConnection(row: Insertable<OauthConnectionsTable>): Promise<void>;
  deleteOauthConnection(id: string): Promise<boolean>;
  listOauthDomains(connectionId?: string): Promise<OauthDomainRow[]>;
  findOauthDomain(domain: string): Promise<OauthDomainRow | null>;
  insertOauthDomain(row: Insertable<OauthDomainsTable>): Promise<void>;
  updateOauthDomain(domain: string, changes: Updateable<OauthDomainsTable>): Promise<boolean>;
  deleteOauthDomain(domain: string): Promise<boolean>;
  findExternalAccount(provider: string, subject: string): Promise<ExternalAccountRow | null>;
  findExternalAccountById(id: string): Promise<ExternalAccountRow | null>;
  /** A user's external accounts, oldest first. */
  listExternalAccounts(userId: string): Promise<ExternalAccountRow[]>;
  insertExternalAccount(row: Insertable<ExternalAccountsTable>): Promise<void>;
  updateExternalAccount(id: string, changes: Updateable<ExternalAccountsTable>): Promise<void>;
  deleteExternalAccount(id: string): Promise<boolean>;
  /**
   * Records a flow state as used; false when it was used before (a replayed callback). The primary
   * key decides, so of two concurrent callbacks with one state only one gets true. Expired rows are
   * pruned on the way.
   */
  consumeOauthState(stateHash: string, expiresAt: number, now: number): Promise<boolean>;
}

export function oauthQueries(db: Kysely<Database> | Transaction<Database>): OauthStore {
  return {
    async listOauthConnections() {
      return db.selectFrom('oauth_connections').selectAll().orderBy('id').execute();
    },
    async saveOauthConnection(row) {
      const { id: _id, created_at: _created, ...changes } = row;
      await db
        .insertInto('oauth_connections')
        .values(row)
        .onConflict((oc) => oc.column('id').doUpdateSet(changes))
        .execute();
    },
    async deleteOauthConnection(id) {
      const result = await db.deleteFrom('oauth_connections').where('id', '=', id).executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },
    async listOauthDomains(connectionId) {
      let query = db.selectFrom('oauth_domains').selectAll();
      if (connectionId !== undefined) query = query.where('connection_id', '=', connectionId);
      return query.orderBy('domain').execute();
    },
    async findOauthDomain(domain) {
      return (await db.selectFrom('oauth_domains').selectAll().where('domain', '=', domain).executeTakeFirst()) ?? null;
    },
    async insertOauthDomain(row) {
      await db.insertInto('oauth_domains').values(row).execute();
    },
    async updateOauthDomain(domain, changes) {
      const result = await db.updateTable('oauth_domains').set(changes).where('domain', '=', domain).executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },
    async deleteOauthDomain(domain) {
      const result = await db.deleteFrom('oauth_domains').where('domain', '=', domain).executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },
    async findExternalAccount(provider, subject) {
      const row = await db
        .selectFrom('external_accounts')
        .selectAll()
        .where('provider', '=', provider)
        .where('subject', '=', subject)
        .executeTakeFirst();
      return row ?? null;
    },
    async findExternalAccountById(id) {
      return (await db.selectFrom('external_accounts').selectAll().where('id', '=', id).executeTakeFirst()) ?? null;
    },
    async listExternalAccounts(userId) {
      return db.selectFrom('external_accounts').selectAll().where('user_id', '=', userId).orderBy('created_at').orderBy('id').execute();
    },
    async insertExternalAccount(row) {
      await db.insertInto('external_accounts').values(row).execute();
    },
    async updateExternalAccount(id, changes) {
      await db.updateTable('external_accounts').set(changes).where('id', '=', id).execute();
    },
    async deleteExternalAccount(id) {
      const result = await db.deleteFrom('external_accounts').where('id', '=', id).executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },
    async consumeOauthState(stateHash, expiresAt, now) {
      await db.deleteFrom('oauth_used_states').where('expires_at', '<', now).execute();
      const result = await db
        .insertInto('oauth_used_states')
        .values({ state_hash: stateHash, expires_at: expiresAt })
        .onConflict((oc) => oc.column('state_hash').doNothing())
        .executeTakeFirst();
      return Number(result.numInsertedOrUpdatedRows ?? 0n) > 0;
    },
  };
}
