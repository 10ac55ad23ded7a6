// The delivery worker: claims due deliveries with a lease, signs and POSTs them, records each attempt, retries with backoff, dead-letters.

import { randomBytes } from 'node:crypto';
import { isGatehouseError } from '@gatehouse/core';
import type { Store } from '../store/types.js';
import type { ClaimedWebhookDelivery } from './webhook-store.js';
import { postToDestination, resolveDestination } from './destination.js';
import { openSigningSecret } from './secrets.js';
import { signatureHeaders } from './signing.js';

export interface DeliveryOptions {
  /** Attempts before a delivery is dead-lettered (status `failed`); default 12. */
  maxAttempts?: number;
  /** The delay after the first failure; it doubles with every further one (default 5 s). */
  baseDelayMs?: number;
  /** The longest delay between two attempts (default 2 h). */
  maxDelayMs?: number;
  /** How long one POST may take, connection to last byte of the status line (default 10 s). */
  timeoutMs?: number;
  /** How many deliveries one poll claims (default 20). */
  batchSize?: number;
  /** How often the background worker polls (default 1 s). */
  pollIntervalMs?: number;
  /**
   * Development hosts webhooks may reach although they are internal (`host` for any port, or
   * `host:port`); every other internal address is refused, before and after DNS (issue #15).
   */
  allowedHosts?: readonly string[];
  /** Injectable for tests of the transport; default: node:http(s), connected to the checked address only. */
  fetch?: typeof fetch;
  /** Injectable DNS for tests (a name resolving to an internal address); default node's lookup. */
  resolve?: (host: string) => Promise<{ address: string; family: number }[]>;
  /** 0 ≤ x < 1; injectable so the jitter of a test is known. */
  random?: () => number;
}

export interface DeliveryPass {
  succeeded: number;
  retrying: number;
  failed: number;
}

export interface DeliveryWorker {
  /** One pass: claims what is due now, sends it, records the outcomes. */
  deliverDue(): Promise<DeliveryPass>;
  /** Polls in the background (timers unref'd: they never keep the process alive). */
  start(): void;
  /** Stops polling and waits for the pass in flight. */
  stop(): Promise<void>;
}

/**
 * The wait before attempt `attempt + 1`: exponential (base × 2^(attempt-1), capped) with "equal
 * jitter" (half fixed, half random), so that endpoints that failed together do not retry in step.
 */
export function backoffMs(attempt: number, options: { baseDelayMs: number; maxDelayMs: number; random: () => number }): number {
  const exponential = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(exponential / 2 + (exponential / 2) * options.random());
}

/** A short description of a failed request, safe to store and show: no URL, no secret, no response body. */
function describeFailure(error: unknown, timeoutMs: number): string {
  const name = typeof error === 'object' && error !== null ? (error as { name?: unknown }).name : undefined;
  if (name === 'TimeoutError' || name === 'AbortError') return `timed out after ${timeoutMs} ms`;
  // fetch puts the system error in `cause`; node:http throws it directly.
  const cause = typeof error === 'object' && error !== null ? (error as { cause?: { code?: unknown } }).cause : undefined;
  const direct = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  const code = typeof cause?.code === 'string' ? cause.code : typeof direct === 'string' ? direct : null;
  return code ? `connection failed (${code.slice(0, 40)})` : 'connection failed';
}

export interface WorkerDeps {
  store: Store;
  masterSecret: string;
  now: () => number;
  log: (line: string) => void;
  /** Told of every failed attempt (metrics). */
  onFailure?: () => void;
}

export function createDeliveryWorker(deps: WorkerDeps, options: DeliveryOptions = {}): DeliveryWorker {
  const { store, masterSecret, now, log } = deps;
  const maxAttempts = options.maxAttempts ?? 12;
  const baseDelayMs = options.baseDelayMs ?? 5_000;
  const maxDelayMs = options.maxDelayMs ?? 2 * 60 * 60 * 1000;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const batchSize = options.batchSize ?? 20;
  const pollIntervalMs = options.pollIntervalMs ?? 1_000;
  const random = options.random ?? Math.random;
  // A lease outlives the slowest attempt by a wide margin: a live worker never loses its delivery.
  const leaseMs = timeoutMs + 30_000;
  const owner = `wkr_${randomBytes(8).toString('hex')}`;
  const allowedHosts = options.allowedHosts ?? [];
  const opened = new Map<string, string>();

  async function secrets(delivery: ClaimedWebhookDelivery, at: number): Promise<string[]> {
    const open = async (sealed: string) => {
      let secret = opened.get(sealed);
      if (secret === undefined) {
        secret = await openSigningSecret(sealed, masterSecret);
        opened.set(sealed, secret);
      }
      return secret;
    };
    const list = [await open(delivery.secret_sealed)];
    if (delivery.previous_secret_sealed && delivery.previous_secret_until !== null && at < Number(delivery.previous_secret_until)) {
      list.push(await open(delivery.previous_secret_sealed));
    }
    return list;
  }

  async function attempt(delivery: ClaimedWebhookDelivery): Promise<keyof DeliveryPass> {
    const at = now();
    let statusCode: number | null = null;
    let error: string | null = null;
    const started = performance.now();
    try {
      // The URL is checked again at send time: a row written around the API must not reach other schemes.
      const url = new URL(delivery.url);
      if (url.protocol !== 'https:' && url.protocol !== 'http:') throw Object.assign(new Error('scheme'), { name: 'SchemeError' });
      const headers = {
        'content-type': 'application/json',
        'user-agent': 'Gatehouse-Webhooks/1',
        ...signatureHeaders(await secrets(delivery, at), delivery.event_id, Math.floor(at / 1000), delivery.payload),
      };
      // Resolved and checked on every attempt: a name may point elsewhere by now (DNS rebinding).
      const destination = await resolveDestination(url, allowedHosts, options.resolve);
      const signal = AbortSignal.timeout(timeoutMs);
      if (options.fetch) {
        // redirect: 'manual': a redirect is an answer, never followed (it could point anywhere, e.g. inside the network).
        const response = await options.fetch(url, { method: 'POST', headers, body: delivery.payload, redirect: 'manual', signal });
        statusCode = response.status;
        await response.body?.cancel().catch(() => undefined);
      } else {
        statusCode = await postToDestination(url, destination, { headers, body: delivery.payload, signal });
      }
      if (statusCode >= 300 && statusCode < 400) error = `redirect not followed (HTTP ${statusCode})`;
      else if (statusCode < 200 || statusCode >= 300) error = `HTTP ${statusCode}`;
    } catch (caught) {
      if ((caught as { name?: unknown }).name === 'SchemeError') error = 'only http(s) URLs are delivered to';
      else if ((caught as { name?: unknown }).name === 'DestinationRefusedError')
        error = `refused: ${(caught as Error).message}`.slice(0, 200);
      // A secret that cannot be opened (GATEHOUSE_SECRET changed): its message names the fix, never the secret.
      else if (isGatehouseError(caught)) error = caught.message.slice(0, 200);
      else error = describeFailure(caught, timeoutMs);
    }
    const durationMs = Math.max(0, Math.round(performance.now() - started));
    const finished = now();
    await store.insertWebhookAttempt({
      delivery_id: delivery.id,
      attempt: delivery.attempts,
      at,
      status_code: statusCode,
      duration_ms: durationMs,
      error,
    });
    let outcome: keyof DeliveryPass;
    if (error !== null) deps.onFailure?.();
    if (error === null) {
      outcome = 'succeeded';
      await store.finishWebhookDelivery(delivery.id, owner, {
        status: 'succeeded',
        last_status_code: statusCode,
        last_error: null,
        updated_at: finished,
      });
    } else if (delivery.attempts >= maxAttempts) {
      outcome = 'failed';
      await store.finishWebhookDelivery(delivery.id, owner, {
        status: 'failed',
        last_status_code: statusCode,
        last_error: error,
        updated_at: finished,
      });
      log(
        `gatehouse: webhook delivery ${delivery.id} (${delivery.event_type}) failed ${delivery.attempts} times and is dead-lettered: ${error}`,
      );
    } else {
      outcome = 'retrying';
      await store.finishWebhookDelivery(delivery.id, owner, {
        last_status_code: statusCode,
        last_error: error,
        next_attempt_at: finished + backoffMs(delivery.attempts, { baseDelayMs, maxDelayMs, random }),
        updated_at: finished,
      });
    }
    return outcome;
  }

  async function deliverDue(): Promise<DeliveryPass> {
    const pass: DeliveryPass = { succeeded: 0, retrying: 0, failed: 0 };
    const claimed = await store.claimWebhookDeliveries({ now: now(), limit: batchSize, leaseMs, owner });
    // Endpoints are independent: one slow receiver does not hold up the others' deliveries.
    const outcomes = await Promise.all(claimed.map((delivery) => attempt(delivery)));
    for (const outcome of outcomes) pass[outcome] += 1;
    return pass;
  }

  let timer: NodeJS.Timeout | null = null;
  let running: Promise<unknown> | null = null;
  let stopped = true;
  const schedule = (delayMs: number) => {
    if (stopped) return;
    timer = setTimeout(() => {
      let full = false;
      running = deliverDue()
        .then((pass) => {
          // A full batch: more may be due, so the next pass starts at once instead of a poll later.
          full = pass.succeeded + pass.retrying + pass.failed >= batchSize;
        })
        .catch((error: unknown) =>
          log(`gatehouse: webhook delivery pass failed: ${error instanceof Error ? error.message : 'unknown error'}`),
        )
        .finally(() => {
          running = null;
          schedule(full ? 0 : pollIntervalMs);
        });
    }, delayMs);
    timer.unref();
  };

  return {
    deliverDue,
    start() {
      if (!stopped) return;
      stopped = false;
      schedule(pollIntervalMs);
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}
