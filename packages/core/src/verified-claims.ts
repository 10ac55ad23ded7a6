// What core remembers about one verified claims object: its has() subject and the last session check it passed.

/**
 * Per-claims state, reachable only from core. A cached token's claims are the same frozen object
 * on every hit, so what is derived from them once (the subject) or proved about them under an
 * unchanged revocation list (the session check) is kept here instead of in a weak map.
 */
export interface ClaimsMemo {
  /** The has() subject (auth-object.ts), built on first use. */
  subject: unknown;
  /** The `checkSession` that last passed these claims, and the version of what it read then. */
  checkedBy: unknown;
  checkedVersion: number;
}

/**
 * The memo is held under a symbol, non-enumerable and set before the claims are frozen (so the
 * claims still read as exactly the token's payload), behind a function that answers only to
 * {@link ACCESS}, which never leaves this module: code holding the claims cannot reach or change it.
 */
const SLOT = Symbol('gatehouse.claims');
const ACCESS = Object.freeze({});
type Slot = (access: unknown) => ClaimsMemo | undefined;

/** Gives claims about to be frozen a memo of their own (the verifier calls it). */
export function withClaimsMemo<T extends object>(claims: T): T {
  let memo: ClaimsMemo | undefined;
  const slot: Slot = (access) =>
    access === ACCESS ? (memo ??= { subject: undefined, checkedBy: undefined, checkedVersion: -1 }) : undefined;
  Object.defineProperty(claims, SLOT, { value: slot });
  return claims;
}

/** The memo of verified claims; undefined for claims made elsewhere (a just-minted token, a copy). */
export function claimsMemo(claims: object): ClaimsMemo | undefined {
  const slot = (claims as { [SLOT]?: unknown })[SLOT];
  return typeof slot === 'function' ? (slot as Slot)(ACCESS) : undefined;
}
