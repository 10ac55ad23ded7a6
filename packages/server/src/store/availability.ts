// The store's availability boundary: every call bounded in time, and no raw driver error about an unreachable database leaves it.

import { GatehouseError, isGatehouseError } from '@gatehouse/core';
import { isDatabaseUnavailable } from './db-errors.js';
import type { Store } from './types.js';

/** Default bound on one store call (a whole transaction counts as one), in milliseconds. */
export const DEFAULT_DATABASE_TIMEOUT_MS = 5000;

const unavailable = (cause: unknown) =>
  new GatehouseError('service_unavailable', 'The sign-in service is temporarily unavailable. Try again in a moment.', { cause });

/**
 * Wraps a store so that each call (a transaction as a whole) settles within `timeoutMs()` (null:
 * unbounded, e.g. while the instance starts, when many processes may wait on one another), and an
 * error that means the database is unreachable becomes `GatehouseError('service_unavailable')`
 * (issue #15): a database that stops answering (a partition, not a reset) turns into a 503 with
 * `Retry-After` within the bound instead of a request that hangs, and `currentUser()` and the
 * other callers see one typed error, never the driver's. The call that timed out keeps running in
 * the background until the driver's own timeouts end it; its outcome is ignored.
 */
export function withAvailability(store: Store, timeoutMs: () => number | null): Store {
  const guarded = {} as Record<string, unknown>;
  for (const [name, value] of Object.entries(store)) {
    if (typeof value !== 'function') {
      guarded[name] = value;
      continue;
    }
    const call = value as (...args: unknown[]) => unknown;
    guarded[name] = (...args: unknown[]) => bounded(() => call.apply(store, args), timeoutMs());
  }
  return guarded as unknown as Store;
}

function bounded(run: () => unknown, timeoutMs: number | null): Promise<unknown> {
  let result: Promise<unknown>;
  try {
    result = Promise.resolve(run());
  } catch (error) {
    result = Promise.reject(error);
  }
  const mapped = result.catch((error: unknown) => {
    throw !isGatehouseError(error) && isDatabaseUnavailable(error) ? unavailable(error) : error;
  });
  if (timeoutMs === null) return mapped;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(unavailable(new Error(`no answer from the database within ${timeoutMs} ms`))), timeoutMs);
    timer.unref?.();
  });
  // The loser of the race must not become an unhandled rejection.
  mapped.catch(() => undefined);
  return Promise.race([mapped, deadline]).finally(() => clearTimeout(timer));
}
