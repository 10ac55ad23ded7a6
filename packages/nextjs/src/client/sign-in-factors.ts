// Clerk's sign-in calls for second factors and passkeys: signIn.attemptSecondFactor and signIn.authenticateWithPasskey.

import { callApi, type FetchLike } from './gatehouse-fetch.js';
import { getPasskey } from './webauthn.js';

type Options = { options: Record<string, unknown>; challengeId: string };

/** The answer of a finished sign-in (Clerk's `status: 'complete'`, with the new session's id). */
export interface SignInComplete {
  status: 'complete';
  createdSessionId: string;
}

/** What the sign-in endpoint answers: a session, or `needs_second_factor` with the factors the user can use. */
export interface SignInAnswer {
  status?: 'needs_second_factor';
  sessionId?: string;
  supportedSecondFactors?: { strategy: 'totp' | 'backup_code' | 'passkey' }[];
}

export type SecondFactorParams = { strategy: 'totp' | 'backup_code'; code: string } | { strategy: 'passkey' };

const complete = (answer: { sessionId: string }): SignInComplete => ({ status: 'complete', createdSessionId: answer.sessionId });

/**
 * signIn.attemptSecondFactor(): the code from the authenticator app, a backup code, or (strategy
 * `passkey`) the browser's passkey prompt, for the sign-in whose password was just right.
 * @throws GatehouseError `code_invalid` (try again), `session_invalid` (expired or too many tries: sign in again)
 */
export async function attemptSecondFactor(fetcher: FetchLike, apiBasePath: string, params: SecondFactorParams): Promise<SignInComplete> {
  if (params.strategy === 'passkey') {
    const started = await callApi<Options>(fetcher, `${apiBasePath}/sign-in/second-factor/passkey-options`, { method: 'POST' });
    const response = await getPasskey(started.options);
    const body = { strategy: 'passkey', challengeId: started.challengeId, response };
    return complete(await callApi(fetcher, `${apiBasePath}/sign-in/second-factor`, { method: 'POST', body }));
  }
  const body = { strategy: params.strategy, code: params.code };
  return complete(await callApi(fetcher, `${apiBasePath}/sign-in/second-factor`, { method: 'POST', body }));
}

/**
 * signIn.authenticateWithPasskey(): signs in with a discoverable passkey. `flow: 'autofill'` waits
 * for the person to pick one in the email field's autofill (a new ceremony ends the wait).
 * @throws GatehouseError `code_invalid` (the passkey was not accepted); the browser's NotAllowedError when cancelled
 */
export async function authenticateWithPasskey(
  fetcher: FetchLike,
  apiBasePath: string,
  params: { flow?: 'autofill' | 'discoverable' } = {},
): Promise<SignInComplete> {
  const started = await callApi<Options>(fetcher, `${apiBasePath}/sign-in/passkey/options`, { method: 'POST' });
  const response = await getPasskey(started.options, params.flow === 'autofill');
  const body = { challengeId: started.challengeId, response };
  return complete(await callApi(fetcher, `${apiBasePath}/sign-in/passkey`, { method: 'POST', body }));
}
