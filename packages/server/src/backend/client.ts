// The backend API client (Clerk's clerkClient shape) built from the operation table twice: in-process against an instance, or over HTTP against a standalone service with a secret key.

import { GatehouseError, STATUS_BY_CODE, type GatehouseErrorCode } from '@gatehouse/core';
import { BACKEND_CONTEXT } from '../sessions/session-core.js';
import type { Gatehouse } from '../instance/instance.js';
import { BACKEND_OPERATIONS } from './operations.js';
import { parseInput, pathParams, type Operation } from './operation.js';

type Operations = typeof BACKEND_OPERATIONS;
type ClientMethod<T> = T extends Operation<infer A, infer O> ? (...args: A) => Promise<O> : never;

/** The backend API: `users`, `sessions`, `organizations`, `roles`, `permissions`, `jwtTemplates`, `instance`, `auditLog`. */
export type BackendClient = { [G in keyof Operations]: { [M in keyof Operations[G]]: ClientMethod<Operations[G][M]> } };

/** Where the backend HTTP API lives under the auth API's base path. */
export const BACKEND_PREFIX = '/v1/backend';

function build(call: (op: Operation<unknown[], unknown>, input: Record<string, unknown>) => Promise<unknown>): BackendClient {
  const client: Record<string, Record<string, (...args: unknown[]) => Promise<unknown>>> = {};
  for (const [group, methods] of Object.entries(BACKEND_OPERATIONS)) {
    const target: Record<string, (...args: unknown[]) => Promise<unknown>> = (client[group] = {});
    for (const [name, op] of Object.entries(methods as Record<string, Operation<unknown[], unknown>>)) {
      target[name] = async (...args: unknown[]) => {
        let input: Record<string, unknown>;
        try {
          input = op.args(...args);
        } catch {
          throw new GatehouseError('bad_request', `${group}.${name}: invalid arguments.`);
        }
        return call(op, input);
      };
    }
  }
  return client as unknown as BackendClient;
}

/** Runs an operation against an instance: validates the input with the operation's schema, then the use case. */
export function runOperation(
  gatehouse: Gatehouse,
  op: Operation<unknown[], unknown>,
  input: unknown,
  ctx = BACKEND_CONTEXT,
): Promise<unknown> {
  const parsed = parseInput(op.input, input);
  return op.run(gatehouse, parsed as never, ctx);
}

/** The backend API of an instance in this process: no HTTP hop, the same validation and errors as over HTTP. */
export function createBackendClient(gatehouse: Gatehouse): BackendClient {
  // JSON round trip: callers get plain data, exactly what the HTTP client would return.
  return build(async (op, input) => {
    const result = await runOperation(gatehouse, op, input);
    return typeof result === 'string' ? result : (JSON.parse(JSON.stringify(result)) as unknown);
  });
}

export interface BackendHttpOptions {
  /** The service's auth API base, e.g. `https://auth.example.com/api/gatehouse`. */
  serviceUrl: string;
  /** GATEHOUSE_SECRET_KEY (`gh_sk_…`). */
  secretKey: string;
  fetch?: typeof fetch;
}

/** How an operation's input travels: path parameters in the path, the rest in the query (GET, DELETE) or a JSON body. */
export function requestFor(
  base: string,
  op: Operation<unknown[], unknown>,
  input: Record<string, unknown>,
): { url: string; init: RequestInit } {
  const rest: Record<string, unknown> = { ...input };
  let path = op.path;
  for (const name of pathParams(op.path)) {
    const value = rest[name];
    if (typeof value !== 'string' || value === '') throw new GatehouseError('bad_request', `The request is invalid (${name}: required).`);
    path = path.replace(`{${name}}`, encodeURIComponent(value));
    delete rest[name];
  }
  const url = new URL(`${base.replace(/\/+$/, '')}${BACKEND_PREFIX}${path}`);
  const init: RequestInit = { method: op.method, headers: {} };
  if (op.method === 'GET' || op.method === 'DELETE') {
    for (const [key, value] of Object.entries(rest)) {
      if (value === undefined) continue;
      if (typeof value === 'object' && value !== null)
        throw new GatehouseError('bad_request', `The request is invalid (${key}: not a plain value).`);
      url.searchParams.set(key, String(value));
    }
  } else {
    init.body = JSON.stringify(rest);
    init.headers = { 'content-type': 'application/json' };
  }
  return { url: url.href, init };
}

/**
 * The backend API of a standalone service over HTTP, authenticated with its secret key. Errors
 * arrive as the same `GatehouseError` codes the in-process client throws.
 */
export function createBackendHttpClient(options: BackendHttpOptions): BackendClient {
  const doFetch = options.fetch ?? fetch;
  const service = new URL(options.serviceUrl);
  // A bare origin (as GATEHOUSE_SERVICE_URL is usually given) means the service's default base path.
  if (service.pathname === '/') service.pathname = '/api/gatehouse';
  const base = service.href;
  if (!/^gh_sk_/.test(options.secretKey)) throw new TypeError('GATEHOUSE_SECRET_KEY must be a gh_sk_… secret key');
  return build(async (op, input) => {
    const { url, init } = requestFor(base, op, input);
    const headers = new Headers(init.headers);
    headers.set('authorization', `Bearer ${options.secretKey}`);
    headers.set('accept', op.output === 'text' ? '*/*' : 'application/json');
    let response: Response;
    try {
      response = await doFetch(url, { ...init, headers, redirect: 'error' });
    } catch (cause) {
      // Never the URL with its query (it may carry user ids) nor the key: the service could not be reached.
      throw new GatehouseError('internal_error', 'The Gatehouse service could not be reached.', { cause });
    }
    const text = await response.text();
    if (response.ok) return op.output === 'text' ? text : (JSON.parse(text) as unknown);
    let code: GatehouseErrorCode = 'internal_error';
    let message = `The Gatehouse service answered ${response.status}.`;
    try {
      const body = JSON.parse(text) as { error?: { code?: unknown; message?: unknown } };
      // Only codes of the closed list: anything else from the wire is an internal error.
      if (typeof body.error?.code === 'string' && Object.hasOwn(STATUS_BY_CODE, body.error.code))
        code = body.error.code as GatehouseErrorCode;
      if (typeof body.error?.message === 'string') message = body.error.message;
    } catch {
      // not our error shape: keep the generic message
    }
    throw new GatehouseError(code, message);
  });
}
