// A map from an id to a moment that forgets each entry a fixed time after its moment, without
// ever walking the whole map: expiry is checked per entry on lookup, and every write retires a
// couple of old entries, so the request path costs one map lookup however many entries there are.

/** How many entries each write looks at for expiry (two per write keeps the map within about twice its live entries). */
const SWEEP_PER_WRITE = 2;

export interface ExpiringMoments {
  /** The moment remembered for `id`, or 0 when there is none or it has expired. */
  get(id: string): number;
  /** Remembers the later of `at` and the moment already held for `id`. */
  raise(id: string, at: number): void;
  /** Entries held, expired ones not yet reclaimed included. */
  size(): number;
  /**
   * Grows whenever a moment is recorded or moved later (what can turn an answer of a check that
   * reads the map into a refusal); expiry only ever takes answers the other way and leaves it.
   */
  version(): number;
}

/**
 * An entry is forgotten once `now() - at > retainMs`. A lookup answers for an expired entry as if
 * it were absent (and drops it), so answers never depend on when memory was reclaimed; the
 * incremental sweep on writes only bounds memory. `now` is read only when the id is present.
 */
export function createExpiringMoments(options: { retainMs: number; now: () => number }): ExpiringMoments {
  const { retainMs, now } = options;
  const moments = new Map<string, number>();
  // A live iterator over the map, resumed by each write (Map iterators survive inserts and deletes).
  let cursor: IterableIterator<[string, number]> | null = null;
  let version = 0;

  function sweepSome(t: number): void {
    for (let i = 0; i < SWEEP_PER_WRITE; i++) {
      cursor ??= moments.entries();
      const next = cursor.next();
      if (next.done) {
        cursor = null;
        return;
      }
      const [id, at] = next.value;
      if (t - at > retainMs) moments.delete(id);
    }
  }

  return {
    // Methods, not getters: an object literal with getters is kept in dictionary mode, and then
    // every read of `version` (once per request) is a slow lookup and an uninlined call.
    size: () => moments.size,
    version: () => version,
    get(id) {
      const at = moments.get(id);
      if (at === undefined) return 0;
      if (now() - at > retainMs) {
        moments.delete(id);
        return 0;
      }
      return at;
    },
    raise(id, at) {
      const t = now();
      sweepSome(t);
      const held = moments.get(id);
      if (held === undefined || at > held) {
        moments.set(id, at);
        version += 1;
      }
    },
  };
}
