// "Claims changed after" stamps: a token minted before its user's or session's stamp is stale.

/**
 * When a role changes, a membership is removed, an org is deleted or a session switches org, every
 * token minted before that moment carries stale org claims. Each instance remembers the moment
 * per user and per session (for as long as such a token could still verify) and refuses older
 * tokens; the proxy then refreshes in the same request, so the user never sees stale access.
 *
 * Token `iat` has one-second resolution, so a stamp at T refuses every token with `iat < ceil(T)`,
 * and tokens minted after a stamp are given `iat >= ceil(T)` ({@link ClaimStamps.mintIat}).
 */
export interface ClaimStamps {
  stampUser(userId: string, at: number): void;
  stampSession(sessionId: string, at: number): void;
  /** True when a token with this `iat` (seconds) predates a stamp of its user or session. */
  isStale(userId: string, sessionId: string, iat: number): boolean;
  /** The `iat` to give a token minted now: never inside the second of a stamp it must outlive. */
  mintIat(userId: string, sessionId: string, now: number): number;
}

export function createClaimStamps(options: { retainMs: number; now: () => number }): ClaimStamps {
  const stamps = new Map<string, number>();
  let lastSweep = 0;
  const sweep = (t: number) => {
    if (t - lastSweep < 1000) return;
    lastSweep = t;
    for (const [key, at] of stamps) if (t - at > options.retainMs) stamps.delete(key);
  };
  const stamp = (key: string, at: number) => stamps.set(key, Math.max(at, stamps.get(key) ?? 0));
  const latest = (userId: string, sessionId: string): number => {
    if (stamps.size === 0) return 0;
    sweep(options.now());
    return Math.max(stamps.get(`u:${userId}`) ?? 0, stamps.get(`s:${sessionId}`) ?? 0);
  };
  return {
    stampUser: (userId, at) => stamp(`u:${userId}`, at),
    stampSession: (sessionId, at) => stamp(`s:${sessionId}`, at),
    isStale(userId, sessionId, iat) {
      const at = latest(userId, sessionId);
      return at > 0 && iat < Math.ceil(at / 1000);
    },
    mintIat(userId, sessionId, now) {
      const at = latest(userId, sessionId);
      return Math.max(Math.floor(now / 1000), at > 0 ? Math.ceil(at / 1000) : 0);
    },
  };
}
