// Revocations and claim stamps reach every instance: one Redis pub/sub channel per deployment.

import { randomBytes } from 'node:crypto';
import { createClient } from 'redis';
import { GatehouseError } from '@gatehouse/core';
import type { ClaimStamps } from './claim-stamps.js';
import type { RevocationList } from './revocation.js';

/**
 * What travels on the channel. Every event only ever narrows access (a session refused, older
 * tokens refused), so a message that is lost, late or forged can never let anyone in: the worst
 * case is the fallback bound (a token lives out its lifetime) or a forced refresh.
 */
type FanOutEvent = { k: 'revoke' | 'user' | 'session'; id: string; at: number; o: string };

export interface FanOutStatus {
  /** The subscriber connection's CLIENT SETNAME (operators and tests can find it in CLIENT LIST). */
  readonly subscriberName: string;
  /** Whether the subscriber is connected and subscribed right now. */
  readonly subscribed: boolean;
  /** How many times the revoked-session set was rebuilt from the database (once per (re)subscribe). */
  readonly rebuilds: number;
}

export interface FanOut {
  /** Revokes locally and publishes; remote revocations are applied to the local list only. */
  readonly revocations: RevocationList;
  /** Stamps locally and publishes; remote stamps are applied to the local stamps only. */
  readonly stamps: ClaimStamps;
  readonly status: FanOutStatus;
  close(): Promise<void>;
}

export interface FanOutOptions {
  url: string;
  channel: string;
  /** The instance's in-memory lists, which remote events are applied to. */
  revocations: RevocationList;
  stamps: ClaimStamps;
  /**
   * Refills the revocation list from the database. Called on every (re)subscribe: whatever was
   * published while this instance was not listening is in the database, so nothing is missed.
   */
  rebuild: () => Promise<void>;
  now: () => number;
  /** A remote event's time is capped at our clock plus this much (a skewed or forged far-future stamp would lock users out). */
  maxSkewMs: number;
  log: (line: string) => void;
  /** Told how long each revocation from another instance took to arrive (milliseconds; metrics). */
  onRevocationLag?: (ms: number) => void;
  /** Failed connection attempts before the start gives up (default 5; later outages retry forever). */
  startAttempts?: number;
}

function parseEvent(message: string): FanOutEvent | null {
  try {
    const event = JSON.parse(message) as Partial<FanOutEvent>;
    const kinds = ['revoke', 'user', 'session'];
    if (typeof event.k !== 'string' || !kinds.includes(event.k)) return null;
    if (typeof event.id !== 'string' || typeof event.o !== 'string' || typeof event.at !== 'number' || !Number.isFinite(event.at))
      return null;
    return event as FanOutEvent;
  } catch {
    return null;
  }
}

/**
 * Connects the publisher and the subscriber, subscribes, rebuilds once, and returns the wrapped
 * lists. Both connections reconnect on their own after a Redis restart; node-redis resubscribes
 * before it reports `ready`, and every `ready` after the first triggers a rebuild.
 *
 * @throws GatehouseError `setup_missing` when Redis cannot be reached at start.
 */
export async function connectFanOut(options: FanOutOptions): Promise<FanOut> {
  const { channel, log, now } = options;
  const origin = randomBytes(8).toString('hex');
  const subscriberName = `gatehouse-sub-${origin}`;
  const startAttempts = options.startAttempts ?? 5;
  let started = false;
  let subscribed = false;
  let rebuilds = 0;
  let closing = false;

  const publisher = createClient({
    url: options.url,
    name: `gatehouse-pub-${origin}`,
    socket: {
      connectTimeout: 5000,
      // At start, fail after a few tries (a wrong REDIS_URL should stop the deploy, loudly); once
      // running, retry for ever with a capped backoff: an outage must not take the instance down.
      reconnectStrategy: (retries: number) =>
        !started && retries >= startAttempts ? new Error('Redis is unreachable') : Math.min(50 * 2 ** retries, 2000),
    },
  });
  const subscriber = publisher.duplicate({ name: subscriberName });

  // node-redis emits `error` on every failed attempt during an outage: say it once per outage and
  // per connection. The URL may carry a password, so it is never logged.
  const lost = { publisher: false, subscriber: false };
  const onError = (which: keyof typeof lost) => (error: unknown) => {
    if (which === 'subscriber') subscribed = false;
    // Before the start completes, a failure is the start's error (setup_missing), not an outage.
    if (closing || !started || lost[which]) return;
    lost[which] = true;
    log(
      `Gatehouse: lost the Redis ${which} connection (${error instanceof Error ? error.message : 'unknown error'}); ` +
        'revocations and claim changes between instances are late until it is back (bound: token lifetime + clock skew).',
    );
  };
  publisher.on('error', onError('publisher'));
  subscriber.on('error', onError('subscriber'));
  publisher.on('ready', () => {
    if (lost.publisher && !closing) log('Gatehouse: the Redis publisher connection is back.');
    lost.publisher = false;
  });

  async function rebuild(): Promise<void> {
    try {
      await options.rebuild();
      rebuilds += 1;
    } catch (error) {
      log(`Gatehouse: could not rebuild the revoked-session set (${error instanceof Error ? error.message : 'unknown error'}).`);
    }
  }
  subscriber.on('ready', () => {
    // The first `ready` comes before we subscribe; later ones follow a reconnect + resubscribe.
    if (!started || closing) return;
    subscribed = true;
    if (lost.subscriber) log('Gatehouse: the Redis subscriber connection is back; rebuilding the revoked-session set.');
    lost.subscriber = false;
    void rebuild();
  });
  subscriber.on('reconnecting', () => {
    subscribed = false;
  });

  const apply = (message: string) => {
    const event = parseEvent(message);
    if (!event || event.o === origin) return;
    const at = Math.min(event.at, now() + options.maxSkewMs);
    if (event.k === 'revoke') {
      options.revocations.revoke(event.id, at);
      options.onRevocationLag?.(now() - event.at);
    } else if (event.k === 'user') options.stamps.stampUser(event.id, at);
    else options.stamps.stampSession(event.id, at);
  };

  try {
    await publisher.connect();
    await subscriber.connect();
    await subscriber.subscribe(channel, apply);
  } catch (cause) {
    for (const client of [publisher, subscriber]) if (client.isOpen) client.destroy();
    throw new GatehouseError('setup_missing', 'Redis (REDIS_URL) cannot be reached.', { cause });
  }
  started = true;
  subscribed = true;
  await rebuild();

  const publish = (k: FanOutEvent['k'], id: string, at: number) => {
    // Fire and forget: the local list already holds the event, and a publish made while Redis is
    // down waits in the offline queue and goes out after the reconnect.
    publisher.publish(channel, JSON.stringify({ k, id, at, o: origin } satisfies FanOutEvent)).catch(() => undefined);
  };

  return {
    revocations: {
      retainMs: options.revocations.retainMs,
      revoke(sessionId, at) {
        options.revocations.revoke(sessionId, at);
        publish('revoke', sessionId, at);
      },
      isRevoked: (sessionId) => options.revocations.isRevoked(sessionId),
    },
    stamps: {
      stampUser(userId, at) {
        options.stamps.stampUser(userId, at);
        publish('user', userId, at);
      },
      stampSession(sessionId, at) {
        options.stamps.stampSession(sessionId, at);
        publish('session', sessionId, at);
      },
      isStale: (userId, sessionId, issuedAtMs) => options.stamps.isStale(userId, sessionId, issuedAtMs),
      mintTime: (userId, sessionId, t) => options.stamps.mintTime(userId, sessionId, t),
    },
    status: {
      subscriberName,
      get subscribed() {
        return subscribed;
      },
      get rebuilds() {
        return rebuilds;
      },
    },
    async close() {
      closing = true;
      if (subscriber.isOpen) subscriber.destroy();
      // Let queued publishes go out, but never wait on a Redis that is gone.
      let timer: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([publisher.close().catch(() => undefined), new Promise((resolve) => (timer = setTimeout(resolve, 1000)))]);
      clearTimeout(timer);
      if (publisher.isOpen) publisher.destroy();
    },
  };
}
