// Machine tokens in the Next.js glue: auth({ acceptsToken }) and auth.protect({ token }) for API keys and M2M tokens.

import {
  acceptsTokenType,
  checkAcceptsToken,
  errorResponse,
  machineAuthObject,
  narrowAuthObject,
  reasonMessage,
  signedOutAuthObject,
  tokenTypeOf,
  unauthenticatedMachineObject,
  type AcceptsToken,
  type AnyAuthObject,
  type AuthObject,
  type AuthReason,
  type VerifiedMachine,
  type AuthenticatedMachineObject,
  type CheckAuthorizationParams,
  type HasFunction,
  type MachineTokenType,
  type UnauthenticatedMachineObject,
} from '@gatehouse/core';

type Verification = { machine: VerifiedMachine } | { reason: AuthReason };

/** What the glue needs of the service: the machine-token verifier (absent in standalone mode and on the edge). */
export interface MachineVerifierSource {
  verifyMachineToken?(token: string): Verification | Promise<Verification>;
}

/** A machine token in the `Authorization` header (the only place machine tokens are read from), or null. */
export function machineBearer(headers: Headers): { token: string; type: MachineTokenType } | null {
  const match = /^Bearer[ ]+([^\s]{1,8192})\s*$/i.exec(headers.get('authorization') ?? '');
  if (!match?.[1]) return null;
  const type = tokenTypeOf(match[1]);
  return type === 'session_token' ? null : { token: match[1], type };
}

async function verifyMachine(
  source: MachineVerifierSource,
  bearer: { token: string; type: MachineTokenType },
): Promise<AuthenticatedMachineObject | UnauthenticatedMachineObject> {
  // A standalone app verifies session tokens only; machine tokens are checked by the service itself.
  if (!source.verifyMachineToken) return unauthenticatedMachineObject(bearer.type, 'token-type-not-accepted');
  const outcome = await source.verifyMachineToken(bearer.token);
  if ('reason' in outcome) return unauthenticatedMachineObject(bearer.type, outcome.reason);
  return machineAuthObject(outcome.machine, bearer.token);
}

/**
 * The auth object for what the route accepts (Clerk's narrowing). A request carrying a machine token
 * in `Authorization` is a machine request: verified as one (an API key from memory when seen
 * recently), never as a session, whatever cookies it also carries.
 *
 * @throws TypeError when `accepts` names no known token type
 */
export async function acceptedAuth<S extends AuthObject>(
  headers: Headers,
  source: MachineVerifierSource,
  sessionAuth: S,
  accepts: AcceptsToken | undefined,
): Promise<AnyAuthObject<S>> {
  checkAcceptsToken(accepts);
  const bearer = machineBearer(headers);
  const actual = bearer ? await verifyMachine(source, bearer) : sessionAuth;
  return narrowAuthObject<S>(actual, accepts, (reason) => signedOutAuthObject(reason) as S);
}

export type MachineOutcome =
  { kind: 'allowed' } | { kind: 'unauthenticated'; response: Response } | { kind: 'unauthorized'; response: Response };

/**
 * auth.protect({ token }) for machine requests and machine-only routes: null when the session
 * procedure applies (a session request on a route that takes sessions). Otherwise 401 with the reason
 * for a token of a type the route does not take or that did not verify (Clerk: always 401 in machine
 * contexts), 403 when a verified machine lacks a permission asked for (`has` reads its scopes).
 */
export function decideMachineProtect(
  auth: AnyAuthObject<AuthObject>,
  check: CheckAuthorizationParams | ((has: HasFunction) => boolean) | null,
  accepts: AcceptsToken | undefined,
  sessionRequest: boolean,
): MachineOutcome | null {
  if (sessionRequest && acceptsTokenType(accepts, 'session_token')) return null;
  if (auth.tokenType === 'session_token' && auth.isAuthenticated) return null;
  if (!auth.isAuthenticated) {
    const reason = 'reason' in auth && auth.reason ? auth.reason : 'token-type-not-accepted';
    return {
      kind: 'unauthenticated',
      response: errorResponse('unauthenticated', reasonMessage(reason), { 'x-gatehouse-auth-reason': reason }),
    };
  }
  const allowed = check === null ? true : typeof check === 'function' ? check(auth.has) === true : auth.has(check);
  if (allowed) return { kind: 'allowed' };
  return { kind: 'unauthorized', response: errorResponse('forbidden', 'This key does not have permission to access this resource.') };
}
