// Rate limits for the guessable endpoints (sign-in, sign-up, verification): per IP and per identifier, in memory or shared through Redis.

import { createClient } from 'redis';
import { GatehouseError, clientAddress } from '@gatehouse/core';
import { sha256 } from '../store/ids.js';

/** The message of a refused attempt (the HTTP layer renders it as the 429's body). */
export const TOO_MANY = 'Too many attempts. Try again later.';

/** At most `limit` attempts per `windowSeconds`; `false` turns the rule off. */
export interface RateLimitRule {
  limit: number;
  windowSeconds: number;
}

/** What may be limited: the endpoint kind and whether the key is the client IP or the identifier (email, user). */
export type RateLimitName =
  | 'signInIp'
  | 'signInIdentifier'
  | 'signUpIp'
  | 'verifyIp'
  | 'verifyIdentifier'
  | 'refreshClient'
  | 'refreshIp'
  | 'mintSession'
  | 'mintIp'
  | 'ceremonyIp';

export type RateLimitSettings = Record<RateLimitName, RateLimitRule | false>;

/** Defaults: generous for people, tight for a script guessing passwords or invitation tokens. */
export const DEFAULT_RATE_LIMITS: RateLimitSettings = {
  signInIp: { limit: 50, windowSeconds: 600 },
  signInIdentifier: { limit: 10, windowSeconds: 600 },
  signUpIp: { limit: 20, windowSeconds: 3600 },
  verifyIp: { limit: 30, windowSeconds: 600 },
  verifyIdentifier: { limit: 10, windowSeconds: 600 },
  // Refresh and token minting (issue #15): far above what a browser does (a refresh per token
  // lifetime, a burst of parallel requests when it ends), far below a loop hammering the database.
  refreshClient: { limit: 120, windowSeconds: 60 },
  refreshIp: { limit: 1200, windowSeconds: 60 },
  mintSession: { limit: 120, windowSeconds: 60 },
  mintIp: { limit: 1200, windowSeconds: 60 },
  // Passkey ceremonies opened before sign-in (each writes a challenge row for five minutes): far
  // above a person's page visits, far below a loop filling the table.
  ceremonyIp: { limit: 300, windowSeconds: 60 },
};

/** One counted attempt: how many were made in the current window and how long until it resets. */
interface Count {
  count: number;
  resetInMs: number;
}

/** Where the counters live. Fixed windows that start at a key's first attempt. */
export interface CounterStore {
  /** Counts one attempt on `key` and returns the window's total. @throws when the store cannot answer */
  hit(key: string, windowMs: number): Promise<Count>;
  close(): Promise<void>;
}

/**
 * Counters in this process: exact for one process; the fallback while Redis is unreachable.
 *
 * Bounded memory: at `maxKeys` windows, expired windows go first, and beyond the cap the oldest
 * ones. Each window length keeps a queue of its windows in the order they opened, so its expired
 * windows are at its front and the oldest window is at the front of one of the queues: making room
 * costs a few steps per new window, never a pass over every key (at the cap, with no window
 * expired yet, such a pass cost each new key over a millisecond).
 */
export function createMemoryCounters(now: () => number, maxKeys = 100_000): CounterStore {
  const windows = new Map<string, Window>();
  const queues = new Map<number, WindowQueue>();
  /** Moves the queue's head past windows already gone (reopened or dropped) and, at `t`, past expired ones, dropping them. */
  const settle = (queue: WindowQueue, t: number | null) => {
    for (; queue.head < queue.keys.length; queue.head += 1) {
      const key = queue.keys[queue.head]!;
      const window = queue.opened[queue.head]!;
      if (windows.get(key) !== window) continue;
      if (t === null || window.resetAt > t) break;
      windows.delete(key);
    }
    if (queue.head > 64 && queue.head * 2 > queue.keys.length) {
      queue.keys.splice(0, queue.head);
      queue.opened.splice(0, queue.head);
      queue.head = 0;
    }
  };
  /** Drops the window opened first, of any length; false when there is none. */
  const dropOldest = (): boolean => {
    let oldest: WindowQueue | null = null;
    let openedAt = Infinity;
    for (const [windowMs, queue] of queues) {
      settle(queue, null);
      const first = queue.opened[queue.head];
      if (first && first.resetAt - windowMs < openedAt) [oldest, openedAt] = [queue, first.resetAt - windowMs];
    }
    if (!oldest) return false;
    windows.delete(oldest.keys[oldest.head]!);
    oldest.head += 1;
    return true;
  };
  return {
    async hit(key, windowMs) {
      const t = now();
      let entry = windows.get(key);
      if (!entry || entry.resetAt <= t) {
        let queue = queues.get(windowMs);
        if (!queue) queues.set(windowMs, (queue = { keys: [], opened: [], head: 0 }));
        settle(queue, t);
        windows.delete(key);
        if (windows.size >= maxKeys) {
          for (const other of queues.values()) settle(other, t);
          while (windows.size >= maxKeys && dropOldest());
        }
        entry = { count: 0, resetAt: t + windowMs };
        windows.set(key, entry);
        queue.keys.push(key);
        queue.opened.push(entry);
      }
      entry.count += 1;
      return { count: entry.count, resetInMs: entry.resetAt - t };
    },
    async close() {
      windows.clear();
      queues.clear();
    },
  };
}

interface Window {
  count: number;
  resetAt: number;
}

/** The windows of one length in the order they opened (from `head` on); an entry whose key has another window since is skipped. */
interface WindowQueue {
  keys: string[];
  opened: Window[];
  head: number;
}

// INCR and PEXPIRE in one atomic step (a script runs alone on the server): the first attempt opens
// the window, and Redis's own clock ends it, so instances with skewed clocks agree.
const HIT_SCRIPT = `
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]); ttl = tonumber(ARGV[1]) end
return {n, ttl}`;

/**
 * Counters shared by every instance through Redis. Commands fail at once while the connection is
 * down (no offline queue: a sign-in must not wait on a reconnect) and after `timeoutMs`.
 */
export function createRedisCounters(options: { url: string; prefix: string; timeoutMs?: number }): CounterStore {
  const timeoutMs = options.timeoutMs ?? 500;
  const client = createClient({
    url: options.url,
    disableOfflineQueue: true,
    socket: { connectTimeout: 2000, reconnectStrategy: (retries: number) => Math.min(50 * 2 ** retries, 2000) },
  });
  // Failures surface as rejected hits (and the fallback); the URL may carry a password, so nothing is logged here.
  client.on('error', () => undefined);
  let settled = false;
  const connecting = client
    .connect()
    .catch(() => undefined)
    .finally(() => (settled = true));
  return {
    async hit(key, windowMs) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error('Redis timed out')), timeoutMs)));
      try {
        // The first attempts after a start wait (briefly) for the first connection instead of counting locally.
        if (!settled) await Promise.race([connecting, timeout]).finally(() => (settled = true));
        if (!client.isReady) throw new Error('Redis is not connected');
        const reply = (await Promise.race([
          client.eval(HIT_SCRIPT, { keys: [`${options.prefix}${key}`], arguments: [String(Math.ceil(windowMs))] }),
          timeout,
        ])) as [number, number];
        return { count: Number(reply[0]), resetInMs: Number(reply[1]) };
      } finally {
        clearTimeout(timer);
      }
    },
    async close() {
      if (client.isOpen) client.destroy();
      await Promise.race([connecting, new Promise((resolve) => setTimeout(resolve, 100).unref())]);
    },
  };
}

export interface RateLimitCheck {
  name: RateLimitName;
  /** The IP, email or user id; hashed before it becomes a key. Null: this rule does not apply. */
  key: string | null;
}

/** Who made the attempt, for the audit event. */
export interface Who {
  ip: string | null;
  userAgent: string | null;
}

/** What the limits decided about one attempt: go ahead, or wait `retryAfterSeconds` (the attempt was refused). */
export type RateLimitDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

export interface RateLimits {
  readonly settings: RateLimitSettings;
  /** The client address the per-IP rules count (`clientAddress` of @gatehouse/core with the trusted hops). */
  clientIp(headers: Pick<Headers, 'get'>): string | null;
  /**
   * Counts one attempt against every applicable rule and decides. Refused: the caller must do
   * nothing else (no password check, no write); the HTTP layer answers 429 with Retry-After.
   */
  attempt(checks: readonly RateLimitCheck[], who?: Who): Promise<RateLimitDecision>;
  /**
   * {@link attempt} for callers that are not HTTP code (the session service's refresh, which the
   * proxy calls in-process too).
   * @throws GatehouseError `rate_limited` with `retryAfterSeconds`
   */
  enforce(checks: readonly RateLimitCheck[], who?: Who): Promise<void>;
  close(): Promise<void>;
}

export interface RateLimitsOptions {
  settings?: Partial<RateLimitSettings>;
  now: () => number;
  /** Opens the shared counters (Redis), once the settings are valid; without it, the in-memory ones. */
  shared?: () => CounterStore;
  log: (line: string) => void;
  /** How many trusted proxies in front append to X-Forwarded-For (default 0: the address this server saw). */
  trustedProxyHops?: number;
  /** Called once when a key first goes over its limit in a window (the audit event). */
  onExceeded?: (name: RateLimitName, who: Who) => Promise<void>;
  /** Told of every refused attempt (each one, not only the first per window: metrics). */
  onRefused?: (name: RateLimitName) => void;
}

const hashKey = (value: string) => sha256(value, 'base64url').slice(0, 22);

/**
 * The rate limits of an instance. With shared counters, an attempt counts on every instance; when
 * Redis cannot answer, the attempt is counted in this process instead (fail to local, never open):
 * during an outage each instance enforces the limit on its own, so an attacker gets at most
 * `instances × limit` attempts per window, never unlimited ones.
 */
export function createRateLimits(options: RateLimitsOptions): RateLimits {
  const settings: RateLimitSettings = { ...DEFAULT_RATE_LIMITS, ...options.settings };
  for (const [name, rule] of Object.entries(settings)) {
    if (rule === false) continue;
    if (!Number.isInteger(rule.limit) || rule.limit < 1 || !Number.isFinite(rule.windowSeconds) || rule.windowSeconds <= 0)
      throw new TypeError(`rate limit ${name} needs a positive integer limit and a positive window`);
  }
  const hops = options.trustedProxyHops ?? 0;
  if (!Number.isInteger(hops) || hops < 0) throw new TypeError('trustedProxyHops must be a whole number (0: no proxy in front)');
  const local = createMemoryCounters(options.now);
  const shared = options.shared?.() ?? null;
  let degraded = false;

  async function count(key: string, windowMs: number): Promise<Count> {
    if (!shared) return local.hit(key, windowMs);
    try {
      const result = await shared.hit(key, windowMs);
      if (degraded) options.log('Gatehouse: rate limits are shared through Redis again.');
      degraded = false;
      return result;
    } catch {
      if (!degraded) options.log('Gatehouse: Redis cannot count rate-limited attempts; counting them in this process until it is back.');
      degraded = true;
      return local.hit(key, windowMs);
    }
  }

  /** Counts one attempt against every applicable rule: null when all allow it, else the seconds until they would. */
  async function over(checks: readonly RateLimitCheck[], who: Who = { ip: null, userAgent: null }): Promise<number | null> {
    let retryAfterMs = 0;
    let exceeded: RateLimitName | null = null;
    for (const { name, key } of checks) {
      const rule = settings[name];
      if (rule === false || key === null || key === '') continue;
      const { count: n, resetInMs } = await count(`${name}:${hashKey(key)}`, rule.windowSeconds * 1000);
      if (n > rule.limit) {
        options.onRefused?.(name);
        retryAfterMs = Math.max(retryAfterMs, resetInMs);
        // One audit event per key and window: the first refused attempt, not every one after it.
        if (n === rule.limit + 1) exceeded = name;
      }
    }
    if (retryAfterMs === 0) return null;
    if (exceeded) await options.onExceeded?.(exceeded, who);
    return Math.max(1, Math.ceil(retryAfterMs / 1000));
  }

  return {
    settings,
    clientIp: (headers) => clientAddress(headers, hops),
    async attempt(checks, who) {
      const retryAfterSeconds = await over(checks, who);
      return retryAfterSeconds === null ? { allowed: true } : { allowed: false, retryAfterSeconds };
    },
    async enforce(checks, who) {
      const retryAfterSeconds = await over(checks, who);
      if (retryAfterSeconds !== null) throw new GatehouseError('rate_limited', TOO_MANY, { retryAfterSeconds });
    },
    async close() {
      await shared?.close();
      await local.close();
    },
  };
}

/** Parses `count/windowSeconds` (e.g. `10/600`) or `off`. @throws TypeError naming the variable */
export function parseRateLimitRule(name: string, raw: string): RateLimitRule | false {
  if (raw.trim() === 'off') return false;
  const match = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(raw);
  const limit = Number(match?.[1]);
  const windowSeconds = Number(match?.[2]);
  if (!match || limit < 1 || windowSeconds < 1) throw new TypeError(`${name} must be "count/windowSeconds" (e.g. 10/600) or "off"`);
  return { limit, windowSeconds };
}
