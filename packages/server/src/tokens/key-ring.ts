// The live key set of an instance: signs with the active key, verifies through the overlap window,
// rotates and retires keys, and picks up keys another process rotated in the shared database.

import type { KeyResolver } from '@gatehouse/core';
import { loadInstanceKeys, retireSigningKey, rotateSigningKey, type InstanceKeys, type RotateOptions } from './keys.js';
import type { Store } from '../store/types.js';

export interface KeyRing {
  /** Verifies with every key still trusted; its revision changes whenever that set changes. */
  readonly resolver: KeyResolver;
  current(): InstanceKeys;
  /**
   * A new signing key, published now and signing once `publishAheadMs` has passed (or at once with
   * `immediately`); the key it replaces verifies for `overlapMs` more. Returns the new kid.
   */
  rotate(options?: RotateOptions): Promise<string>;
  /** Stops a previous key verifying at once. False when there is no such previous key. */
  retire(kid: string): Promise<boolean>;
  reload(): Promise<void>;
}

/** How often a process re-reads the key table when it meets a kid it does not know. */
const UNKNOWN_KID_RELOAD_MS = 5_000;
/** How often a process re-reads the key table anyway (to sign with a key another process rotated in). */
const PERIODIC_RELOAD_MS = 60_000;

export async function openKeyRing(options: {
  store: Store;
  secret: string;
  now: () => number;
  overlapMs: number;
  /** How long a rotated-in key is published before it signs (at least the JWKS max-age). */
  publishAheadMs: number;
}): Promise<KeyRing> {
  const { store, secret, now, overlapMs } = options;
  let revision = 0;
  let keys = await loadInstanceKeys(store, secret, now(), revision, overlapMs);
  let loadedAt = now();
  let reloading: Promise<void> | null = null;
  // The same keys with the next key signing, once its time has come (every process switches by its own clock).
  let switched: InstanceKeys | null = null;

  function reload(): Promise<void> {
    reloading ??= loadInstanceKeys(store, secret, now(), revision + 1, overlapMs)
      .then((next) => {
        revision += 1;
        keys = next;
        switched = null;
        loadedAt = now();
      })
      .finally(() => {
        reloading = null;
      });
    return reloading;
  }

  const resolver: KeyResolver = {
    get revision() {
      return revision;
    },
    async getKey(kid, alg) {
      let key = await keys.resolver.getKey(kid, alg);
      if (!key && now() - loadedAt > UNKNOWN_KID_RELOAD_MS) {
        // Another process may have rotated: look once more, at most every few seconds (a flood of
        // made-up kids cannot turn into a flood of database reads).
        await reload().catch(() => undefined);
        key = await keys.resolver.getKey(kid, alg);
      }
      const retireAt = keys.retireAt.get(kid);
      if (key && retireAt !== undefined && now() >= retireAt) return null;
      return key;
    },
    peekKey(kid, alg) {
      const key = keys.resolver.peekKey?.(kid, alg);
      // An unknown kid may be a key another process rotated in: getKey looks it up.
      if (!key) return undefined;
      const retireAt = keys.retireAt.get(kid);
      if (retireAt !== undefined && now() >= retireAt) return null;
      return key;
    },
  };

  return {
    resolver,
    current() {
      if (now() - loadedAt > PERIODIC_RELOAD_MS) void reload().catch(() => undefined);
      const { upcoming } = keys;
      if (upcoming === null || now() < upcoming.activateAt) return keys;
      switched ??= { ...keys, signingKey: upcoming.signingKey, upcoming: null };
      return switched;
    },
    async rotate(rotateOptions = {}) {
      const kid = await rotateSigningKey(store, secret, now(), overlapMs, { ...rotateOptions, publishAheadMs: options.publishAheadMs });
      await reload();
      return kid;
    },
    async retire(kid) {
      const retired = await retireSigningKey(store, kid, now());
      if (retired) await reload();
      return retired;
    },
    reload,
  };
}
