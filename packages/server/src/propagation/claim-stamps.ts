// "Claims changed after" stamps: a token minted before its user's or session's stamp is stale.

import { createExpiringMoments } from './expiring-moments.js';

/**
 * When a role changes, a membership is removed, an org is deleted or a session switches org, every
 * token minted before that moment carries stale org claims. Each instance remembers the moment
 * per user and per session (for as long as such a token could still verify) and refuses older
 * tokens; the proxy then refreshes in the same request, so the user never sees stale access.
 *
 * Token `iat` has one-second resolution, too coarse when two changes fall in one second, so session
 * tokens also carry `iat_ms`, the mint time in milliseconds. A stamp at T refuses every token minted
 * at or before T, and a token minted after a stamp is given a mint time after it
 * ({@link ClaimStamps.mintTime}), even within the same millisecond.
 */
export interface ClaimStamps {
  stampUser(userId: string, at: number): void;
  stampSession(sessionId: string, at: number): void;
  /** True when a token minted at `issuedAtMs` does not postdate a stamp of its user or session. */
  isStale(userId: string, sessionId: string, issuedAtMs: number): boolean;
  /** The mint time (ms) to give a token minted now: always after every stamp it must outlive. */
  mintTime(userId: string, sessionId: string, now: number): number;
}

export function createClaimStamps(options: { retainMs: number; now: () => number }): ClaimStamps & { version(): number } {
  // Keyed by the ids themselves (no key string built per request): a token's `sub` and `sid` are the
  // same strings on every cache hit, so each lookup reuses their hash. Expiry is per entry on lookup.
  const users = createExpiringMoments(options);
  const sessions = createExpiringMoments(options);
  const latest = (userId: string, sessionId: string): number => Math.max(users.get(userId), sessions.get(sessionId));
  return {
    /** Grows with every stamp recorded (see ExpiringMoments.version; a method, read on every request). */
    version: () => users.version() + sessions.version(),
    stampUser: (userId, at) => users.raise(userId, at),
    stampSession: (sessionId, at) => sessions.raise(sessionId, at),
    isStale(userId, sessionId, issuedAtMs) {
      const at = latest(userId, sessionId);
      return at > 0 && issuedAtMs <= at;
    },
    mintTime(userId, sessionId, now) {
      const at = latest(userId, sessionId);
      return at > 0 ? Math.max(now, at + 1) : now;
    },
  };
}
