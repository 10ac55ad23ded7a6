// The backend HTTP API (`/v1/backend/...`): every backend operation as a route, for server code holding the instance's secret key.

import type { RequestContext } from '@gatehouse/core';
import { z } from 'zod';
import { BACKEND_PREFIX, runOperation } from '../backend/client.js';
import { parseInput, pathParams, type Operation } from '../backend/operation.js';
import { exportResponse } from './admin-routes.js';
import { BACKEND_OPERATIONS } from '../backend/operations.js';
import type { Gatehouse } from '../instance/instance.js';
import type { SecretKeyCheck } from '../backend/secret-keys.js';
import { readOptionalJson } from './body.js';
import { errorResponse, json } from './respond.js';
import type { AnyMethods, HttpMethod } from './org-routes.js';
import type { Route, RouteParams } from './session-routes.js';

/** One route of the table: the operation, its Clerk-style name, and its path as a pattern. */
export interface BackendRoute {
  name: string;
  op: Operation<unknown[], unknown>;
  pattern: RegExp;
  params: string[];
}

export const BACKEND_ROUTES: readonly BackendRoute[] = Object.entries(BACKEND_OPERATIONS).flatMap(([group, methods]) =>
  Object.entries(methods as Record<string, Operation<unknown[], unknown>>).map(([method, op]) => ({
    name: `${group}.${method}`,
    op,
    pattern: new RegExp(`^${op.path.replace(/\{\w+\}/g, '([^/]+)')}$`),
    params: pathParams(op.path),
  })),
);

const AnyBody = z.record(z.string(), z.unknown());

function decode(segment: string): string | null {
  try {
    return decodeURIComponent(segment);
  } catch {
    return null;
  }
}

/** The bearer token of the request, or null. */
export function bearer(request: Request): string | null {
  const header = request.headers.get('authorization') ?? '';
  const match = /^Bearer ([^\s]{1,512})$/.exec(header);
  return match?.[1] ?? null;
}

export function createBackendRoutes(gatehouse: Gatehouse, secretKeys: SecretKeyCheck) {
  function route(entry: BackendRoute, values: string[]): Route {
    return async (request: Request, ctx: RequestContext) => {
      const key = bearer(request);
      // One answer for a missing key, a wrong key and an instance without keys: nothing to probe.
      if (!key || !secretKeys.matches(key))
        return errorResponse('unauthenticated', 'The backend API needs a valid secret key (Authorization: Bearer gh_sk_…).');
      const input: Record<string, unknown> = {};
      if (entry.op.method === 'GET' || entry.op.method === 'DELETE') {
        for (const [name, value] of new URL(request.url).searchParams) {
          if (Object.hasOwn(input, name)) return errorResponse('bad_request', `The query parameter ${name.slice(0, 40)} is repeated.`);
          input[name] = value;
        }
      } else {
        Object.assign(input, (await readOptionalJson(request, AnyBody)) ?? {});
      }
      for (const [i, name] of entry.params.entries()) {
        if (Object.hasOwn(input, name)) return errorResponse('bad_request', `${name} belongs in the path.`);
        input[name] = values[i];
      }
      if (entry.op.stream) {
        // Downloads stream page by page: an export of the whole log is never held in memory.
        const parsed = parseInput(entry.op.input, input);
        return exportResponse(entry.op.stream(gatehouse, parsed as never), input.format === 'csv' ? 'csv' : 'jsonl');
      }
      return json(200, await runOperation(gatehouse, entry.op, input, ctx));
    };
  }

  return {
    /** The methods for a backend path (path parameters bound); null for other paths. */
    match(path: string): { methods: AnyMethods; params: RouteParams } | null {
      if (!path.startsWith(`${BACKEND_PREFIX}/`)) return null;
      const rest = path.slice(BACKEND_PREFIX.length);
      const methods: AnyMethods = {};
      for (const entry of BACKEND_ROUTES) {
        const found = entry.pattern.exec(rest);
        if (!found) continue;
        const values = found.slice(1).map((segment) => decode(segment ?? ''));
        if (values.some((v) => v === null || v === '')) continue;
        methods[entry.op.method as HttpMethod] = route(entry, values as string[]);
      }
      return Object.keys(methods).length > 0 ? { methods, params: {} } : null;
    },
  };
}
