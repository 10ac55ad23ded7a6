'use client';
// useReverification(fn): runs fn; when the server asks for a fresh verification, opens the dialog, then runs fn once more.

import { createRoot } from 'react-dom/client';
import { useCallback, useRef } from 'react';
import { isReverificationHint, type ReverificationRequirement } from '@gatehouse/core';
import { useGatehouse } from './provider.js';
import { ReverificationDialog } from './reverification-dialog.js';
import { useAppearanceCarrier } from './appearance/appearance.js';
import { ClerkRuntimeError } from '../errors/index.js';

/** What `onNeedsReverification` gets to run its own UI instead of the dialog (Clerk's shape). */
export interface NeedsReverificationParameters {
  /** Call after the session verified again (POST {api}/reverify): `fn` runs once more. */
  complete: () => void;
  /** The call rejects with `reverification_cancelled`. */
  cancel: () => void;
  level: ReverificationRequirement | undefined;
}

export interface UseReverificationOptions {
  onNeedsReverification?: (params: NeedsReverificationParameters) => void;
}

/** A Response is answered by its parsed JSON body (null when it has none), as Clerk's hook does. */
type Resolved<R> = Awaited<R> extends Response ? unknown : Awaited<R>;

export { isReverificationCancelledError } from '../errors/index.js';

/** What the wrapped call rejects with when the person closes the dialog (Clerk's runtime error). */
const cancelled = () => new ClerkRuntimeError('The verification was cancelled.', { code: 'reverification_cancelled' });

/** The requirement a result asks for: Clerk's hint (route handler body or server action object), or Gatehouse's own 403. */
function requirementOf(value: unknown): { requirement: ReverificationRequirement | undefined } | null {
  if (isReverificationHint(value)) return { requirement: value.clerk_error.metadata?.reverification };
  const code = (value as { error?: { code?: unknown } } | null)?.error?.code;
  return code === 'reverification_required' ? { requirement: 'strict' } : null;
}

async function settle(result: unknown): Promise<unknown> {
  if (!(result instanceof Response)) return result;
  const text = await result.text().catch(() => '');
  try {
    return text ? (JSON.parse(text) as unknown) : null;
  } catch {
    return null;
  }
}

/**
 * Wraps `fn` (a fetch to a route handler, a server action, a Gatehouse API call): when it answers
 * Clerk's reverification hint (`reverificationError`, the 403 of `reverificationErrorResponse`) or
 * Gatehouse's `reverification_required`, the verification dialog opens; once the session verified
 * again, `fn` runs once more and its result is returned. A Response is returned as its parsed JSON.
 * Closing the dialog rejects with `reverification_cancelled` ({@link isReverificationCancelledError}).
 */
export function useReverification<Args extends unknown[], R>(
  fn: (...args: Args) => Promise<R> | R,
  options: UseReverificationOptions = {},
): (...args: Args) => Promise<Resolved<R>> {
  const { apiBasePath, fetch: fetcher, reload } = useGatehouse();
  // The dialog renders in its own root: it takes the appearance and language of the component that asked.
  const carry = useAppearanceCarrier();
  const latest = useRef({ fn, options });
  latest.current = { fn, options };

  const verify = useCallback(
    (requirement: ReverificationRequirement | undefined) =>
      new Promise<void>((resolve, reject) => {
        const custom = latest.current.options.onNeedsReverification;
        if (custom) {
          custom({ complete: resolve, cancel: () => reject(cancelled()), level: requirement });
          return;
        }
        const host = document.createElement('div');
        document.body.appendChild(host);
        const root = createRoot(host);
        const close = () => {
          root.unmount();
          host.remove();
        };
        root.render(
          carry(
            <ReverificationDialog
              apiBasePath={apiBasePath}
              fetcher={fetcher}
              requirement={requirement ?? 'strict'}
              onVerified={() => {
                close();
                resolve();
              }}
              onCancel={() => {
                close();
                reject(cancelled());
              }}
            />,
          ),
        );
      }),
    [apiBasePath, fetcher, carry],
  );

  return useCallback(
    async (...args: Args): Promise<Resolved<R>> => {
      const run = async () => {
        try {
          return await settle(await latest.current.fn(...args));
        } catch (error) {
          // A Gatehouse API call (callApi) throws its 403 as an error with the code.
          if ((error as { code?: unknown } | null)?.code === 'reverification_required')
            return { error: { code: 'reverification_required' } };
          throw error;
        }
      };
      const first = await run();
      const needs = requirementOf(first);
      if (!needs) return first as Resolved<R>;
      await verify(needs.requirement);
      await reload();
      const second = await run();
      if (requirementOf(second))
        throw Object.assign(new Error('The verification did not take effect. Try again.'), { code: 'reverification_required' });
      return second as Resolved<R>;
    },
    [verify, reload],
  );
}
