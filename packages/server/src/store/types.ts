// The store's database type and the one interface every database implements, composed from the
// features' own tables and queries (each in its folder's `*-store.ts`).

import type { AccountStore, AccountsDatabase } from '../accounts/account-store.js';
import type { AdminClaimStore, AdminClaimsDatabase } from '../admin-claim/claim-store.js';
import type { MetricsStore } from '../observability/metrics-store.js';
import type { AuditDatabase, AuditStore } from '../audit/audit-store.js';
import type { FactorStore, FactorsDatabase } from '../factors/factor-store.js';
import type { InstanceDatabase, InstanceStore } from '../instance/instance-store.js';
import type { MachineStore, MachinesDatabase } from '../machines/machine-store.js';
import type { MailDatabase, MailStore } from '../mail/mail-store.js';
import type { OauthDatabase, OauthStore } from '../oauth/oauth-queries.js';
import type { OrganizationStore, OrganizationsDatabase } from '../organizations/organization-store.js';
import type { RoleStore, RolesDatabase } from '../roles/role-store.js';
import type { ClientTokenStore, ClientTokensDatabase } from '../sessions/client-token-store.js';
import type { SessionStore, SessionsDatabase } from '../sessions/session-store.js';
import type { RefreshStore } from '../sessions/refresh-store.js';
import type { StatsStore } from '../dashboard/stats-store.js';
import type { TokenStore, TokensDatabase } from '../tokens/token-store.js';
import type { UserStore, UsersDatabase } from '../users/user-store.js';
import type { WebhookStore, WebhooksDatabase } from '../webhooks/webhook-store.js';

export interface Database
  extends
    AccountsDatabase,
    AdminClaimsDatabase,
    AuditDatabase,
    FactorsDatabase,
    InstanceDatabase,
    MachinesDatabase,
    MailDatabase,
    OauthDatabase,
    OrganizationsDatabase,
    RolesDatabase,
    ClientTokensDatabase,
    SessionsDatabase,
    TokensDatabase,
    UsersDatabase,
    WebhooksDatabase {}

/** The databases the store runs on. */
export type Dialect = 'sqlite' | 'postgres';

/** Everything the use cases ask of a database. Implemented once over Kysely for every dialect. */
export interface Store
  extends
    AccountStore,
    AdminClaimStore,
    MetricsStore,
    AuditStore,
    FactorStore,
    InstanceStore,
    MachineStore,
    MailStore,
    OauthStore,
    OrganizationStore,
    RoleStore,
    ClientTokenStore,
    SessionStore,
    RefreshStore,
    StatsStore,
    TokenStore,
    UserStore,
    WebhookStore {
  /** Runs `fn` atomically; concurrent transactions never interleave their reads and writes. */
  transaction<T>(fn: (store: Store) => Promise<T>): Promise<T>;
}
