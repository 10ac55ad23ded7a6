// A Gatehouse instance: the store, keys, live settings and propagation opened once, the feature
// services composed over them, and request authentication and the HTTP API on top.

import {
  authenticateRequestNow,
  type PublicJwk,
  type AuthReason,
  type BackendConfig,
  type RequestState,
  type SessionClaims,
  type SessionTokenVerifier,
} from '@gatehouse/core';
import { openKeyRing, type KeyRing } from '../tokens/key-ring.js';
import { JWKS_MAX_AGE_SECONDS } from '../tokens/keys.js';
import type { ClaimStamps } from '../propagation/claim-stamps.js';
import type { Roles } from '../roles/roles.js';
import { createRoleAdmin, type RoleAdmin } from '../roles/role-admin.js';
import { createTemplateAdmin, type TemplateAdmin } from '../tokens/template-admin.js';
import { createUserAdmin, type UserAdmin } from '../users/user-admin.js';
import { createTemplates, type Templates } from '../tokens/templates.js';
import type { Dialect, Store } from '../store/types.js';
import type { FanOutStatus } from '../propagation/redis-fan-out.js';
import { openPropagation } from '../propagation/propagation.js';
import type { RevocationList } from '../propagation/revocation.js';
import { loadPublicUser } from '../users/users.js';
import { createSessionService, type PublicUser, type SessionService, type SessionSettings } from '../sessions/sessions.js';
import { createHandler } from '../http/handler.js';
import { openInstanceMail } from '../mail/instance-mail.js';
import type { MailOutbox } from '../mail/outbox.js';
import type { Accounts } from '../accounts/accounts.js';
import type { OrganizationService } from '../organizations/organizations.js';
import { createWebhookService, type WebhookService } from '../webhooks/service.js';
import type { InstanceSettings } from './instance-settings.js';
import { createAuditLog, type AuditLog } from '../audit/audit.js';
import type { OauthService } from '../oauth/service.js';
import type { FactorService } from '../factors/factors.js';
import { withSessionLimits, withTemplateLimits } from '../limits/token-limits.js';
import type { RateLimits } from '../limits/rate-limit.js';
import { openRateLimits } from '../limits/instance-limits.js';
import { createMachines, type Machines } from '../machines/machine-auth.js';
import { createMetrics, type Metrics } from '../observability/metrics.js';
import { createAdminClaims, type AdminClaims } from '../admin-claim/admin-claim.js';
import { observeDecisions } from '../observability/decisions.js';
import { withSessionTelemetry } from '../observability/session-telemetry.js';
import { createLogger, lineLogger, withRequestLog, type Logger } from '../observability/logger.js';
import { createImpersonation, type Impersonation } from '../impersonation/impersonation.js';
import { checkOptions, type GatehouseOptions } from './options.js';
import { databaseLocation, openInstanceStore } from './open-store.js';
import { openLiveSettings } from './live-settings.js';
import { createStartUp } from './start-up.js';
import { composeFeatures } from './features.js';
import { isTestClock } from './test-clock.js';

export interface Gatehouse {
  readonly settings: SessionSettings & { maxLifetimeSeconds: number };
  readonly store: Store;
  /** The instance's clock (ms), the one sessions and the audit log are written with. */
  readonly now: () => number;
  readonly sessions: SessionService;
  readonly revocations: RevocationList;
  readonly stamps: ClaimStamps;
  readonly roles: Roles;
  /** Roles at run time: list, create or replace, and delete the database's roles. */
  readonly roleAdmin: RoleAdmin;
  /** Users from server code and the CLI: list, create, the instance-admin flag. */
  readonly users: UserAdmin;
  /** Organizations, memberships and invitations. */
  readonly organizations: OrganizationService;
  /** Webhook endpoints, the delivery log, resend and the delivery worker. */
  readonly webhooks: WebhookService;
  /** Session lifetime, inactivity timeout, multi-session, organizations required, origins: stored in the database over the configuration. */
  readonly instanceSettings: InstanceSettings;
  /** The audit log: query with filters and a cursor, export as JSON Lines or CSV. */
  readonly audit: AuditLog;
  /** Sign-in connections (OAuth 2.0 / OpenID Connect), SSO domains, the provider flow, users' external accounts. */
  readonly oauth: OauthService;
  /** API keys, machine identities and M2M tokens; `verifyNow` checks any machine token. */
  readonly machines: Machines;
  /** Instance admins signing in as a user ("Sign in as"), and back. */
  readonly impersonation: Impersonation;
  /** The per-request check after the signature: revoked session or stale claims, else null. */
  checkSession(claims: SessionClaims): AuthReason | null;
  readonly dialect: Dialect;
  /** The SQLite file; null on PostgreSQL. */
  readonly databaseFile: string | null;
  /** The Redis fan-out's state; null without `redisUrl`. */
  readonly fanOut: FanOutStatus | null;
  readonly basePath: string;
  /** Origins besides the request's own that may send state-changing requests with the session cookies (the live setting). */
  readonly allowedOrigins: readonly string[];
  /** What the app glue applies per request (base path, trusted hops, allowed origins, cookie lifetime), read live. */
  config(): Promise<BackendConfig>;
  readonly log: (line: string) => void;
  /** One-time links that make the first instance admin (`gatehouse init`). */
  readonly adminClaims: AdminClaims;
  /** The structured logger (pino). */
  readonly logger: Logger;
  /** This instance's Prometheus metrics (its own registry): `GET {basePath}/metrics` with a secret key. */
  readonly metrics: Metrics;
  /** Authenticates a request from its own `__session` cookie or Bearer token. */
  authenticate(request: Pick<Request, 'headers'>): Promise<RequestState>;
  /** {@link authenticate} without a promise when none is needed (a cached token, or any token on Node's synchronous verify). */
  authenticateNow(request: Pick<Request, 'headers'>): RequestState | Promise<RequestState>;
  verifier(): SessionTokenVerifier;
  /** The signing keys: rotate, retire, reload. */
  readonly keys: KeyRing;
  /** JWT templates: tokens for other services (`getToken({ template })`). */
  readonly templates: Templates;
  /** JWT templates at run time: list, create or replace, and delete the database's templates (configured ones are read-only). */
  readonly templateAdmin: TemplateAdmin;
  jwks(): { keys: PublicJwk[] };
  getUser(id: string): Promise<PublicUser | null>;
  /** Sign-in, sign-up and verification attempts per IP and identifier. */
  readonly rateLimits: RateLimits;
  /** Second factors and passkeys: enrolment, the second step of sign-in, passkey sign-in, reverification, the admin's reset. */
  readonly factors: FactorService;
  /** Proxies in front that append to X-Forwarded-For: which entry is the client address (`requestContext`, rate limits). */
  readonly trustedProxyHops: number;
  /** Sign-up with email verification, password reset, and users' own account changes. */
  readonly accounts: Accounts;
  /** The mail outbox: recent sends and failures, retry, the delivery worker. */
  readonly mail: MailOutbox;
  /** The auth HTTP API. */
  handle(request: Request): Promise<Response>;
  close(): Promise<void>;
}

/**
 * Opens (and on first start creates) an instance: applies migrations, loads or generates the
 * signing keys, and wires the services.
 *
 * @throws GatehouseError `setup_missing` when the secret is missing or cannot decrypt the keys.
 */
export async function createGatehouse(options: GatehouseOptions = {}): Promise<Gatehouse> {
  const logger = options.logger ?? createLogger(options.log ? { level: 'silent' } : {});
  const log = options.log ?? lineLogger(logger);
  const metrics = createMetrics();
  const now = options.now ?? Date.now;
  if (isTestClock(options.now))
    log(
      'Gatehouse: WARNING: TEST CLOCK ON (GATEHOUSE_TEST_CLOCK_FILE): time is read from a file. A test hook: never in a real deployment.',
    );
  const location = databaseLocation(options);
  const { onPostgres, dialect, databaseFile } = location;
  // Configuration errors surface before anything is opened.
  const { numbers, secret, sessionClaims, templateConfigs, secretKeys } = checkOptions(options, databaseFile, onPostgres, log);
  const { sessionTokenTtlSeconds, clockSkewInMs } = numbers;

  // A failed start leaves nothing open: a pool or a Redis socket would keep the process alive.
  const startUp = createStartUp();
  const { db, store, instanceId } = await openInstanceStore(options, location, startUp, now);
  const issuer = `urn:gatehouse:${instanceId}`;

  // A rotated-out key keeps verifying until every token it signed has expired (plus a margin).
  // A rotated-in key is published one JWKS max-age (plus the skew) before it signs.
  const keyRing = await openKeyRing({
    store,
    secret,
    now,
    overlapMs: (sessionTokenTtlSeconds + 60) * 1000 + clockSkewInMs,
    publishAheadMs: JWKS_MAX_AGE_SECONDS * 1000 + clockSkewInMs,
  }).catch(startUp.fail);
  const propagation = await openPropagation({
    store,
    instanceId,
    redisUrl: options.redisUrl,
    sessionTokenTtlSeconds,
    clockSkewInMs,
    now,
    log,
    metrics,
  }).catch(startUp.fail);
  const { fanOut, revocations, stamps, checkSession, sessionChecksVersion } = propagation;
  startUp.onFailure(() => fanOut?.close());
  let limits: RateLimits;
  try {
    limits = openRateLimits(options, { store, instanceId, now, log, metrics });
  } catch (error) {
    return startUp.fail(error);
  }
  startUp.onFailure(() => limits.close());
  // Built-in, then the database's, then configured roles; reloaded after every change (here or in another process).
  const roleAdmin = await createRoleAdmin({ store, config: options.roles ?? {}, stamps, now, log }).catch(startUp.fail);
  const roles = roleAdmin.roles;
  const live = await openLiveSettings(options, numbers, { store, keyRing, issuer, metrics, now, log }).catch(startUp.fail);
  const { settings, instanceSettings } = live;
  const sessionDeps = { store, keys: () => keyRing.current(), settings, revocations, stamps, roles, sessionClaims, now };
  const sessions = withSessionTelemetry(withSessionLimits(createSessionService(sessionDeps), limits), metrics);
  const users = createUserAdmin({ store, now });
  // Configured templates (read-only), then the database's; reloaded after every change (here or in another process).
  const templateAdmin = await createTemplateAdmin({ store, config: templateConfigs, now, log }).catch(startUp.fail);
  const templates = withTemplateLimits(
    createTemplates({ store, roles, issuer, signingKey: () => keyRing.current().signingKey, now }, templateAdmin.registry),
    limits,
  );
  const basePath = options.basePath ?? '/api/gatehouse';
  const mail = await openInstanceMail(options, {
    store,
    now,
    log,
    metrics,
    verificationRequired: () => instanceSettings.current().emailVerificationRequired,
    fail: startUp.fail,
  });
  const { organizations, oauth, factors, accounts } = composeFeatures(options, {
    store,
    secret,
    now,
    log,
    metrics,
    roles,
    stamps,
    sessions,
    sessionDeps,
    mail,
    numbers,
    basePath,
    instanceSettings,
  });
  // A revocation published while this instance was away from Redis is not on its list: after each
  // rebuild (a reconnect) the API-key cache starts over.
  const apiKeyDeps = () => ({ signingKey: () => keyRing.current().signingKey, generation: () => fanOut?.status.rebuilds ?? 0 });
  const webhooks = createWebhookService({ store, masterSecret: secret, now, log, onFailure: metrics.webhookFailure }, options.webhooks);

  // Every decision counted by reason (and traced when an SDK is registered).
  const decide = observeDecisions(
    (request) => authenticateRequestNow(request, { verifier: live.verifier(), checkSession, sessionChecksVersion }),
    metrics,
  );
  metrics.watch({
    outboxes: () => store.countOutboxes(),
    databaseUp: () =>
      store.ping().then(
        () => true,
        () => false,
      ),
    redisUp: () => (fanOut ? fanOut.status.subscribed : null),
  });

  const trustedProxyHops = options.trustedProxyHops ?? 0;
  const gatehouse: Gatehouse = {
    accounts,
    mail: mail.outbox,
    settings,
    store,
    sessions,
    revocations,
    dialect,
    databaseFile: onPostgres ? null : databaseFile,
    fanOut: fanOut?.status ?? null,
    basePath,
    // Read on every use: an instance setting that changes at run time (the dashboard, the backend API, another process).
    get allowedOrigins() {
      return live.allowedOrigins();
    },
    config: async () => ({
      basePath,
      trustedProxyHops,
      allowedOrigins: live.allowedOrigins(),
      clientMaxAgeSeconds: settings.maxLifetimeSeconds,
    }),
    log,
    logger,
    metrics,
    adminClaims: createAdminClaims({ store, now }),
    stamps,
    roles,
    roleAdmin,
    users,
    impersonation: createImpersonation({ ...sessionDeps, users, lifetimeSeconds: numbers.impersonationLifetimeSeconds }),
    machines: createMachines({ store, roles, revocations, issuer, keys: keyRing.resolver, clockSkewInMs, now, log, ...apiKeyDeps() }),
    organizations,
    webhooks,
    instanceSettings,
    audit: createAuditLog({ store }),
    oauth,
    checkSession,
    async authenticate(request) {
      return decide(request);
    },
    authenticateNow: (request) => decide(request),
    verifier: () => live.verifier(),
    jwks: () => ({ keys: keyRing.current().publicJwks }),
    keys: keyRing,
    templates,
    templateAdmin,
    async getUser(id) {
      const row = await store.findUserById(id);
      return row ? { ...(await loadPublicUser(store, row)), externalAccounts: await oauth.listExternalAccounts(id) } : null;
    },
    rateLimits: limits,
    factors,
    now,
    trustedProxyHops,
    handle: (request) => handler(request),
    async close() {
      roleAdmin.stop();
      await webhooks.stopWorker();
      await mail.outbox.stopWorker();
      mail.close();
      await gatehouse.machines.stop();
      instanceSettings.stop();
      await fanOut?.close();
      await limits.close();
      await db.destroy();
    },
  };
  const handler = withRequestLog(
    createHandler(gatehouse, {
      basePath,
      // Read on every request: the allowed origins are an instance setting that can change at run time.
      get allowedOrigins() {
        return live.allowedOrigins();
      },
      ...(options.secureCookies === undefined ? {} : { secureCookies: options.secureCookies }),
      devInbox: Boolean(options.devInbox),
      secretKeys,
    }),
    logger,
  );
  if (options.webhooks?.worker) webhooks.startWorker();
  if (options.mail?.worker) mail.outbox.startWorker();
  startUp.finish();
  return gatehouse;
}
