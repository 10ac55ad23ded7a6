// The Store over Kysely: one implementation of every query, shared by all dialects, composed from
// the features' query sets.

import type { Kysely, Transaction } from 'kysely';
import { retryTransientConflicts } from './db-errors.js';
import type { Database, Dialect, Store } from './types.js';
import { accountQueries } from '../accounts/account-store.js';
import { auditQueries } from '../audit/audit-store.js';
import { factorQueries } from '../factors/factor-store.js';
import { instanceQueries } from '../instance/instance-store.js';
import { machineQueries } from '../machines/machine-store.js';
import { mailQueries } from '../mail/mail-store.js';
import { oauthQueries } from '../oauth/oauth-queries.js';
import { organizationQueries } from '../organizations/organization-store.js';
import { roleQueries } from '../roles/role-store.js';
import { clientTokenQueries } from '../sessions/client-token-store.js';
import { metricsQueries } from '../observability/metrics-store.js';
import { adminClaimQueries } from '../admin-claim/claim-store.js';
import { sessionQueries } from '../sessions/session-store.js';
import { refreshQueries } from '../sessions/refresh-store.js';
import { statsQueries } from '../dashboard/stats-store.js';
import { tokenQueries } from '../tokens/token-store.js';
import { userQueries } from '../users/user-store.js';
import { webhookQueries } from '../webhooks/webhook-store.js';

export { isUniqueViolation } from './db-errors.js';

export interface KyselyStoreOptions {
  /** Which SQL the database speaks where it matters (row locks); default `sqlite`. */
  dialect?: Dialect;
}

/** The store over a Kysely database of any supported dialect. */
export function createKyselyStore(db: Kysely<Database>, options: KyselyStoreOptions = {}): Store {
  return bind(db, options.dialect ?? 'sqlite', false);
}

function bind(db: Kysely<Database> | Transaction<Database>, dialect: Dialect, inTransaction: boolean): Store {
  const store: Store = {
    ...instanceQueries(db),
    ...userQueries(db),
    ...sessionQueries(db, dialect),
    ...refreshQueries(db, dialect),
    ...clientTokenQueries(db),
    ...metricsQueries(db),
    ...adminClaimQueries(db),
    ...tokenQueries(db),
    ...organizationQueries(db),
    ...roleQueries(db),
    ...auditQueries(db),
    ...webhookQueries(db, dialect),
    ...accountQueries(db),
    ...mailQueries(db, dialect),
    ...oauthQueries(db),
    ...machineQueries(db),
    ...factorQueries(db),
    ...statsQueries(db),
    async transaction(fn) {
      // Already inside one: join it (Kysely has no nested transactions).
      if (inTransaction) return fn(store);
      return retryTransientConflicts(() => (db as Kysely<Database>).transaction().execute((trx) => fn(bind(trx, dialect, true))));
    },
  };
  return store;
}
