// Prometheus metrics of one instance: its own registry (two instances in one process never clash),
// plain counters bumped on the request path, gauges read when scraped.

import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** Rows waiting in an outbox and rows that gave up (dead-lettered). */
export interface OutboxDepth {
  pending: number;
  failed: number;
}

/** What is read at scrape time, never on the request path. A source left out has no series. */
export interface ScrapeSources {
  outboxes?(): Promise<{ webhooks: OutboxDepth; mail: OutboxDepth }>;
  /** Whether the database answers a trivial query (within the store's bound). */
  databaseUp?(): Promise<boolean>;
  /** Whether the Redis subscriber is connected; null without Redis. */
  redisUp(): boolean | null;
  /** An app in front of a standalone service: whether the service answers its health check. */
  serviceUp?(): Promise<boolean>;
}

export interface Metrics {
  /** A password sign-in: `success`, `second_factor_required`, or the error code that refused it. */
  signIn(outcome: string): void;
  /** A sign-up: `success` or the error code. */
  signUp(outcome: string): void;
  /** A refresh (auth API or the proxy's in-process one): `success` or the error code. */
  refresh(outcome: string): void;
  /** An authentication decision: `signed-in`, or the reason the request is signed out. */
  decision(reason: string): void;
  /** The verified-token cache's counts; the verifier bumps them (two integer increments, nothing allocated). */
  readonly tokenCache: { hits: number; misses: number };
  /** An attempt refused by a rate limit (`signInIp`, `refreshClient`, …). */
  rateLimited(limit: string): void;
  /** A revocation published by another instance arrived this many milliseconds after it was made. */
  revocationLag(ms: number): void;
  /** A webhook delivery attempt that failed (it is retried, or dead-lettered after the last one). */
  webhookFailure(): void;
  /** A mail the mailer could not send. */
  mailFailure(): void;
  /** The scrape-time sources (set once the store and Redis are open). */
  watch(sources: ScrapeSources): void;
  /** The Prometheus text exposition of this instance. */
  render(): Promise<{ contentType: string; body: string }>;
}

/** Counts kept in a map and copied into the counter at scrape time: the request path never touches prom-client. */
function tally(registry: Registry, name: string, help: string, label: string): (value: string) => void {
  const counts = new Map<string, number>();
  new Counter({
    name,
    help,
    labelNames: [label],
    registers: [registry],
    collect() {
      this.reset();
      for (const [value, n] of counts) this.inc({ [label]: value }, n);
    },
  });
  return (value) => counts.set(value, (counts.get(value) ?? 0) + 1);
}

export function createMetrics(): Metrics {
  const registry = new Registry();
  let sources: ScrapeSources | null = null;
  let defaults = false;
  const tokenCache = { hits: 0, misses: 0 };
  const signIn = tally(
    registry,
    'gatehouse_sign_ins_total',
    'Sign-ins by outcome (password, second factor, passkey, provider).',
    'outcome',
  );
  const signUp = tally(registry, 'gatehouse_sign_ups_total', 'Sign-ups by outcome.', 'outcome');
  const refresh = tally(registry, 'gatehouse_refreshes_total', 'Session refreshes by outcome.', 'outcome');
  const decision = tally(registry, 'gatehouse_decisions_total', 'Request authentication decisions by reason.', 'reason');
  const rateLimited = tally(registry, 'gatehouse_rate_limit_refusals_total', 'Attempts refused by a rate limit, by limit.', 'limit');
  const failures = { webhooks: 0, mail: 0 };
  new Counter({
    name: 'gatehouse_token_cache_hits_total',
    help: 'Session tokens answered from the verified-token cache.',
    registers: [registry],
    collect() {
      this.reset();
      this.inc(tokenCache.hits);
    },
  });
  new Counter({
    name: 'gatehouse_token_cache_misses_total',
    help: 'Session tokens whose signature was checked.',
    registers: [registry],
    collect() {
      this.reset();
      this.inc(tokenCache.misses);
    },
  });
  new Gauge({
    name: 'gatehouse_token_cache_hit_ratio',
    help: 'Hits over lookups of the verified-token cache since start (0 before the first lookup).',
    registers: [registry],
    collect() {
      const total = tokenCache.hits + tokenCache.misses;
      this.set(total === 0 ? 0 : tokenCache.hits / total);
    },
  });
  const lag = new Histogram({
    name: 'gatehouse_revocation_fanout_lag_seconds',
    help: 'From a revocation on another instance to its arrival here through Redis.',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  for (const [kind, help] of [
    ['webhook', 'Failed webhook delivery attempts.'],
    ['mail', 'Mails the mailer could not send.'],
  ] as const) {
    new Counter({
      name: `gatehouse_${kind}_failures_total`,
      help,
      registers: [registry],
      collect() {
        this.reset();
        this.inc(kind === 'webhook' ? failures.webhooks : failures.mail);
      },
    });
  }
  const webhookDepth = new Gauge({
    name: 'gatehouse_webhook_outbox_depth',
    help: 'Webhook deliveries by status: pending (waiting or retrying) and failed (dead-lettered).',
    labelNames: ['status'],
    registers: [],
  });
  const mailDepth = new Gauge({
    name: 'gatehouse_mail_outbox_depth',
    help: 'Mails in the outbox by status: pending and failed.',
    labelNames: ['status'],
    registers: [],
  });
  const databaseUp = new Gauge({ name: 'gatehouse_database_up', help: '1 when the database answers.', registers: [] });
  const serviceUp = new Gauge({
    name: 'gatehouse_service_up',
    help: '1 when the standalone service answers its health check (an app with GATEHOUSE_SERVICE_URL).',
    registers: [],
  });
  const redisUp = new Gauge({
    name: 'gatehouse_redis_up',
    help: '1 when the Redis subscriber is connected, 0 when not; absent without Redis.',
    registers: [],
  });

  async function readSources(): Promise<void> {
    if (!sources) return;
    if (sources.serviceUp) serviceUp.set((await sources.serviceUp()) ? 1 : 0);
    const up = sources.databaseUp ? await sources.databaseUp() : false;
    if (sources.databaseUp) databaseUp.set(up ? 1 : 0);
    if (up && sources.outboxes) {
      const depth = await sources.outboxes().catch(() => null);
      for (const [gauge, value] of [
        [webhookDepth, depth?.webhooks],
        [mailDepth, depth?.mail],
      ] as const) {
        if (!value) continue;
        gauge.set({ status: 'pending' }, value.pending);
        gauge.set({ status: 'failed' }, value.failed);
      }
    }
    const redis = sources.redisUp();
    if (redis !== null) redisUp.set(redis ? 1 : 0);
  }

  return {
    signIn,
    signUp,
    refresh,
    decision,
    tokenCache,
    rateLimited,
    revocationLag: (ms) => lag.observe(Math.max(0, ms) / 1000),
    webhookFailure: () => void (failures.webhooks += 1),
    mailFailure: () => void (failures.mail += 1),
    watch(next) {
      sources = next;
      if (next.databaseUp) registry.registerMetric(databaseUp);
      if (next.outboxes) for (const gauge of [webhookDepth, mailDepth]) registry.registerMetric(gauge);
      if (next.serviceUp) registry.registerMetric(serviceUp);
      if (next.redisUp() !== null) registry.registerMetric(redisUp);
    },
    async render() {
      // Process metrics (CPU, memory, event loop) join on the first scrape: an instance nobody scrapes starts no monitors.
      if (!defaults) collectDefaultMetrics({ register: registry });
      defaults = true;
      await readSources();
      return { contentType: registry.contentType, body: await registry.metrics() };
    },
  };
}
