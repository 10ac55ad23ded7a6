// The browser's fetch for Gatehouse-protected endpoints: a same-origin 401 is retried once after a token refresh.

import { GatehouseError, STATUS_BY_CODE, type GatehouseErrorCode } from '@gatehouse/core';

export type FetchLike = (input: RequestInfo | URL, init?: RequestInit) => Promise<Response>;

export interface GatehouseFetchOptions {
  /** Mints a fresh session token (POST {api}/refresh); resolves to null when the session is gone. */
  refresh: () => Promise<string | null>;
  fetch?: FetchLike;
  /** The page's origin; only same-origin requests carry the session cookie, so only they are retried. */
  origin?: () => string;
}

function urlOf(input: RequestInfo | URL): string {
  if (typeof input === 'string') return input;
  if (input instanceof URL) return input.href;
  return input.url;
}

/** A body that can be sent twice: not a stream (a Request input is cloned before the first try). */
function replayable(init?: RequestInit): boolean {
  return !(typeof ReadableStream !== 'undefined' && init?.body instanceof ReadableStream);
}

/**
 * A `fetch` that, when a same-origin request answers 401 (the session token expired or was
 * invalidated, e.g. by a role change), refreshes the session once and sends the request again. A
 * second 401 is returned as is: the session is gone and the app should show its signed-out state.
 * Credentials default to `same-origin`.
 */
export function createGatehouseFetch(options: GatehouseFetchOptions): FetchLike {
  const baseFetch: FetchLike = options.fetch ?? ((input, init) => fetch(input, init));
  const origin = options.origin ?? (() => window.location.origin);
  return async (input, init) => {
    const withCredentials: RequestInit = { credentials: 'same-origin', ...init };
    const retryable = new URL(urlOf(input), origin()).origin === origin() && replayable(init);
    const first = await baseFetch(retryable && input instanceof Request ? input.clone() : input, withCredentials);
    if (first.status !== 401 || !retryable) return first;
    const token = await options.refresh();
    if (!token) return first;
    await first.body?.cancel().catch(() => undefined);
    return baseFetch(input, withCredentials);
  };
}

function errorCode(value: unknown): GatehouseErrorCode {
  return typeof value === 'string' && Object.hasOwn(STATUS_BY_CODE, value) ? (value as GatehouseErrorCode) : 'internal_error';
}

/**
 * Calls a JSON endpoint of the auth HTTP API and returns its body.
 * @throws GatehouseError with the API's `code` and message (`internal_error` when the server could
 *   not be reached or answered something else than JSON)
 */
export async function callApi<T>(fetcher: FetchLike, url: string, init: { method?: string; body?: unknown } = {}): Promise<T> {
  const request: RequestInit = { method: init.method ?? 'GET', cache: 'no-store' };
  if (init.body !== undefined) {
    request.headers = { 'content-type': 'application/json' };
    request.body = JSON.stringify(init.body);
  }
  let res: Response;
  try {
    res = await fetcher(url, request);
  } catch (cause) {
    throw new GatehouseError('internal_error', 'The server could not be reached. Try again.', { cause });
  }
  const payload = (await res.json().catch(() => null)) as { error?: { code?: unknown; message?: unknown } } | null;
  if (res.ok && payload !== null) return payload as T;
  if (isHandlerMissing(res)) {
    // Next's own 404 page (HTML): nothing is mounted there. Say what to add, in the console and the error.
    const message = handlerMissingMessage(url);
    console.error(message);
    throw new GatehouseError('setup_missing', message);
  }
  const message = typeof payload?.error?.message === 'string' ? payload.error.message : 'Something went wrong. Try again.';
  throw new GatehouseError(errorCode(payload?.error?.code), message);
}

/** A 404 that is not the API's JSON: Next's own not-found page, so no handler is mounted there. */
export function isHandlerMissing(res: Response): boolean {
  return res.status === 404 && !(res.headers.get('content-type') ?? '').includes('json');
}

/** What to do when the auth API answers with a page instead of JSON: the route handler is not mounted. */
export function handlerMissingMessage(url: string): string {
  return (
    `Gatehouse: nothing answers ${url} (a 404 page, not the auth API). Mount the handler: create ` +
    "app/api/gatehouse/[...gatehouse]/route.ts containing `export { GET, POST, HEAD, PATCH, DELETE } from '@gatehouse/nextjs/handler';` " +
    "(src/app/... when app/ is in src/), or set GatehouseProvider's apiBasePath to where it is mounted."
  );
}
