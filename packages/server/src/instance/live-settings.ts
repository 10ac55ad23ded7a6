// The settings an instance reads at use time: the configuration's values as defaults, the
// database's over them (changed from the dashboard, the backend API or another process), applied
// to the session settings, the allowed origins and the token verifier's authorized parties.

import { createSessionTokenVerifier, type SessionTokenVerifier } from '@gatehouse/core';
import type { KeyRing } from '../tokens/key-ring.js';
import type { Metrics } from '../observability/metrics.js';
import type { SessionSettings } from '../sessions/sessions.js';
import type { Store } from '../store/types.js';
import { createInstanceSettings, type InstanceSettings } from './instance-settings.js';
import type { GatehouseOptions, InstanceNumbers } from './options.js';

export interface LiveSettings {
  /** Read by the session use cases at use time; sessions already started keep their expiry. */
  readonly settings: SessionSettings & { maxLifetimeSeconds: number };
  readonly instanceSettings: InstanceSettings;
  /** Origins besides the request's own that may send state-changing requests with the session cookies. */
  allowedOrigins(): readonly string[];
  /** The session-token verifier, replaced when the authorized parties change. */
  verifier(): SessionTokenVerifier;
}

export async function openLiveSettings(
  options: GatehouseOptions,
  numbers: InstanceNumbers,
  deps: { store: Store; keyRing: KeyRing; issuer: string; metrics: Metrics; now: () => number; log: (line: string) => void },
): Promise<LiveSettings> {
  const { store, keyRing, issuer, metrics, now, log } = deps;
  const { sessionTokenTtlSeconds, maxLifetimeSeconds, inactivityTimeoutSeconds, clientRotationGraceSeconds, clockSkewInMs } = numbers;
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
  });
  return { settings, instanceSettings, allowedOrigins: () => allowedOrigins, verifier: () => verifier };
}
