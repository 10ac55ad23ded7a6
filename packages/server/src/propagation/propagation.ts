// An instance's view of ended sessions and changed claims: its own lists, kept in step with every
// other instance through Redis when there is one, and the per-request check that reads them.

import type { AuthReason, SessionClaims } from '@gatehouse/core';
import type { Store } from '../store/types.js';
import type { Metrics } from '../observability/metrics.js';
import { createClaimStamps, type ClaimStamps } from './claim-stamps.js';
import { connectFanOut, type FanOut } from './redis-fan-out.js';
import { createRevocationList, type RevocationList } from './revocation.js';

export interface PropagationOptions {
  store: Store;
  instanceId: string;
  /** `redis://…`: revocations and claim changes reach every instance through pub/sub. */
  redisUrl: string | undefined;
  sessionTokenTtlSeconds: number;
  clockSkewInMs: number;
  now: () => number;
  log: (line: string) => void;
  metrics: Metrics;
}

export interface Propagation {
  /** The Redis fan-out; null without `redisUrl`. */
  readonly fanOut: FanOut | null;
  readonly revocations: RevocationList;
  readonly stamps: ClaimStamps;
  /** The per-request check after the signature: revoked session or stale claims, else null. */
  checkSession(claims: SessionClaims): AuthReason | null;
  /**
   * Grows with every revocation and stamp this instance records (its own, other instances' through
   * Redis, a rebuild from the database): what `checkSession` answered null stays null until it does.
   */
  sessionChecksVersion(): number;
}

/**
 * Fills the revocation list from the database (and, with Redis, subscribes). @throws GatehouseError
 * `setup_missing` when Redis cannot be reached at start
 */
export async function openPropagation(options: PropagationOptions): Promise<Propagation> {
  const { store, now, clockSkewInMs } = options;
  // As long as a token minted before a revocation or a stamp could still verify.
  const retainMs = (options.sessionTokenTtlSeconds + 10) * 1000 + clockSkewInMs;
  const localRevocations = createRevocationList({ retainMs, now });
  const localStamps = createClaimStamps({ retainMs, now });
  // Sessions that ended shortly before this start (or while this instance was not listening to
  // Redis) may still have unexpired tokens out there: the database knows them all.
  const rebuildRevocations = async () => {
    for (const row of await store.listSessionsEndedSince(now() - retainMs)) localRevocations.revoke(row.id, row.ended_at);
  };
  let fanOut: FanOut | null = null;
  if (options.redisUrl) {
    fanOut = await connectFanOut({
      url: options.redisUrl,
      channel: `gatehouse:events:${options.instanceId}`,
      revocations: localRevocations,
      stamps: localStamps,
      rebuild: rebuildRevocations,
      now,
      maxSkewMs: clockSkewInMs,
      log: options.log,
      onRevocationLag: options.metrics.revocationLag,
    });
  } else {
    await rebuildRevocations();
  }
  const revocations = fanOut?.revocations ?? localRevocations;
  const stamps = fanOut?.stamps ?? localStamps;
  return {
    fanOut,
    revocations,
    stamps,
    // Consulted on every request after the signature: revoked sessions and claims changed since the
    // token was minted (role change, removal, org switch) stop working at once, not at expiry.
    // Every write lands in the local lists (the Redis fan-out's lists delegate to them).
    sessionChecksVersion: () => localRevocations.version() + localStamps.version(),
    checkSession(claims) {
      if (revocations.isRevoked(claims.sid)) return 'session-revoked';
      // Tokens without iat_ms (none are minted so) count as minted at the start of their second.
      if (stamps.isStale(claims.sub, claims.sid, claims.iat_ms ?? claims.iat * 1000)) return 'session-claims-stale';
      return null;
    },
  };
}
