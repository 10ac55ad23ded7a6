// Who is behind a request made under impersonation: every audit row written while serving it names the admin too.

import { AsyncLocalStorage } from 'node:async_hooks';

const impersonation = new AsyncLocalStorage<{ actorId: string }>();

/**
 * Runs `fn` (the serving of one request) as done by `actorId` (an instance admin) on behalf of the
 * session's user: audit rows appended meanwhile, in any use case, carry `data.act.sub = actorId`.
 */
export function runImpersonated<T>(actorId: string, fn: () => T): T {
  return impersonation.run({ actorId }, fn);
}

/**
 * An audit row's `data` with the impersonating admin added (`act: { sub }`), or as it was outside
 * impersonation. Unparseable or non-object data is kept and wrapped, never dropped.
 */
export function withImpersonator(data: string | undefined): string | undefined {
  const acting = impersonation.getStore();
  if (!acting) return data;
  let parsed: unknown;
  try {
    parsed = data === undefined ? {} : JSON.parse(data);
  } catch {
    parsed = { raw: data };
  }
  const object = typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? parsed : { value: parsed };
  return JSON.stringify({ ...object, act: { sub: acting.actorId } });
}
