// What core remembers about the claims of a cached token: their has() subject and the last session check they passed.

/**
 * Per-claims state, reachable only from core. A cached token's claims are the same frozen object
 * on every hit, so what is derived from them once (the subject) or proved about them under an
 * unchanged revocation list (the session check) is kept with them.
 */
export interface ClaimsMemo {
  /** The has() subject (auth-object.ts), built on first use. */
  subject: unknown;
  /** The `checkSession` that last passed these claims, and the version of what it read then. */
  checkedBy: unknown;
  checkedVersion: number;
}

/**
 * Only claims entering the verified-token cache get a memo: claims verified for one request are
 * never seen again, and a weak-map entry for each of them would cost its upkeep in every
 * young-generation collection. Nothing is added to the claims themselves, so they stay exactly the
 * token's payload (a symbol-keyed slot would make React refuse them as props, for one).
 */
const memos = new WeakMap<object, ClaimsMemo>();

/** Gives the claims of a token being cached a memo (the verifier calls it). */
export function rememberClaims<T extends object>(claims: T): T {
  if (!memos.has(claims)) memos.set(claims, { subject: undefined, checkedBy: undefined, checkedVersion: -1 });
  return claims;
}

/** The memo of a cached token's claims; undefined for any other claims. */
export function claimsMemo(claims: object): ClaimsMemo | undefined {
  return memos.get(claims);
}
