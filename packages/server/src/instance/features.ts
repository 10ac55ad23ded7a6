// The features over the sessions: organizations (with invitations by mail), sign-in with OAuth
// providers, second factors and passkeys, and accounts (sign-up, verification, reset, changes).

import { createAccounts } from '../accounts/accounts.js';
import { createFactorService, type PasskeySettings } from '../factors/factors.js';
import type { InstanceMail } from '../mail/instance-mail.js';
import type { Metrics } from '../observability/metrics.js';
import { withFactorTelemetry, withOauthTelemetry } from '../observability/session-telemetry.js';
import { createOauthService } from '../oauth/service.js';
import { createOrganizationService } from '../organizations/organizations.js';
import type { ClaimStamps } from '../propagation/claim-stamps.js';
import type { Roles } from '../roles/roles.js';
import type { SessionDeps, SessionService } from '../sessions/sessions.js';
import type { Store } from '../store/types.js';
import type { InstanceSettings } from './instance-settings.js';
import type { GatehouseOptions, InstanceNumbers } from './options.js';

export interface FeatureDeps {
  store: Store;
  /** The master secret (encrypts provider secrets and TOTP seeds, keys the mailed codes). */
  secret: string;
  now: () => number;
  log: (line: string) => void;
  metrics: Metrics;
  roles: Roles;
  stamps: ClaimStamps;
  sessions: SessionService;
  sessionDeps: SessionDeps;
  mail: InstanceMail;
  numbers: InstanceNumbers;
  basePath: string;
  instanceSettings: InstanceSettings;
}

export function composeFeatures(options: GatehouseOptions, deps: FeatureDeps) {
  const { store, secret, now, log, metrics, roles, stamps, sessions, sessionDeps, mail, numbers, basePath, instanceSettings } = deps;
  const organizations = createOrganizationService({
    store,
    roles,
    stamps,
    now,
    log,
    outbox: mail.outbox,
    mailReady: mail.ready,
    devInbox: mail.devInbox,
    invitationTtlSeconds: numbers.invitationTtlSeconds,
    invitationUrl: options.invitationUrl ?? '/accept-invitation',
  });
  const oauth = withOauthTelemetry(
    createOauthService({ store, masterSecret: secret, now, log, sessions, organizations, roles }, options.oauth),
    metrics,
  );
  const passkeys: PasskeySettings = {
    rpId: options.passkeys?.rpId ?? null,
    rpName: options.passkeys?.rpName ?? 'Gatehouse',
    origins: options.passkeys?.origins ?? [],
  };
  const factors = withFactorTelemetry(
    createFactorService({ store, masterSecret: secret, passkeys, totpIssuer: passkeys.rpName, now, sessions: () => sessions }),
    metrics,
  );
  const accounts = createAccounts({
    store,
    masterSecret: secret,
    now,
    outbox: mail.outbox,
    codeTtlMs: numbers.verificationCodeTtlSeconds * 1000,
    appName: passkeys.rpName,
    basePath,
    signInPath: options.signInUrl ?? '/sign-in',
    sessions,
    sessionDeps,
    verificationRequired: () => instanceSettings.current().emailVerificationRequired,
    signOutOnReset: () => instanceSettings.current().signOutOnPasswordReset,
  });
  return { organizations, oauth, factors, accounts };
}
