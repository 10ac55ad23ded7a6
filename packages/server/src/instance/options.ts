// What an instance is opened with (createGatehouse), checked before anything is opened.

import { resolve } from 'node:path';
import { compileRoles, type RolesConfig } from '../roles/roles.js';
import { compileTemplates, type JwtTemplateConfig } from '../tokens/templates.js';
import { compileSessionClaims } from '../tokens/session-claims.js';
import { resolveMasterSecret } from '../tokens/secret.js';
import { createSecretKeyCheck } from '../backend/secret-keys.js';
import { checkImpersonationLifetime, MAX_IMPERSONATION_SECONDS } from '../impersonation/impersonation.js';
import type { Logger } from '../observability/logger.js';
import type { Mailer } from '../mail/mailer.js';
import type { MailDeliveryOptions } from '../mail/outbox.js';
import type { DeliveryOptions } from '../webhooks/delivery.js';
import type { RateLimitSettings } from '../limits/rate-limit.js';
import type { OauthOptions } from '../oauth/service.js';
import type { PasskeySettings } from '../factors/factors.js';

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

const DAY = 24 * 60 * 60;

/** `value`, or `fallback` when it is not given. @throws TypeError when it is not a positive number */
export function positive(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value <= 0) throw new TypeError(`${name} must be a positive number`);
  return value;
}

/** The options' lifetimes and bounds, defaults applied. */
export interface InstanceNumbers {
  sessionTokenTtlSeconds: number;
  maxLifetimeSeconds: number;
  inactivityTimeoutSeconds: number | null;
  clockSkewInMs: number;
  clientRotationGraceSeconds: number;
  invitationTtlSeconds: number;
  impersonationLifetimeSeconds: number;
  verificationCodeTtlSeconds: number;
}

/**
 * The options checked and compiled: configuration errors surface before anything is opened.
 * @throws TypeError on a number out of range or a bad role, template or claim configuration
 * @throws GatehouseError `setup_missing` when the secret is missing
 */
export function checkOptions(options: GatehouseOptions, databaseFile: string, onPostgres: boolean, log: (line: string) => void) {
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
  compileRoles(options.roles); // the live registry, with the database's roles, is loaded once the store is open
  const sessionClaims = options.sessionClaims ? compileSessionClaims(options.sessionClaims) : null;
  const templateConfigs = compileTemplates(options.jwtTemplates ?? []);
  const secretKeys = createSecretKeyCheck(options.secretKeys ?? []);
  const numbers: InstanceNumbers = {
    sessionTokenTtlSeconds,
    maxLifetimeSeconds,
    inactivityTimeoutSeconds,
    clockSkewInMs,
    clientRotationGraceSeconds: positive('clientRotationGraceSeconds', options.clientRotationGraceSeconds, 10),
    invitationTtlSeconds: positive('invitationTtlSeconds', options.invitationTtlSeconds, 7 * DAY),
    impersonationLifetimeSeconds: checkImpersonationLifetime(options.impersonationLifetimeSeconds ?? MAX_IMPERSONATION_SECONDS),
    verificationCodeTtlSeconds: Math.min(positive('verificationCodeTtlSeconds', options.verificationCodeTtlSeconds, 600), 3600),
  };
  return { numbers, secret, sessionClaims, templateConfigs, secretKeys };
}
