// A Gatehouse instance: store, keys, sessions, request authentication and the HTTP API, wired once.

import { resolve } from 'node:path';
import {
  authenticateRequestNow,
  createSessionTokenVerifier,
  type PublicJwk,
  type AuthReason,
  type BackendConfig,
  type RequestState,
  type SessionClaims,
  type SessionTokenVerifier,
} from '@gatehouse/core';
import type { Kysely } from 'kysely';
import { newId } from '../store/ids.js';
import { openKeyRing, type KeyRing } from '../tokens/key-ring.js';
import { JWKS_MAX_AGE_SECONDS } from '../tokens/keys.js';
import { createClaimStamps, type ClaimStamps } from '../propagation/claim-stamps.js';
import { compileRoles, type Roles, type RolesConfig } from '../roles/roles.js';
import { createRoleAdmin, type RoleAdmin } from '../roles/role-admin.js';
import { createTemplateAdmin, type TemplateAdmin } from '../tokens/template-admin.js';
import { createUserAdmin, type UserAdmin } from '../users/user-admin.js';
import { compileSessionClaims } from '../tokens/session-claims.js';
import { compileTemplates, createTemplates, type JwtTemplateConfig, type Templates } from '../tokens/templates.js';
import { migrateToLatest } from '../store/migrations/index.js';
import { createKyselyStore } from '../store/kysely-store.js';
import { DEFAULT_DATABASE_TIMEOUT_MS, withAvailability } from '../store/availability.js';
import { openSqlite } from '../store/sqlite.js';
import { isPostgresUrl, openPostgres } from '../store/postgres.js';
import type { Database, Dialect, Store } from '../store/types.js';
import { connectFanOut, type FanOut, type FanOutStatus } from '../propagation/redis-fan-out.js';
import { resolveMasterSecret } from '../tokens/secret.js';
import { createRevocationList, type RevocationList } from '../propagation/revocation.js';
import { loadPublicUser } from '../users/users.js';
import { createSessionService, type PublicUser, type SessionService, type SessionSettings } from '../sessions/sessions.js';
import { createHandler } from '../http/handler.js';
import { createDevMailer, createUnconfiguredMailer, type Mailer } from '../mail/mailer.js';
import { createSmtpMailer, type SmtpMailer } from '../mail/smtp-mailer.js';
import { createMailOutbox, type MailDeliveryOptions, type MailOutbox } from '../mail/outbox.js';
import { createAccounts, type Accounts } from '../accounts/accounts.js';
import { GatehouseError } from '@gatehouse/core';
import { createOrganizationService, type OrganizationService } from '../organizations/organizations.js';
import { withWebhookOutbox } from '../webhooks/outbox.js';
import { createWebhookService, type WebhookService } from '../webhooks/service.js';
import type { DeliveryOptions } from '../webhooks/delivery.js';
import { createInstanceSettings, type InstanceSettings } from './instance-settings.js';
import { createAuditLog, type AuditLog } from '../audit/audit.js';
import { createSecretKeyCheck } from '../backend/secret-keys.js';
import { createOauthService, type OauthOptions, type OauthService } from '../oauth/service.js';
import { createFactorService, type FactorService, type PasskeySettings } from '../factors/factors.js';
import { withSessionLimits, withTemplateLimits } from '../limits/token-limits.js';
import { createRateLimits, createRedisCounters, type RateLimits, type RateLimitSettings } from '../limits/rate-limit.js';
import { createMachines, type Machines } from '../machines/machine-auth.js';
import { createMetrics, type Metrics } from '../observability/metrics.js';
import { createAdminClaims, type AdminClaims } from '../admin-claim/admin-claim.js';
import { observeDecisions } from '../observability/decisions.js';
import { withFactorTelemetry, withSessionTelemetry } from '../observability/session-telemetry.js';
import { createLogger, lineLogger, withRequestLog, type Logger } from '../observability/logger.js';
import {
  checkImpersonationLifetime,
  createImpersonation,
  MAX_IMPERSONATION_SECONDS,
  type Impersonation,
} from '../impersonation/impersonation.js';

export interface GatehouseOptions {
  /** SQLite file (default `.gatehouse/gatehouse.db` under the working directory); ignored with `databaseUrl`. */
  databaseFile?: string;
  /** `postgres://…` (DATABASE_URL): the shared database of several instances, instead of the SQLite file. */
  databaseUrl?: string;
  /**
   * PostgreSQL only: the bound on connecting, on each statement and on each store call (a whole
   * transaction), in milliseconds (default 5000). A database that stops answering gets a 503 with
   * `Retry-After` within it (`GATEHOUSE_DATABASE_TIMEOUT_MS`).
   */
  databaseTimeoutMs?: number;
  /** `redis://…` (REDIS_URL): revocations and claim changes reach every instance through pub/sub. */
  redisUrl?: string;
  /** The master secret (GATEHOUSE_SECRET). */
  secret?: string;
  /**
   * Secret keys (`gh_sk_…`, GATEHOUSE_SECRET_KEY) that server code presents to the backend HTTP API
   * (`{basePath}/v1/backend/…`). Only their hashes are kept; several allow rotation. None: that API refuses every call.
   */
  secretKeys?: string[];
  /** Allow a generated development secret when none is configured. */
  allowDevSecret?: boolean;
  /** Where the auth HTTP API is mounted. */
  basePath?: string;
  sessionTokenTtlSeconds?: number;
  maxLifetimeSeconds?: number;
  inactivityTimeoutSeconds?: number | null;
  clientRotationGraceSeconds?: number;
  /** Every signed-in user must have an active organization (else the session is pending). */
  organizationsRequired?: boolean;
  /** Every user must have a second factor (else the session is pending, with the `setup-mfa` task). */
  secondFactorRequired?: boolean;
  /** Organization roles (the built-in org:admin and org:member plus custom ones), creator and default role. */
  roles?: RolesConfig;
  /** JWT templates for other services; validated here. */
  jwtTemplates?: JwtTemplateConfig[];
  /** Custom session-token claims (shortcodes allowed); refused here if they could outgrow the cookie. */
  sessionClaims?: Record<string, unknown>;
  /** Several signed-in users per browser, one of them active (default false: signing in replaces the browser's session). */
  multiSession?: boolean;
  clockSkewInMs?: number;
  authorizedParties?: string[];
  allowedOrigins?: string[];
  secureCookies?: boolean;
  /** Milliseconds since the epoch; injectable so tests never sleep. */
  now?: () => number;
  /**
   * Structured JSON logs (pino): one `request` line per API request with its request id, and the
   * instance's own lines. Default: JSON on stdout at GATEHOUSE_LOG_LEVEL / LOG_LEVEL (default info);
   * with only `log` given, the instance's lines go there and no request lines are written.
   */
  logger?: Logger;
  /** Where the instance's own lines go instead of the logger (tests, the CLI's stderr). */
  log?: (line: string) => void;
  /** Sends mail (verification and reset codes, invitations). Default: SMTP with `smtp`, else the dev mailer (log + in-memory inbox), or in production a mailer that refuses. */
  mailer?: Mailer;
  /** The SMTP server (GATEHOUSE_SMTP_URL, `smtp://` or `smtps://` with credentials in the URL) and the sender (GATEHOUSE_EMAIL_FROM). */
  smtp?: { url: string; from: string };
  /** The mail outbox: retries, backoff, lease, and whether this process runs the delivery worker (`worker: true`; the embedded app turns it on). */
  mail?: MailDeliveryOptions & { worker?: boolean };
  /** Sign-up waits until the address is verified by a mailed code or link (default true; GATEHOUSE_EMAIL_VERIFICATION=off). An instance setting. */
  emailVerificationRequired?: boolean;
  /** A password reset signs the user's other sessions out (default true). An instance setting. */
  signOutOnPasswordReset?: boolean;
  /** How long a mailed verification or reset code works (default 600 s, at most 3600; GATEHOUSE_VERIFICATION_CODE_TTL). */
  verificationCodeTtlSeconds?: number;
  /** The app's sign-in page, named in "someone tried to sign up with your address" mails (default `/sign-in`). */
  signInUrl?: string;
  /**
   * Serve the dev mailer's inbox at `GET {basePath}/dev/inbox` (development only; refused in
   * production). `'allow-in-production'` is the explicit opt-in for end-to-end tests of a production
   * build (GATEHOUSE_DEV_INBOX=1): anyone who can reach the endpoint reads every invitation link.
   */
  devInbox?: boolean | 'allow-in-production';
  /** How long an invitation link works (default 7 days). */
  invitationTtlSeconds?: number;
  /** The page that accepts invitations (default `/accept-invitation`); a path is resolved against the request's origin. */
  invitationUrl?: string;
  /**
   * Webhook delivery: retries, timeouts and whether this process runs the background worker
   * (`worker: true`; the embedded app turns it on, the CLI and tests drive `webhooks.deliverDue()`).
   */
  webhooks?: DeliveryOptions & { worker?: boolean };
  /** Attempts allowed per window on sign-in, sign-up and verification, per IP and per identifier (false: off). Shared through Redis with `redisUrl`. */
  rateLimits?: Partial<RateLimitSettings>;
  /**
   * Trusted proxies in front of the app, each appending to X-Forwarded-For / -Host / -Proto (default
   * 0: the address, host and protocol this server saw; a client-written header has no say). Which
   * entry from the right end the per-IP limits, audit rows and the same-origin check read.
   */
  trustedProxyHops?: number;
  /** Sign-in with OAuth 2.0 / OpenID Connect providers: configured connections, provider timeouts, the DNS resolver of SSO domains. */
  oauth?: OauthOptions;
  /** How long an admin's "Sign in as" session lasts (default and maximum 3600 s). */
  impersonationLifetimeSeconds?: number;
  /**
   * Passkeys' relying party: its ID (GATEHOUSE_PASSKEY_RP_ID), name (shown by the browser and as the
   * TOTP issuer; GATEHOUSE_APP_NAME) and the origins assertions may come from (GATEHOUSE_PASSKEY_ORIGINS).
   * Left out: the request's own host and origin (fine for development; set them in production).
   */
  passkeys?: Partial<PasskeySettings>;
}

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

const DAY = 24 * 60 * 60;

function positive(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value <= 0) throw new TypeError(`${name} must be a positive number`);
  return value;
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
  const onPostgres = options.databaseUrl !== undefined;
  if (onPostgres && !isPostgresUrl(options.databaseUrl ?? '')) throw new TypeError('databaseUrl must be a postgres:// URL');
  const dialect: Dialect = onPostgres ? 'postgres' : 'sqlite';
  const databaseFile = options.databaseFile === ':memory:' ? ':memory:' : resolve(options.databaseFile ?? '.gatehouse/gatehouse.db');
  const sessionTokenTtlSeconds = positive('sessionTokenTtlSeconds', options.sessionTokenTtlSeconds, 60);
  const maxLifetimeSeconds = positive('maxLifetimeSeconds', options.maxLifetimeSeconds, 7 * DAY);
  const inactivityTimeoutSeconds = options.inactivityTimeoutSeconds ?? null;
  const clockSkewInMs = options.clockSkewInMs ?? 5000;

  const secret = resolveMasterSecret({
    secret: options.secret,
    devSecretFile: onPostgres || databaseFile === ':memory:' ? resolve('.gatehouse/dev-secret') : resolve(databaseFile, '..', 'dev-secret'),
    allowDevSecret: options.allowDevSecret ?? false,
    log,
  });
  // Configuration errors surface before anything is opened.
  compileRoles(options.roles); // the live registry, with the database's roles, is loaded once the store is open
  const sessionClaims = options.sessionClaims ? compileSessionClaims(options.sessionClaims) : null;
  const templateConfigs = compileTemplates(options.jwtTemplates ?? []);
  const secretKeys = createSecretKeyCheck(options.secretKeys ?? []);
  const clientRotationGraceSeconds = positive('clientRotationGraceSeconds', options.clientRotationGraceSeconds, 10);
  const invitationTtlSeconds = positive('invitationTtlSeconds', options.invitationTtlSeconds, 7 * DAY);
  const lifetimeSeconds = checkImpersonationLifetime(options.impersonationLifetimeSeconds ?? MAX_IMPERSONATION_SECONDS);

  const databaseTimeoutMs = positive('databaseTimeoutMs', options.databaseTimeoutMs, DEFAULT_DATABASE_TIMEOUT_MS);
  const db: Kysely<Database> = onPostgres
    ? openPostgres(options.databaseUrl ?? '', { timeoutMs: databaseTimeoutMs })
    : openSqlite(databaseFile);
  // Bounded once started: at boot several processes may queue on the migration lock and key creation.
  let started = false;
  let fanOut: FanOut | null = null;
  let rateLimits: RateLimits | null = null;
  // A failed start leaves nothing open: a pool or a Redis socket would keep the process alive.
  const failed = async (error: unknown): Promise<never> => {
    await fanOut?.close();
    await rateLimits?.close();
    await db.destroy();
    throw error;
  };
  // Migrations may run long on a large database: their own connection, without the statement bounds.
  const migrationDb = onPostgres ? openPostgres(options.databaseUrl ?? '') : db;
  await migrateToLatest(migrationDb as unknown as Kysely<unknown>, dialect)
    .finally(() => (migrationDb === db ? undefined : migrationDb.destroy()))
    .catch(failed);
  // SQLite answers synchronously (a timer could not fire before it returns): only PostgreSQL gets the bound.
  const baseStore = withAvailability(createKyselyStore(db, { dialect }), () => (onPostgres && started ? databaseTimeoutMs : null));

  // Of several processes starting at once on an empty database, all adopt the first one's id.
  const instanceId = await baseStore.initInstanceValue('instance_id', newId('ins')).catch(failed);
  // Every change that is a webhook event writes it to the outbox in the change's own transaction.
  const store = withWebhookOutbox(baseStore, { now, instanceId });
  const issuer = `urn:gatehouse:${instanceId}`;

  // A rotated-out key keeps verifying until every token it signed has expired (plus a margin).
  // A rotated-in key is published one JWKS max-age (plus the skew) before it signs.
  const keyRing = await openKeyRing({
    store,
    secret,
    now,
    overlapMs: (sessionTokenTtlSeconds + 60) * 1000 + clockSkewInMs,
    publishAheadMs: JWKS_MAX_AGE_SECONDS * 1000 + clockSkewInMs,
  }).catch(failed);
  const makeVerifier = (authorizedParties: readonly string[]) =>
    createSessionTokenVerifier({
      keys: keyRing.resolver,
      issuer,
      authorizedParties,
      clockSkewInMs,
      now,
      maxTokenLifetimeSeconds: sessionTokenTtlSeconds,
      cacheStats: metrics.tokenCache,
    });
  // Replaced when the authorized parties change at run time (instance settings).
  let verifier = makeVerifier(options.authorizedParties ?? []);
  // As long as a token minted before a revocation or a stamp could still verify.
  const retainMs = (sessionTokenTtlSeconds + 10) * 1000 + clockSkewInMs;
  const localRevocations = createRevocationList({ retainMs, now });
  const localStamps = createClaimStamps({ retainMs, now });
  // Sessions that ended shortly before this start (or while this instance was not listening to
  // Redis) may still have unexpired tokens out there: the database knows them all.
  const rebuildRevocations = async () => {
    for (const row of await store.listSessionsEndedSince(now() - retainMs)) localRevocations.revoke(row.id, row.ended_at);
  };
  if (options.redisUrl) {
    fanOut = await connectFanOut({
      url: options.redisUrl,
      channel: `gatehouse:events:${instanceId}`,
      revocations: localRevocations,
      stamps: localStamps,
      rebuild: rebuildRevocations,
      now,
      maxSkewMs: clockSkewInMs,
      log,
      onRevocationLag: metrics.revocationLag,
    }).catch(failed);
  } else {
    await rebuildRevocations().catch(failed);
  }
  // Keys carry the instance id: deployments sharing one Redis never count each other's attempts.
  try {
    rateLimits = createRateLimits({
      ...(options.rateLimits ? { settings: options.rateLimits } : {}),
      ...(options.trustedProxyHops === undefined ? {} : { trustedProxyHops: options.trustedProxyHops }),
      now,
      log,
      onRefused: metrics.rateLimited,
      ...(options.redisUrl
        ? { shared: () => createRedisCounters({ url: options.redisUrl ?? '', prefix: `gatehouse:rl:${instanceId}:` }) }
        : {}),
      onExceeded: async (name, who) => {
        const row = { at: now(), action: 'rate_limit.exceeded', actor_id: null, subject_id: null };
        await store.appendAudit({ ...row, ip: who.ip, user_agent: who.userAgent, data: JSON.stringify({ limit: name }) });
      },
    });
  } catch (error) {
    await failed(error);
  }
  const limits = rateLimits as RateLimits;
  const revocations = fanOut?.revocations ?? localRevocations;
  const stamps = fanOut?.stamps ?? localStamps;
  // Built-in, then the database's, then configured roles; reloaded after every change (here or in another process).
  const roleAdmin = await createRoleAdmin({ store, config: options.roles ?? {}, stamps, now, log }).catch(failed);
  const roles = roleAdmin.roles;
  const settings = {
    issuer,
    sessionTokenTtlSeconds,
    maxLifetimeSeconds,
    inactivityTimeoutSeconds,
    clientRotationGraceSeconds,
    multiSession: options.multiSession ?? false,
    organizationsRequired: options.organizationsRequired ?? false,
    secondFactorRequired: options.secondFactorRequired ?? false,
  };
  let allowedOrigins: readonly string[] = options.allowedOrigins ?? [];
  let authorizedParties: readonly string[] = options.authorizedParties ?? [];
  // The configuration's values are the defaults; the database's override them, here and in every other running instance.
  const instanceSettings = await createInstanceSettings({
    store,
    now,
    log,
    defaults: {
      sessionLifetimeSeconds: maxLifetimeSeconds,
      inactivityTimeoutSeconds,
      multiSession: settings.multiSession,
      organizationsRequired: settings.organizationsRequired,
      secondFactorRequired: settings.secondFactorRequired,
      allowedOrigins: [...allowedOrigins],
      authorizedParties: [...authorizedParties],
      emailVerificationRequired: options.emailVerificationRequired ?? true,
      signOutOnPasswordReset: options.signOutOnPasswordReset ?? true,
    },
    apply(values) {
      // The session use cases read these fields at use time; sessions already started keep their expiry.
      settings.maxLifetimeSeconds = values.sessionLifetimeSeconds;
      settings.inactivityTimeoutSeconds = values.inactivityTimeoutSeconds;
      settings.multiSession = values.multiSession;
      settings.organizationsRequired = values.organizationsRequired;
      settings.secondFactorRequired = values.secondFactorRequired;
      allowedOrigins = values.allowedOrigins;
      if (JSON.stringify(values.authorizedParties) !== JSON.stringify(authorizedParties)) {
        authorizedParties = values.authorizedParties;
        verifier = makeVerifier(authorizedParties);
      }
    },
  }).catch(failed);
  const sessionDeps = { store, keys: () => keyRing.current(), settings, revocations, stamps, roles, sessionClaims, now };
  const sessions = withSessionTelemetry(withSessionLimits(createSessionService(sessionDeps), limits), metrics);
  const users = createUserAdmin({ store, now });
  // Consulted on every request after the signature: revoked sessions and claims changed since the
  // token was minted (role change, removal, org switch) stop working at once, not at expiry.
  const checkSession = (claims: SessionClaims): AuthReason | null => {
    if (revocations.isRevoked(claims.sid)) return 'session-revoked';
    // Tokens without iat_ms (none are minted so) count as minted at the start of their second.
    if (stamps.isStale(claims.sub, claims.sid, claims.iat_ms ?? claims.iat * 1000)) return 'session-claims-stale';
    return null;
  };
  // Configured templates (read-only), then the database's; reloaded after every change (here or in another process).
  const templateAdmin = await createTemplateAdmin({ store, config: templateConfigs, now, log }).catch(failed);
  const templates = withTemplateLimits(
    createTemplates({ store, roles, issuer, signingKey: () => keyRing.current().signingKey, now }, templateAdmin.registry),
    limits,
  );
  const basePath = options.basePath ?? '/api/gatehouse';
  const production = process.env.NODE_ENV === 'production';
  const devInboxInProduction = production && options.devInbox === 'allow-in-production';
  if (options.devInbox === true && production) throw new TypeError('devInbox exposes invitation links: it cannot be enabled in production');
  if (devInboxInProduction)
    log('gatehouse: WARNING: the dev inbox is on in production; anyone can read invitation links at GET /dev/inbox');
  const devMailer = options.mailer || options.smtp || (production && !devInboxInProduction) ? null : createDevMailer(log, now);
  let smtpMailer: SmtpMailer | null = null;
  try {
    if (!options.mailer && options.smtp) smtpMailer = createSmtpMailer(options.smtp);
  } catch (error) {
    await failed(error);
  }
  // Every send is counted (failures by kind), whether it comes from the outbox or an invitation.
  const mailer: Mailer = countFailures(options.mailer ?? smtpMailer ?? devMailer ?? createUnconfiguredMailer(), metrics);
  // Verification codes are the way in: a production process that serves (and so runs the mail worker)
  // and requires them but cannot mail them does not start. CLI commands that only read or write data still open.
  if (
    production &&
    options.mail?.worker &&
    instanceSettings.current().emailVerificationRequired &&
    !options.mailer &&
    !smtpMailer &&
    !devMailer
  ) {
    await failed(
      new GatehouseError(
        'setup_missing',
        'Email verification is required but no mailer is configured: set GATEHOUSE_SMTP_URL (smtp:// or smtps://) and GATEHOUSE_EMAIL_FROM, or turn verification off with GATEHOUSE_EMAIL_VERIFICATION=off.',
      ),
    );
  }
  const mail = createMailOutbox({ store, mailer: () => mailer, now, log }, options.mail);
  const organizations = createOrganizationService({
    store,
    roles,
    stamps,
    now,
    log,
    outbox: mail,
    mailReady: Boolean(options.mailer || smtpMailer || devMailer),
    devInbox: () => devMailer?.inbox() ?? [],
    invitationTtlSeconds,
    invitationUrl: options.invitationUrl ?? '/accept-invitation',
  });

  // A revocation published while this instance was away from Redis is not on its list: after each
  // rebuild (a reconnect) the API-key cache starts over.
  const apiKeyDeps = () => ({ signingKey: () => keyRing.current().signingKey, generation: () => fanOut?.status.rebuilds ?? 0 });
  const webhooks = createWebhookService({ store, masterSecret: secret, now, log, onFailure: metrics.webhookFailure }, options.webhooks);
  const oauth = createOauthService({ store, masterSecret: secret, now, log, sessions, organizations, roles }, options.oauth);
  const passkeys: PasskeySettings = {
    rpId: options.passkeys?.rpId ?? null,
    rpName: options.passkeys?.rpName ?? 'Gatehouse',
    origins: options.passkeys?.origins ?? [],
  };
  const factors = withFactorTelemetry(
    createFactorService({
      store,
      masterSecret: secret,
      passkeys,
      totpIssuer: passkeys.rpName,
      now,
      sessions: () => sessions,
    }),
    metrics,
  );

  const accounts = createAccounts({
    store,
    masterSecret: secret,
    now,
    outbox: mail,
    codeTtlMs: Math.min(positive('verificationCodeTtlSeconds', options.verificationCodeTtlSeconds, 600), 3600) * 1000,
    appName: passkeys.rpName,
    basePath,
    signInPath: options.signInUrl ?? '/sign-in',
    sessions,
    sessionDeps,
    verificationRequired: () => instanceSettings.current().emailVerificationRequired,
    signOutOnReset: () => instanceSettings.current().signOutOnPasswordReset,
  });

  // Every decision counted by reason (and traced when an SDK is registered).
  const decide = observeDecisions((request) => authenticateRequestNow(request, { verifier, checkSession }), metrics);
  metrics.watch({
    outboxes: () => store.countOutboxes(),
    databaseUp: () =>
      store.ping().then(
        () => true,
        () => false,
      ),
    redisUp: () => (fanOut ? fanOut.status.subscribed : null),
  });

  const gatehouse: Gatehouse = {
    accounts,
    mail,
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
      return allowedOrigins;
    },
    config: async () => ({
      basePath,
      trustedProxyHops: gatehouse.trustedProxyHops,
      allowedOrigins,
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
    impersonation: createImpersonation({ ...sessionDeps, users, lifetimeSeconds }),
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
    verifier: () => verifier,
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
    trustedProxyHops: options.trustedProxyHops ?? 0,
    handle: (request) => handler(request),
    async close() {
      roleAdmin.stop();
      await webhooks.stopWorker();
      await mail.stopWorker();
      smtpMailer?.close();
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
        return allowedOrigins;
      },
      ...(options.secureCookies === undefined ? {} : { secureCookies: options.secureCookies }),
      devInbox: Boolean(options.devInbox),
      secretKeys,
    }),
    logger,
  );
  if (options.webhooks?.worker) webhooks.startWorker();
  if (options.mail?.worker) mail.startWorker();
  started = true;
  return gatehouse;
}

/** The mailer with every refused send counted (the error still reaches the caller). */
function countFailures(mailer: Mailer, metrics: Metrics): Mailer {
  return {
    ...mailer,
    send: (message) =>
      mailer.send(message).catch((error: unknown) => {
        metrics.mailFailure();
        throw error;
      }),
  };
}
