// The in-memory set of revoked session ids that request authentication consults on every request.

export interface RevocationList {
  revoke(sessionId: string, at: number): void;
  isRevoked(sessionId: string): boolean;
  /** How long a revocation is remembered: as long as a token minted before it could still verify. */
  readonly retainMs: number;
}

/**
 * Remembers revoked sessions for as long as a token minted before the revocation could still
 * verify (token lifetime + clock skew), then forgets them, so memory stays bounded.
 */
export function createRevocationList(options: { retainMs: number; now: () => number }): RevocationList {
  const revoked = new Map<string, number>();
  let lastSweep = 0;
  function sweep(t: number): void {
    if (t - lastSweep < 1000) return;
    lastSweep = t;
    for (const [id, at] of revoked) if (t - at > options.retainMs) revoked.delete(id);
  }
  return {
    retainMs: options.retainMs,
    revoke(sessionId, at) {
      revoked.set(sessionId, at);
    },
    isRevoked(sessionId) {
      if (revoked.size === 0) return false;
      sweep(options.now());
      return revoked.has(sessionId);
    },
  };
}
