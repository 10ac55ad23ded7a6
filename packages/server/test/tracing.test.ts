// OpenTelemetry spans (issue #21): sign-in, sign-up, refresh and authenticate, recorded by a tiny tracer provider registered through the API.

import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { context, trace, type Span, type SpanStatus, type Tracer, type TracerProvider } from '@opentelemetry/api';
import {
  API,
  PASSWORD,
  createCookieJar,
  send,
  signIn,
  signUp,
  authenticate,
  refresh,
  instanceOfFile,
} from '../../../test-support/instance.js';

interface Recorded {
  name: string;
  attributes: Record<string, unknown>;
  status: SpanStatus | null;
  ended: boolean;
  parent: string | null;
}

/** A provider that records every span it starts: the smallest SDK there is. */
function recordingProvider(spans: Recorded[]): TracerProvider {
  let next = 1;
  const tracer: Tracer = {
    startSpan(name, _options, ctx) {
      const parent = trace.getSpan(ctx ?? context.active())?.spanContext().spanId ?? null;
      const spanId = (next++).toString(16).padStart(16, '0');
      const record: Recorded = { name, attributes: {}, status: null, ended: false, parent };
      spans.push(record);
      const span: Span = {
        spanContext: () => ({ traceId: '1'.repeat(32), spanId, traceFlags: 1 }),
        setAttribute(key, value) {
          record.attributes[key] = value;
          return span;
        },
        setAttributes(attributes) {
          Object.assign(record.attributes, attributes);
          return span;
        },
        addEvent: () => span,
        addLink: () => span,
        addLinks: () => span,
        setStatus(status) {
          record.status = status;
          return span;
        },
        updateName: () => span,
        end() {
          record.ended = true;
        },
        isRecording: () => true,
        recordException: () => undefined,
      };
      return span;
    },
    startActiveSpan(name: string, ...rest: unknown[]) {
      const fn = rest[rest.length - 1] as (span: Span) => unknown;
      const span = tracer.startSpan(name);
      return context.with(trace.setSpan(context.active(), span), () => fn(span));
    },
  } as Tracer;
  return { getTracer: () => tracer };
}

const spans: Recorded[] = [];
after(() => trace.disable());
const t = instanceOfFile();

describe('spans', () => {
  test('without a registered provider nothing is recorded and everything works', async () => {
    const jar = createCookieJar();
    assert.equal((await signUp(t, 'trace-off@example.com', jar)).status, 200);
    assert.equal((await authenticate(t, jar)).status, 'signed-in');
    assert.equal(spans.length, 0);
  });

  test('sign-up, sign-in (both outcomes), refresh and authenticate each end one span with the outcome, and no secret', async () => {
    assert.equal(trace.setGlobalTracerProvider(recordingProvider(spans)), true);
    const jar = createCookieJar();
    const up = await signUp(t, 'trace-on@example.com', jar);
    assert.equal(up.status, 200);
    assert.equal((await signIn(t, 'trace-on@example.com', 'not the password')).status, 401);
    assert.equal((await signIn(t, 'trace-on@example.com', PASSWORD)).status, 200);
    const refreshed = await refresh(t, jar);
    assert.equal(refreshed.status, 200);
    assert.equal((await authenticate(t, jar)).status, 'signed-in');
    assert.equal((await send(t, `${API}/session`)).status, 401);

    const summary = spans.map((s) => [
      s.name,
      s.attributes['gatehouse.outcome'] ?? s.attributes['gatehouse.reason'] ?? s.attributes['gatehouse.status'],
    ]);
    assert.deepEqual(summary, [
      ['gatehouse.sign_up', 'success'],
      ['gatehouse.sign_in', 'invalid_credentials'],
      ['gatehouse.sign_in', 'success'],
      // The refresh request carries the old session cookie: the impersonation check is no decision.
      ['gatehouse.refresh', 'success'],
      ['gatehouse.authenticate', 'signed-in'],
      ['gatehouse.authenticate', 'session-token-missing'],
    ]);
    assert.ok(
      spans.every((s) => s.ended),
      'every span ended',
    );
    assert.equal(spans[1]?.status?.code, 2, 'a refused sign-in is an error span');
    assert.equal(spans[2]?.status, null);
    assert.equal(spans[4]?.attributes['gatehouse.token_source'], 'cookie');
    const text = JSON.stringify(spans);
    for (const secret of [
      PASSWORD,
      'not the password',
      jar.get('__session'),
      jar.get('__client'),
      (refreshed.body as { jwt: string }).jwt,
    ]) {
      assert.ok(secret && !text.includes(secret), 'no secret in any span');
    }
  });
});
