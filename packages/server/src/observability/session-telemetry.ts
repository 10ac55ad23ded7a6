// Sign-in, sign-up and refresh counted by outcome and traced (`gatehouse.sign_in`, `gatehouse.sign_up`, `gatehouse.refresh`), around the session service.

import type { FactorService } from '../factors/factors.js';
import type { CallbackOutcome } from '../oauth/flow.js';
import type { OauthService } from '../oauth/service.js';
import type { SessionService } from '../sessions/sessions.js';
import type { Metrics } from './metrics.js';
import { errorOutcome, inSpan } from './tracing.js';

const success = () => 'success';

async function observe<T>(
  name: string,
  count: (outcome: string) => void,
  work: () => Promise<T>,
  outcome: (value: T) => string,
): Promise<T> {
  try {
    const value = await inSpan(name, work, outcome);
    count(outcome(value));
    return value;
  } catch (error) {
    count(errorOutcome(error));
    throw error;
  }
}

/**
 * The session service with its entry points observed. Put outside the rate limits, so a refused
 * refresh counts as `rate_limited`; the auth API counts sign-ins and sign-ups its own limits refuse.
 */
export function withSessionTelemetry(sessions: SessionService, metrics: Metrics): SessionService {
  return {
    ...sessions,
    signUp: (input, ctx, clientToken) =>
      observe('gatehouse.sign_up', metrics.signUp, () => sessions.signUp(input, ctx, clientToken), success),
    signIn: (input, ctx, clientToken) =>
      observe('gatehouse.sign_in', metrics.signIn, () => sessions.signIn(input, ctx, clientToken), success),
    attemptSignIn: (input, ctx, clientToken) =>
      observe(
        'gatehouse.sign_in',
        metrics.signIn,
        () => sessions.attemptSignIn(input, ctx, clientToken),
        (result) => ('status' in result ? 'second_factor_required' : 'success'),
      ),
    refresh: (clientToken, ctx) => observe('gatehouse.refresh', metrics.refresh, () => sessions.refresh(clientToken, ctx), success),
  };
}

/**
 * The sign-ins that end in the factor service: the second step after `second_factor_required`
 * (`success`, or the code that refused it, e.g. `code_invalid`) and a passkey-only sign-in.
 */
export function withFactorTelemetry(factors: FactorService, metrics: Metrics): FactorService {
  return {
    ...factors,
    attemptSecondFactor: (...args) => observe('gatehouse.sign_in', metrics.signIn, () => factors.attemptSecondFactor(...args), success),
    signInWithPasskey: (...args) => observe('gatehouse.sign_in', metrics.signIn, () => factors.signInWithPasskey(...args), success),
  };
}

/** A refresh made elsewhere (an app's proxy refreshing through a standalone service), counted and traced the same way. */
export function observeRefresh<A extends unknown[], T>(refresh: (...args: A) => Promise<T>, metrics: Metrics): (...args: A) => Promise<T> {
  return (...args) => observe('gatehouse.refresh', metrics.refresh, () => refresh(...args), success);
}

/** What a provider callback counts as: `success`, or why it was refused (e.g. `oauth_state_invalid`); linking an account is not a sign-in. */
const callbackOutcome = (outcome: CallbackOutcome): string =>
  outcome.kind === 'signed_in' ? 'success' : outcome.kind === 'failed' ? outcome.reason : 'linked';

/** Sign-ins through a provider (OAuth, OpenID Connect, SSO) counted and traced with the others. */
export function withOauthTelemetry(oauth: OauthService, metrics: Metrics): OauthService {
  const { flow } = oauth;
  const count = (outcome: string) => {
    if (outcome !== 'linked') metrics.signIn(outcome);
  };
  return {
    ...oauth,
    flow: { ...flow, callback: (...args) => observe('gatehouse.sign_in', count, () => flow.callback(...args), callbackOutcome) },
  };
}
