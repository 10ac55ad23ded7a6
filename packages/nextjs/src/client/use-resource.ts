'use client';
// A list or record fetched from the auth API on demand: loading, error, revalidate, and no stale answer ever shown.

import { useCallback, useEffect, useRef, useState } from 'react';
import { isGatehouseError, GatehouseError } from '@gatehouse/core';

export interface Resource<T> {
  /** undefined until the first answer (and while disabled). */
  data: T | undefined;
  error: GatehouseError | null;
  isLoading: boolean;
  /** Fetches again; resolves when the answer is in. */
  revalidate: () => Promise<void>;
}

/**
 * Loads `load()` whenever `key` changes (null: disabled, nothing is fetched), and again, keeping
 * the data shown meanwhile, when `version` changes. An answer that arrives after the key changed
 * again is dropped, so a slow response never shows another org's data.
 */
export function useResource<T>(key: string | null, load: () => Promise<T>, version = 0): Resource<T> {
  const [state, setState] = useState<{ key: string | null; data: T | undefined; error: GatehouseError | null; isLoading: boolean }>({
    key: null,
    data: undefined,
    error: null,
    isLoading: false,
  });
  const loader = useRef(load);
  loader.current = load;
  const latest = useRef(0);

  const run = useCallback(async (forKey: string | null) => {
    const ticket = ++latest.current;
    if (forKey === null) {
      setState({ key: null, data: undefined, error: null, isLoading: false });
      return;
    }
    setState((s) => ({ ...s, isLoading: true }));
    try {
      const data = await loader.current();
      if (ticket === latest.current) setState({ key: forKey, data, error: null, isLoading: false });
    } catch (error) {
      const failure = isGatehouseError(error) ? error : new GatehouseError('internal_error', 'Something went wrong. Try again.');
      if (ticket === latest.current)
        setState((s) => ({ key: forKey, data: s.key === forKey ? s.data : undefined, error: failure, isLoading: false }));
    }
  }, []);

  useEffect(() => {
    void run(key);
  }, [key, version, run]);

  const revalidate = useCallback(() => run(key), [key, run]);
  // Data loaded for an older key is never shown under the new one.
  const current = state.key === key;
  return {
    data: current ? state.data : undefined,
    error: current ? state.error : null,
    isLoading: key !== null && (state.isLoading || !current),
    revalidate,
  };
}
