// One backend API operation: its HTTP route, the zod schema of its input, how a client's positional arguments become that input, and the use case it runs.

import { GatehouseError, type RequestContext } from '@gatehouse/core';
import type { z } from 'zod';
import type { Gatehouse } from '../instance/instance.js';

export type BackendMethod = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

export interface Operation<A extends unknown[] = never, O = unknown> {
  method: BackendMethod;
  /** Under `/v1/backend`, with `{name}` path parameters (fields of the input). */
  path: string;
  summary: string;
  /** Validates the whole input (path parameters, then the query for GET/DELETE or the JSON body otherwise). */
  input: z.ZodObject;
  /** The client's positional arguments as the input object. */
  args: (...args: A) => Record<string, unknown>;
  run: (gatehouse: Gatehouse, input: never, ctx: RequestContext) => Promise<O>;
  /** `text`: the answer is a download (JSON Lines or CSV), not JSON. */
  output?: 'json' | 'text';
  /** For `text` answers: the same download chunk by chunk (the HTTP route streams it instead of buffering). */
  stream?: (gatehouse: Gatehouse, input: never) => AsyncGenerator<string>;
}

/** Declares an operation with its types tied together: `args` must build what `input` accepts, `run` gets what it yields. */
export function operation<S extends z.ZodObject, A extends unknown[], O>(def: {
  method: BackendMethod;
  path: string;
  summary: string;
  input: S;
  args: (...args: A) => z.input<S>;
  run: (gatehouse: Gatehouse, input: z.output<S>, ctx: RequestContext) => Promise<O>;
  output?: 'json' | 'text';
  stream?: (gatehouse: Gatehouse, input: z.output<S>) => AsyncGenerator<string>;
}): Operation<A, O> {
  return def as unknown as Operation<A, O>;
}

/** The path parameter names of a path template, in order. */
export function pathParams(path: string): string[] {
  return [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1] ?? '');
}

/**
 * Validates an operation's input.
 * @throws GatehouseError `bad_request` naming the first problems (never echoing values)
 */
export function parseInput<T>(schema: z.ZodType<T>, value: unknown): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const detail = parsed.error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.join('.') || 'input'}: ${issue.message}`)
    .join('; ');
  throw new GatehouseError('bad_request', `The request is invalid (${detail}).`);
}

/** Clerk's paginated answer. */
export interface PaginatedList<T> {
  data: T[];
  totalCount: number;
}

/** Clerk's answer to a deletion. */
export interface DeletedObject {
  object: string;
  id: string;
  deleted: true;
}
