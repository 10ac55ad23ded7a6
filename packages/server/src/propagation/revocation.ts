// The in-memory set of revoked session ids that request authentication consults on every request.

import { createExpiringMoments } from './expiring-moments.js';

export interface RevocationList {
  revoke(sessionId: string, at: number): void;
  isRevoked(sessionId: string): boolean;
  /** How long a revocation is remembered: as long as a token minted before it could still verify. */
  readonly retainMs: number;
}

/**
 * Remembers revoked sessions for as long as a token minted before the revocation could still
 * verify (token lifetime + clock skew), then forgets them, so memory stays bounded. A lookup is one
 * map read; expiry never walks the list on the request path.
 */
export function createRevocationList(options: { retainMs: number; now: () => number }): RevocationList & { version(): number } {
  const revoked = createExpiringMoments(options);
  return {
    retainMs: options.retainMs,
    /** Grows with every revocation recorded (see ExpiringMoments.version; a method, read on every request). */
    version: () => revoked.version(),
    revoke(sessionId, at) {
      revoked.raise(sessionId, at);
    },
    isRevoked(sessionId) {
      return revoked.get(sessionId) !== 0;
    },
  };
}
