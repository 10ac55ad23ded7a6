// An instance's rate limits: per process, or shared by every instance through Redis; every
// refusal counted and audited.

import type { Metrics } from '../observability/metrics.js';
import type { Store } from '../store/types.js';
import type { GatehouseOptions } from '../instance/options.js';
import { createRateLimits, createRedisCounters, type RateLimits } from './rate-limit.js';

/** @throws TypeError on a bad rule */
export function openRateLimits(
  options: GatehouseOptions,
  deps: { store: Store; instanceId: string; now: () => number; log: (line: string) => void; metrics: Metrics },
): RateLimits {
  const { store, instanceId, now, log, metrics } = deps;
  // Keys carry the instance id: deployments sharing one Redis never count each other's attempts.
  return createRateLimits({
    ...(options.rateLimits ? { settings: options.rateLimits } : {}),
    ...(options.trustedProxyHops === undefined ? {} : { trustedProxyHops: options.trustedProxyHops }),
    now,
    log,
    onRefused: metrics.rateLimited,
    ...(options.redisUrl
      ? { shared: () => createRedisCounters({ url: options.redisUrl ?? '', prefix: `gatehouse:rl:${instanceId}:` }) }
      : {}),
    onExceeded: async (name, who) => {
      const row = { at: now(), action: 'rate_limit.exceeded', actor_id: null, subject_id: null };
      await store.appendAudit({ ...row, ip: who.ip, user_agent: who.userAgent, data: JSON.stringify({ limit: name }) });
    },
  });
}
