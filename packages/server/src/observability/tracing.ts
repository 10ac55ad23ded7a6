// OpenTelemetry spans through @opentelemetry/api: recorded only when the app registers an SDK (a tracer provider); otherwise nothing is started.

import { ProxyTracerProvider, SpanStatusCode, trace, type Tracer } from '@opentelemetry/api';
import { isGatehouseError } from '@gatehouse/core';

const TRACER = '@gatehouse/server';

/** Gatehouse's tracer from the registered provider. */
export const tracer = (): Tracer => trace.getTracer(TRACER);
/** The API's no-op provider: what an unconfigured global provider delegates to. */
const NOOP_PROVIDER = new ProxyTracerProvider().getDelegate();

/**
 * Whether a tracer provider is registered. Checked per call (an app may register its SDK after
 * Gatehouse started) and cheap: a global lookup and a comparison, so the per-request path starts no
 * span object at all without an SDK.
 */
export function tracingEnabled(): boolean {
  const provider = trace.getTracerProvider();
  // A provider registered through another copy of the API is not our class: it is a real one.
  return !(provider instanceof ProxyTracerProvider) || provider.getDelegate() !== NOOP_PROVIDER;
}

/** The outcome of a settled call as a metric label and span attribute: `success`, or the error's code. */
export function errorOutcome(error: unknown): string {
  return isGatehouseError(error) ? error.code : 'error';
}

/**
 * Runs `work` inside an active span named `name` (so spans the app's SDK makes below it are its
 * children), records the outcome as `gatehouse.outcome` and ends the span. Never a token, code or
 * password as an attribute: only outcomes and ids.
 */
export async function inSpan<T>(name: string, work: () => Promise<T>, outcome: (value: T) => string): Promise<T> {
  if (!tracingEnabled()) return work();
  return tracer().startActiveSpan(name, async (span) => {
    try {
      const value = await work();
      span.setAttribute('gatehouse.outcome', outcome(value));
      return value;
    } catch (error) {
      const code = errorOutcome(error);
      span.setAttribute('gatehouse.outcome', code);
      span.setStatus({ code: SpanStatusCode.ERROR, message: code });
      throw error;
    } finally {
      span.end();
    }
  });
}
