// The Store over Kysely: one implementation of every query, shared by all dialects.

import { sql, type Expression, type Kysely, type SqlBool, type Transaction } from 'kysely';
import { clientTokenQueries } from './client-token-queries.js';
import { metricsQueries } from '../observability/metrics-store.js';
import { adminClaimQueries } from '../admin-claim/claim-store.js';
import { retryTransientConflicts } from './db-errors.js';
import type { Database, Dialect, Store } from './types.js';
import { webhookQueries } from './webhook-queries.js';
import { accountQueries } from '../accounts/account-store.js';
import { mailQueries } from '../mail/mail-store.js';
import { oauthQueries } from '../oauth/oauth-queries.js';
import { machineQueries } from '../machines/machine-store.js';
import { withImpersonator } from '../audit/acting-as.js';
import { factorQueries } from '../factors/factor-queries.js';

export { isUniqueViolation } from './db-errors.js';

export interface KyselyStoreOptions {
  /** Which SQL the database speaks where it matters (row locks); default `sqlite`. */
  dialect?: Dialect;
}

/**
 * The organization an audit row concerns, so the log can be filtered by organization without every
 * use case naming it: the subject when it is an organization, else `data.organization`.
 */
function auditOrganization(subjectId: string | null, data: string | undefined): string | null {
  if (subjectId?.startsWith('org_')) return subjectId;
  if (!data?.includes('"organization"')) return null;
  try {
    const value = (JSON.parse(data) as { organization?: unknown }).organization;
    return typeof value === 'string' && value.startsWith('org_') ? value : null;
  } catch {
    return null;
  }
}

/** The store over a Kysely database of any supported dialect. */
/**
 * `column` contains `text`, case-insensitively on every dialect, with `%`, `_` and `\\` in the
 * text matched literally (a search for "a_b" must not match "axb").
 */
function contains(column: string, text: string): Expression<SqlBool> {
  const pattern = `%${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  return sql<SqlBool>`lower(${sql.ref(column)}) like ${pattern} escape '\\'`;
}

export function createKyselyStore(db: Kysely<Database>, options: KyselyStoreOptions = {}): Store {
  return bind(db, options.dialect ?? 'sqlite', false);
}

function bind(db: Kysely<Database> | Transaction<Database>, dialect: Dialect, inTransaction: boolean): Store {
  const store: Store = {
    ...webhookQueries(db, dialect),
    ...accountQueries(db),
    ...mailQueries(db, dialect),
    ...oauthQueries(db),
    ...machineQueries(db),
    ...factorQueries(db),
    ...clientTokenQueries(db),
    ...metricsQueries(db),
    ...adminClaimQueries(db),
    async getInstanceValue(key) {
      const row = await db.selectFrom('instance').select('value').where('key', '=', key).executeTakeFirst();
      return row?.value ?? null;
    },
    async setInstanceValue(key, value) {
      await db
        .insertInto('instance')
        .values({ key, value })
        .onConflict((oc) => oc.column('key').doUpdateSet({ value }))
        .execute();
    },
    async initInstanceValue(key, value) {
      await db
        .insertInto('instance')
        .values({ key, value })
        .onConflict((oc) => oc.column('key').doNothing())
        .execute();
      return (await store.getInstanceValue(key)) ?? value;
    },

    async insertUser(row) {
      await db.insertInto('users').values(row).execute();
    },
    async findUserById(id) {
      return (await db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst()) ?? null;
    },
    async findUserByEmail(email) {
      return (await db.selectFrom('users').selectAll().where('email', '=', email).executeTakeFirst()) ?? null;
    },
    async updateUser(id, changes) {
      await db.updateTable('users').set(changes).where('id', '=', id).execute();
    },

    async insertClient(row) {
      await db.insertInto('clients').values(row).execute();
    },
    async findClient(id) {
      return (await db.selectFrom('clients').selectAll().where('id', '=', id).executeTakeFirst()) ?? null;
    },
    async findClientForUpdate(id) {
      const query = db.selectFrom('clients').selectAll().where('id', '=', id);
      // SQLite has no FOR UPDATE (and needs none: one writer at a time holds the whole file).
      return (await (dialect === 'postgres' ? query.forUpdate() : query).executeTakeFirst()) ?? null;
    },
    async updateClient(id, changes) {
      await db.updateTable('clients').set(changes).where('id', '=', id).execute();
    },

    async insertSession(row) {
      await db.insertInto('sessions').values(row).execute();
    },
    async findSession(id) {
      return (await db.selectFrom('sessions').selectAll().where('id', '=', id).executeTakeFirst()) ?? null;
    },
    async updateSession(id, changes) {
      await db.updateTable('sessions').set(changes).where('id', '=', id).execute();
    },
    async listSessionsOfClient(clientId) {
      return db.selectFrom('sessions').selectAll().where('client_id', '=', clientId).orderBy('created_at', 'desc').execute();
    },
    async endLiveSessionsOfClient(clientId, status, at) {
      const rows = await db
        .updateTable('sessions')
        .set({ status, ended_at: at, updated_at: at })
        .where('client_id', '=', clientId)
        .where('status', 'in', ['active', 'pending'])
        .returning('id')
        .execute();
      return rows.map((r) => r.id);
    },
    async listLiveSessionsOfUser(userId) {
      return db
        .selectFrom('sessions')
        .selectAll()
        .where('user_id', '=', userId)
        .where('status', 'in', ['active', 'pending'])
        .orderBy('last_active_at', 'desc')
        .orderBy('created_at', 'desc')
        .orderBy('id')
        .execute();
    },
    async endLiveSessions(ids, status, at) {
      // `in ()` is not valid SQL: nothing to end is answered without a query.
      if (ids.length === 0) return [];
      const rows = await db
        .updateTable('sessions')
        .set({ status, ended_at: at, updated_at: at })
        .where('id', 'in', [...ids])
        .where('status', 'in', ['active', 'pending'])
        .returning('id')
        .execute();
      return rows.map((r) => r.id);
    },
    async listSessionsEndedSince(at) {
      const rows = await db
        .selectFrom('sessions')
        .select(['id', 'ended_at'])
        .where('ended_at', '>', at)
        .where('status', 'not in', ['active', 'pending'])
        .execute();
      const gone = await db.selectFrom('revoked_sessions').select(['id', 'revoked_at']).where('revoked_at', '>', at).execute();
      return [
        ...rows.flatMap((r) => (r.ended_at === null ? [] : [{ id: r.id, ended_at: Number(r.ended_at) }])),
        ...gone.map((r) => ({ id: r.id, ended_at: Number(r.revoked_at) })),
      ];
    },

    async insertSigningKey(row) {
      await db.insertInto('signing_keys').values(row).execute();
    },
    async updateSigningKey(id, changes) {
      await db.updateTable('signing_keys').set(changes).where('id', '=', id).execute();
    },
    async listSigningKeys() {
      return db.selectFrom('signing_keys').selectAll().orderBy('created_at', 'desc').execute();
    },

    async findOrganization(idOrSlug) {
      const column = idOrSlug.startsWith('org_') ? 'id' : 'slug';
      return (await db.selectFrom('organizations').selectAll().where(column, '=', idOrSlug).executeTakeFirst()) ?? null;
    },
    async listUserMemberships(userId) {
      return db.selectFrom('memberships').selectAll().where('user_id', '=', userId).orderBy('created_at', 'desc').orderBy('id').execute();
    },
    async findMembership(organizationId, userId) {
      return (
        (await db
          .selectFrom('memberships')
          .selectAll()
          .where('organization_id', '=', organizationId)
          .where('user_id', '=', userId)
          .executeTakeFirst()) ?? null
      );
    },

    async listOrganizationsByIds(ids) {
      if (ids.length === 0) return [];
      return db
        .selectFrom('organizations')
        .selectAll()
        .where('id', 'in', [...ids])
        .execute();
    },
    async insertOrganization(row) {
      await db.insertInto('organizations').values(row).execute();
    },
    async updateOrganization(id, changes) {
      await db.updateTable('organizations').set(changes).where('id', '=', id).execute();
    },
    async deleteOrganization(id) {
      // Explicit rather than left to ON DELETE CASCADE, which SQLite applies only with foreign_keys on.
      await db.deleteFrom('invitations').where('organization_id', '=', id).execute();
      await db.deleteFrom('memberships').where('organization_id', '=', id).execute();
      await db.deleteFrom('organizations').where('id', '=', id).execute();
    },
    async lockOrganization(id) {
      const result = await db
        .updateTable('organizations')
        .set((eb) => ({ updated_at: eb.ref('updated_at') }))
        .where('id', '=', id)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },
    async insertMembership(row) {
      await db.insertInto('memberships').values(row).execute();
    },
    async updateMembership(id, changes) {
      await db.updateTable('memberships').set(changes).where('id', '=', id).execute();
    },
    async deleteMembership(id) {
      await db.deleteFrom('memberships').where('id', '=', id).execute();
    },
    async listMembers(organizationId) {
      return db
        .selectFrom('memberships')
        .innerJoin('users', 'users.id', 'memberships.user_id')
        .selectAll('memberships')
        .select(['users.email', 'users.first_name', 'users.last_name', 'users.image_url'])
        .where('memberships.organization_id', '=', organizationId)
        .orderBy('memberships.created_at')
        .orderBy('memberships.id')
        .execute();
    },
    async countMemberships(organizationId, roles) {
      if (roles?.length === 0) return 0;
      let query = db
        .selectFrom('memberships')
        .select((eb) => eb.fn.countAll().as('n'))
        .where('organization_id', '=', organizationId);
      if (roles) query = query.where('role', 'in', [...roles]);
      const row = await query.executeTakeFirst();
      return Number(row?.n ?? 0);
    },
    async clearActiveOrganization(organizationId, userId) {
      let query = db.updateTable('sessions').set({ active_organization_id: null }).where('active_organization_id', '=', organizationId);
      if (userId !== undefined) query = query.where('user_id', '=', userId);
      await query.execute();
    },

    async insertInvitation(row) {
      await db.insertInto('invitations').values(row).execute();
    },
    async findInvitation(id) {
      return (await db.selectFrom('invitations').selectAll().where('id', '=', id).executeTakeFirst()) ?? null;
    },
    async findInvitationByTokenHash(tokenHash) {
      return (await db.selectFrom('invitations').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst()) ?? null;
    },
    async listPendingInvitations(organizationId, at, email) {
      let query = db
        .selectFrom('invitations')
        .selectAll()
        .where('organization_id', '=', organizationId)
        .where('status', '=', 'pending')
        .where('expires_at', '>', at);
      if (email !== undefined) query = query.where('email', '=', email);
      return query.orderBy('created_at', 'desc').orderBy('id').execute();
    },
    async settleInvitation(id, status, at) {
      const result = await db
        .updateTable('invitations')
        .set({ status, updated_at: at })
        .where('id', '=', id)
        .where('status', '=', 'pending')
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },

    async appendAudit(row) {
      await db
        .insertInto('audit_events')
        .values({
          ...row,
          // Under impersonation the row names the admin too (data.act.sub), whichever use case wrote it.
          data: withImpersonator(row.data) ?? '{}',
          organization_id: row.organization_id ?? auditOrganization(row.subject_id ?? null, row.data),
        })
        .execute();
    },
    async queryAudit(filter) {
      let query = db.selectFrom('audit_events').selectAll();
      if (filter.actorId !== undefined) query = query.where('actor_id', '=', filter.actorId);
      if (filter.subjectId !== undefined) query = query.where('subject_id', '=', filter.subjectId);
      if (filter.organizationId !== undefined) query = query.where('organization_id', '=', filter.organizationId);
      if (filter.action !== undefined) {
        // A prefix (`session.`) matches every action of that family; LIKE wildcards in it are escaped.
        query = filter.action.endsWith('.')
          ? query.where(sql<boolean>`action like ${filter.action.replace(/[\\%_]/g, (c) => `\\${c}`) + '%'} escape '\\'`)
          : query.where('action', '=', filter.action);
      }
      if (filter.since !== undefined) query = query.where('at', '>=', filter.since);
      if (filter.until !== undefined) query = query.where('at', '<', filter.until);
      if (filter.beforeId !== undefined) query = query.where('id', '<', filter.beforeId);
      return query.orderBy('id', 'desc').limit(filter.limit).execute();
    },
    async listAudit(filter = {}) {
      let query = db.selectFrom('audit_events').selectAll();
      if (filter.action) query = query.where('action', '=', filter.action);
      if (filter.subjectId) query = query.where('subject_id', '=', filter.subjectId);
      return query
        .orderBy('id', 'desc')
        .limit(Math.min(filter.limit ?? 100, 1000))
        .execute();
    },

    async transaction(fn) {
      // Already inside one: join it (Kysely has no nested transactions).
      if (inTransaction) return fn(store);
      return retryTransientConflicts(() => (db as Kysely<Database>).transaction().execute((trx) => fn(bind(trx, dialect, true))));
    },

    async listUsers({ limit, offset, query }) {
      let select = db.selectFrom('users').selectAll();
      if (query) {
        select = select.where((eb) =>
          eb.or([eb('id', '=', query), contains('email', query), contains('first_name', query), contains('last_name', query)]),
        );
      }
      return select.orderBy('created_at').orderBy('id').limit(limit).offset(offset).execute();
    },
    async deleteUser(id, keepRevokedSince) {
      // Explicit rather than left to ON DELETE CASCADE, which SQLite applies only with foreign_keys on.
      await db.deleteFrom('memberships').where('user_id', '=', id).execute();
      await db.deleteFrom('user_factors').where('user_id', '=', id).execute();
      await db.deleteFrom('backup_codes').where('user_id', '=', id).execute();
      await db.deleteFrom('factor_challenges').where('user_id', '=', id).execute();
      await db.deleteFrom('revoked_sessions').where('revoked_at', '<=', keepRevokedSince).execute();
      await db
        .insertInto('revoked_sessions')
        .columns(['id', 'revoked_at'])
        .expression(
          db
            .selectFrom('sessions')
            .select(['id', 'ended_at as revoked_at'])
            .where('user_id', '=', id)
            .where('status', 'not in', ['active', 'pending'])
            .where('ended_at', '>', keepRevokedSince),
        )
        .onConflict((oc) => oc.column('id').doNothing())
        .execute();
      await db.deleteFrom('sessions').where('user_id', '=', id).execute();
      await db.deleteFrom('users').where('id', '=', id).execute();
    },
    async listOrganizations({ limit, offset, query }) {
      let select = db.selectFrom('organizations').selectAll();
      if (query) select = select.where((eb) => eb.or([eb('id', '=', query), contains('name', query), contains('slug', query)]));
      return select.orderBy('created_at').orderBy('id').limit(limit).offset(offset).execute();
    },
    async countUsers() {
      const row = await db
        .selectFrom('users')
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirst();
      return Number(row?.n ?? 0);
    },
    async countOrganizations() {
      const row = await db
        .selectFrom('organizations')
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirst();
      return Number(row?.n ?? 0);
    },

    async listRoles() {
      return db.selectFrom('roles').selectAll().orderBy('key').execute();
    },
    async saveRole(row) {
      const { key: _key, created_at: _created, ...changes } = row;
      await db
        .insertInto('roles')
        .values(row)
        .onConflict((oc) => oc.column('key').doUpdateSet(changes))
        .execute();
    },
    async deleteRole(key) {
      await db.deleteFrom('roles').where('key', '=', key).execute();
    },
    async listJwtTemplates() {
      return db.selectFrom('jwt_templates').selectAll().orderBy('name').execute();
    },
    async saveJwtTemplate(row) {
      const { name: _name, created_at: _created, ...changes } = row;
      await db
        .insertInto('jwt_templates')
        .values(row)
        .onConflict((oc) => oc.column('name').doUpdateSet(changes))
        .execute();
    },
    async deleteJwtTemplate(name) {
      await db.deleteFrom('jwt_templates').where('name', '=', name).execute();
    },
    async listUserIdsWithRole(role) {
      const rows = await db.selectFrom('memberships').select('user_id').distinct().where('role', '=', role).orderBy('user_id').execute();
      return rows.map((r) => r.user_id);
    },
    async countPendingInvitationsWithRole(role, at) {
      const row = await db
        .selectFrom('invitations')
        .select((eb) => eb.fn.countAll().as('n'))
        .where('role', '=', role)
        .where('status', '=', 'pending')
        .where('expires_at', '>', at)
        .executeTakeFirst();
      return Number(row?.n ?? 0);
    },
    async countOrganizationsRelyingOn(role, otherRoles) {
      let query = db
        .selectFrom('memberships as m')
        .select((eb) => eb.fn.count('m.organization_id').distinct().as('n'))
        .where('m.role', '=', role);
      if (otherRoles.length > 0) {
        query = query.where((eb) =>
          eb.not(
            eb.exists(
              eb
                .selectFrom('memberships as o')
                .select('o.id')
                .whereRef('o.organization_id', '=', 'm.organization_id')
                .where('o.role', 'in', [...otherRoles]),
            ),
          ),
        );
      }
      const row = await query.executeTakeFirst();
      return Number(row?.n ?? 0);
    },
  };
  return store;
}
