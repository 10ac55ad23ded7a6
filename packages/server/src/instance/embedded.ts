// The process-wide embedded instance, configured from the environment and created once.

import { readConfigFile, type ConfigFileOptions } from './config-file.js';
import { createGatehouse, type Gatehouse } from './instance.js';
import type { GatehouseOptions } from './options.js';
import type { PasskeySettings } from '../factors/factors.js';
import { GatehouseError } from '@gatehouse/core';
import { createRemoteBackend } from '../standalone/remote-service.js';
import { embeddedBackend, type GatehouseBackend } from './backend-port.js';
import { isPostgresUrl } from '../store/postgres.js';
import { parseRateLimitRule, type RateLimitName } from '../limits/rate-limit.js';
import { connectionsFromEnv } from '../oauth/presets.js';
import { listenForMetrics, metricsPort } from '../observability/metrics-endpoint.js';
import { testClockFromEnv } from './test-clock.js';

/** GATEHOUSE_RATE_LIMIT_<NAME>=count/windowSeconds (or off), e.g. GATEHOUSE_RATE_LIMIT_SIGN_IN_IDENTIFIER=10/600. */
const RATE_LIMIT_ENV: Record<RateLimitName, string> = {
  signInIp: 'GATEHOUSE_RATE_LIMIT_SIGN_IN_IP',
  signInIdentifier: 'GATEHOUSE_RATE_LIMIT_SIGN_IN_IDENTIFIER',
  signUpIp: 'GATEHOUSE_RATE_LIMIT_SIGN_UP_IP',
  verifyIp: 'GATEHOUSE_RATE_LIMIT_VERIFY_IP',
  verifyIdentifier: 'GATEHOUSE_RATE_LIMIT_VERIFY_IDENTIFIER',
  refreshClient: 'GATEHOUSE_RATE_LIMIT_REFRESH_CLIENT',
  refreshIp: 'GATEHOUSE_RATE_LIMIT_REFRESH_IP',
  mintSession: 'GATEHOUSE_RATE_LIMIT_MINT_SESSION',
  mintIp: 'GATEHOUSE_RATE_LIMIT_MINT_IP',
  ceremonyIp: 'GATEHOUSE_RATE_LIMIT_CEREMONY_IP',
};

function seconds(env: NodeJS.ProcessEnv, name: string): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new TypeError(`${name} must be a positive number of seconds`);
  return value;
}

function list(raw: string | undefined): string[] {
  return (raw ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

/** Reads the embedded instance's options from gatehouse.config.json and GATEHOUSE_* environment variables. */
export function gatehouseOptionsFromEnv(env: NodeJS.ProcessEnv = process.env, file: ConfigFileOptions = {}): GatehouseOptions {
  const options: GatehouseOptions = {
    ...readConfigFile(env, file),
    allowDevSecret: env.GATEHOUSE_DEV_SECRET === '1' || env.NODE_ENV !== 'production',
    authorizedParties: list(env.GATEHOUSE_AUTHORIZED_PARTIES),
    allowedOrigins: list(env.GATEHOUSE_ALLOWED_ORIGINS),
  };
  // DATABASE_URL (PostgreSQL, shared by several instances) wins over the SQLite file.
  if (env.DATABASE_URL) {
    if (!isPostgresUrl(env.DATABASE_URL))
      throw new TypeError('DATABASE_URL must be a postgres:// URL (for SQLite, set GATEHOUSE_DATABASE_FILE)');
    options.databaseUrl = env.DATABASE_URL;
  } else if (env.GATEHOUSE_DATABASE_FILE) options.databaseFile = env.GATEHOUSE_DATABASE_FILE;
  if (env.GATEHOUSE_DATABASE_TIMEOUT_MS) {
    const timeout = Number(env.GATEHOUSE_DATABASE_TIMEOUT_MS);
    if (!Number.isInteger(timeout) || timeout < 100 || timeout > 60_000)
      throw new TypeError('GATEHOUSE_DATABASE_TIMEOUT_MS must be a whole number of milliseconds between 100 and 60000');
    options.databaseTimeoutMs = timeout;
  }
  if (env.REDIS_URL) options.redisUrl = env.REDIS_URL;
  // Webhooks never go to internal addresses, except to development hosts named here; demo mode
  // names its own receiver (lib/demo-webhooks.ts in the example), that host and port only.
  const allowedHosts = list(env.GATEHOUSE_WEBHOOK_ALLOWED_HOSTS);
  if (env.GATEHOUSE_DEMO === '1') allowedHosts.push(`127.0.0.1:${env.PORT || '3000'}`);
  if (allowedHosts.length > 0) options.webhooks = { ...options.webhooks, allowedHosts };
  if (env.GATEHOUSE_SECRET) options.secret = env.GATEHOUSE_SECRET;
  // Several comma-separated keys while rotating: the new one added, the old one removed once clients moved.
  if (env.GATEHOUSE_SECRET_KEY) options.secretKeys = list(env.GATEHOUSE_SECRET_KEY);
  const ttl = seconds(env, 'GATEHOUSE_SESSION_TOKEN_TTL');
  if (ttl !== undefined) options.sessionTokenTtlSeconds = ttl;
  const lifetime = seconds(env, 'GATEHOUSE_MAX_SESSION_LIFETIME');
  if (lifetime !== undefined) options.maxLifetimeSeconds = lifetime;
  const grace = seconds(env, 'GATEHOUSE_CLIENT_ROTATION_GRACE');
  if (grace !== undefined) options.clientRotationGraceSeconds = grace;
  const impersonation = seconds(env, 'GATEHOUSE_IMPERSONATION_LIFETIME');
  if (impersonation !== undefined) options.impersonationLifetimeSeconds = impersonation;
  const inactivity = seconds(env, 'GATEHOUSE_INACTIVITY_TIMEOUT');
  if (inactivity !== undefined) options.inactivityTimeoutSeconds = inactivity;
  // Mail: SMTP when GATEHOUSE_SMTP_URL is set (the sender is GATEHOUSE_EMAIL_FROM), else the dev mailer outside production.
  if (env.GATEHOUSE_SMTP_URL) {
    if (!env.GATEHOUSE_EMAIL_FROM)
      throw new TypeError('GATEHOUSE_SMTP_URL is set: set GATEHOUSE_EMAIL_FROM too (e.g. "Acme <no-reply@acme.example>")');
    options.smtp = { url: env.GATEHOUSE_SMTP_URL, from: env.GATEHOUSE_EMAIL_FROM };
  }
  const codeTtl = seconds(env, 'GATEHOUSE_VERIFICATION_CODE_TTL');
  if (codeTtl !== undefined) options.verificationCodeTtlSeconds = codeTtl;
  const verification = env.GATEHOUSE_EMAIL_VERIFICATION;
  if (verification) {
    if (verification !== 'required' && verification !== 'off') throw new TypeError('GATEHOUSE_EMAIL_VERIFICATION must be required or off');
    options.emailVerificationRequired = verification === 'required';
  }
  if (env.GATEHOUSE_ORGANIZATIONS_REQUIRED === '1' || env.GATEHOUSE_ORGANIZATIONS_REQUIRED === 'true') options.organizationsRequired = true;
  if (env.GATEHOUSE_SECOND_FACTOR_REQUIRED === '1' || env.GATEHOUSE_SECOND_FACTOR_REQUIRED === 'true') options.secondFactorRequired = true;
  if (env.GATEHOUSE_MULTI_SESSION === '1' || env.GATEHOUSE_MULTI_SESSION === 'true') options.multiSession = true;
  const passkeys = passkeysFromEnv(env);
  if (passkeys) options.passkeys = { ...options.passkeys, ...passkeys };
  // Environment variables override the config file's rateLimits, rule by rule.
  for (const [name, variable] of Object.entries(RATE_LIMIT_ENV) as [RateLimitName, string][]) {
    const raw = env[variable];
    if (raw) options.rateLimits = { ...options.rateLimits, [name]: parseRateLimitRule(variable, raw) };
  }
  const hops = trustedProxyHops(env);
  if (hops !== undefined) options.trustedProxyHops = hops;
  // GATEHOUSE_OAUTH_<ID>_*: added to the config file's connections; the environment wins for one id.
  const envConnections = connectionsFromEnv(env);
  if (envConnections.length) {
    const ids = new Set(envConnections.map((c) => c.id));
    const fromFile = (options.oauth?.connections ?? []).filter((c) => !ids.has(c.id));
    options.oauth = { ...options.oauth, connections: [...fromFile, ...envConnections] };
  }
  // The dev inbox hands out invitation links: on only when asked for. Set in a production build
  // (end-to-end tests), the variable is that explicit request, and the instance says so loudly.
  if (env.GATEHOUSE_DEV_INBOX === '1' || env.GATEHOUSE_DEV_INBOX === 'true') {
    options.devInbox = env.NODE_ENV === 'production' ? 'allow-in-production' : true;
  }
  // A test hook (GATEHOUSE_TEST_CLOCK_FILE): the clock of the service and of the in-process verifier.
  const testClock = testClockFromEnv(env);
  if (testClock) options.now = testClock;
  return options;
}

/**
 * The passkeys' relying party: GATEHOUSE_PASSKEY_RP_ID (a host name such as `example.com`),
 * GATEHOUSE_PASSKEY_ORIGINS (comma-separated origins), GATEHOUSE_APP_NAME (shown by the browser and
 * authenticator apps). Undefined when none is set.
 * @throws TypeError for a malformed value
 */
function passkeysFromEnv(env: NodeJS.ProcessEnv): Partial<PasskeySettings> | undefined {
  const settings: Partial<PasskeySettings> = {};
  if (env.GATEHOUSE_PASSKEY_RP_ID) {
    if (!/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/.test(env.GATEHOUSE_PASSKEY_RP_ID))
      throw new TypeError('GATEHOUSE_PASSKEY_RP_ID must be a host name such as example.com (no scheme, port or path)');
    settings.rpId = env.GATEHOUSE_PASSKEY_RP_ID;
  }
  if (env.GATEHOUSE_PASSKEY_ORIGINS) {
    settings.origins = list(env.GATEHOUSE_PASSKEY_ORIGINS).map((value) => {
      const url = URL.canParse(value) ? new URL(value) : null;
      if (!url || url.origin !== value || !/^https?:$/.test(url.protocol))
        throw new TypeError(`GATEHOUSE_PASSKEY_ORIGINS: ${value.slice(0, 80)} is not an origin such as https://app.example.com`);
      return value;
    });
  }
  if (env.GATEHOUSE_APP_NAME) settings.rpName = env.GATEHOUSE_APP_NAME.slice(0, 64);
  return Object.keys(settings).length ? settings : undefined;
}

/** GATEHOUSE_TRUSTED_PROXY_HOPS; undefined when unset. @throws TypeError when it is not a whole number */
function trustedProxyHops(env: NodeJS.ProcessEnv): number | undefined {
  if (!env.GATEHOUSE_TRUSTED_PROXY_HOPS) return undefined;
  const hops = Number(env.GATEHOUSE_TRUSTED_PROXY_HOPS);
  if (!Number.isInteger(hops) || hops < 0)
    throw new TypeError('GATEHOUSE_TRUSTED_PROXY_HOPS must be a whole number (0: no proxy in front)');
  return hops;
}

const INSTANCE = Symbol.for('gatehouse.embedded-instance');
const BACKEND = Symbol.for('gatehouse.backend');
type Holder = { [INSTANCE]?: Promise<Gatehouse>; [BACKEND]?: Promise<GatehouseBackend> };

/**
 * The process-wide port the app glue uses: the embedded instance, or with `GATEHOUSE_SERVICE_URL`
 * the standalone service (this app then keeps no database; it verifies with the service's JWKS and
 * forwards). Kept on globalThis so that every bundle Next.js builds shares it.
 */
export function getBackend(): Promise<GatehouseBackend> {
  const holder = globalThis as Holder;
  if (!holder[BACKEND]) {
    const env = process.env;
    holder[BACKEND] = env.GATEHOUSE_SERVICE_URL ? remoteFromEnv(env) : getGatehouse().then(embeddedBackend);
    holder[BACKEND].catch(() => {
      delete holder[BACKEND];
    });
  }
  return holder[BACKEND];
}

async function remoteFromEnv(env: NodeJS.ProcessEnv): Promise<GatehouseBackend> {
  const hops = trustedProxyHops(env);
  const lifetime = seconds(env, 'GATEHOUSE_MAX_SESSION_LIFETIME');
  const secretKey = list(env.GATEHOUSE_SECRET_KEY)[0];
  const backend = await createRemoteBackend({
    serviceUrl: env.GATEHOUSE_SERVICE_URL ?? '',
    authorizedParties: list(env.GATEHOUSE_AUTHORIZED_PARTIES),
    allowedOrigins: list(env.GATEHOUSE_ALLOWED_ORIGINS),
    ...(env.REDIS_URL ? { redisUrl: env.REDIS_URL } : {}),
    ...(hops === undefined ? {} : { trustedProxyHops: hops }),
    ...(lifetime === undefined ? {} : { maxLifetimeSeconds: lifetime }),
    ...(secretKey ? { secretKey } : {}),
  });
  backend.log(`Gatehouse: using the standalone service at ${new URL(env.GATEHOUSE_SERVICE_URL ?? '').origin}`);
  // The app's own metrics (decisions, the proxy's refreshes, ...); the service serves its own.
  await listenForMetrics(backend.metrics, env, backend.log);
  return backend;
}

/**
 * The embedded instance of this process. Kept on globalThis so that every bundle Next.js builds
 * (proxy, route handlers, server components) shares one database handle and one revocation set.
 * @throws GatehouseError `setup_missing` with `GATEHOUSE_SERVICE_URL`: the instance lives in the service (use {@link getBackend})
 */
export function getGatehouse(): Promise<Gatehouse> {
  const holder = globalThis as Holder;
  if (!holder[INSTANCE] && process.env.GATEHOUSE_SERVICE_URL) {
    return Promise.reject(
      new GatehouseError(
        'setup_missing',
        "This app uses a standalone Gatehouse service (GATEHOUSE_SERVICE_URL): its instance is the service's; call the service's API.",
      ),
    );
  }
  if (!holder[INSTANCE]) {
    const options = gatehouseOptionsFromEnv();
    // A bad GATEHOUSE_METRICS_PORT stops the start before anything is opened.
    metricsPort(process.env);
    // The app's process delivers webhooks (GATEHOUSE_WEBHOOK_WORKER=0 leaves it to another process).
    options.webhooks = { ...options.webhooks, worker: process.env.GATEHOUSE_WEBHOOK_WORKER !== '0' };
    // And mail (verification and reset codes, invitations) from the outbox; GATEHOUSE_MAIL_WORKER=0 leaves it to another process.
    options.mail = { ...options.mail, worker: process.env.GATEHOUSE_MAIL_WORKER !== '0' };
    holder[INSTANCE] = createGatehouse(options).then(async (gatehouse) => {
      // Never the URL itself: it carries the database password.
      const where = gatehouse.databaseFile ? `embedded SQLite database at ${gatehouse.databaseFile}` : 'PostgreSQL (DATABASE_URL)';
      gatehouse.log(`Gatehouse: ${where}${gatehouse.fanOut ? ', Redis fan-out on (REDIS_URL)' : ''}`);
      // GATEHOUSE_METRICS_PORT: the metrics on a port of their own, without a key (bind it where only the scraper reaches).
      await listenForMetrics(gatehouse.metrics, process.env, gatehouse.log);
      if (!gatehouse.databaseFile && !gatehouse.fanOut) {
        gatehouse.log(
          'Gatehouse: no REDIS_URL: other instances learn of a revocation only when its tokens expire (token lifetime + clock skew).',
        );
      }
      return gatehouse;
    });
    // A failed start is not cached: the next call tries again and reports the error again.
    holder[INSTANCE].catch(() => {
      delete holder[INSTANCE];
    });
  }
  return holder[INSTANCE];
}
