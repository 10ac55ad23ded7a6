// Every authentication decision counted by reason and, when an SDK is registered, traced as a `gatehouse.authenticate` span.

import type { RequestState } from '@gatehouse/core';
import type { Metrics } from './metrics.js';
import { tracer, tracingEnabled } from './tracing.js';

type Authenticate = (request: Pick<Request, 'headers'>) => RequestState | Promise<RequestState>;

/**
 * Wraps the per-request check. Without an SDK this adds one map increment per decision and keeps
 * the synchronous answer synchronous (a cached token costs no promise); with one, a span covers the
 * verification, with the status, reason and where the token came from (never the token).
 */
export function observeDecisions(authenticate: Authenticate, metrics: Metrics): Authenticate {
  const count = (state: RequestState): RequestState => {
    metrics.decision(state.reason ?? 'signed-in');
    return state;
  };
  return (request) => {
    if (!tracingEnabled()) {
      const state = authenticate(request);
      return state instanceof Promise ? state.then(count) : count(state);
    }
    const span = tracer().startSpan('gatehouse.authenticate');
    const end = (state: RequestState): RequestState => {
      span.setAttribute('gatehouse.status', state.status);
      if (state.reason) span.setAttribute('gatehouse.reason', state.reason);
      if (state.tokenSource) span.setAttribute('gatehouse.token_source', state.tokenSource);
      span.end();
      return count(state);
    };
    const failed = (error: unknown): never => {
      span.end();
      throw error;
    };
    try {
      const state = authenticate(request);
      return state instanceof Promise ? state.then(end, failed) : end(state);
    } catch (error) {
      return failed(error);
    }
  };
}
