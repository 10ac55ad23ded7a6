// What a dashboard page is: one file per page under pages/, listed once in pages/index.ts.

import type { RequestContext } from '@gatehouse/core';
import type { Gatehouse } from '../instance/instance.js';
import type { SafeHtml } from './html.js';

export interface PageContext {
  gatehouse: Gatehouse;
  request: Request;
  url: URL;
  /** The signed-in instance admin (checked against the database on this request). */
  adminId: string;
  /** The admin's own session (what "Stop impersonating" returns to). */
  adminSessionId: string;
  /** IP and user agent of the request, for the audit log. */
  ctx: RequestContext;
  /** The dashboard's root path, e.g. `/api/gatehouse/dashboard`. */
  root: string;
  /** The decoded path segments after the page's own, e.g. `['user_…']` for `/users/user_…`. */
  rest: readonly string[];
}

export type PageResult =
  /** A page: the frame adds the navigation, the title and the notice of a preceding action. */
  | { title?: string; body: SafeHtml; status?: number; scripts?: readonly string[] }
  /** After a POST: back to a dashboard path (`/users/user_…`) with a short notice. */
  | { redirect: string; notice?: string }
  /** Leave the dashboard for an app path, holding a new session token ("Sign in as"). */
  | { leave: string; sessionToken: string }
  /** Data for a page's own script (e.g. the template preview). */
  | { json: unknown }
  /** A file to save (e.g. an audit export). */
  | { download: ReadableStream<Uint8Array>; contentType: string; filename: string };

export interface DashboardPage {
  /** The first path segment after the dashboard root, e.g. `users`. */
  path: string;
  /** The navigation label and default heading. */
  title: string;
  get(page: PageContext): Promise<PageResult>;
  /**
   * State-changing actions: reached only by a same-origin form POST of a signed-in instance admin.
   * Throw a GatehouseError to refuse (the page shows its message with the matching status).
   */
  post?(page: PageContext, form: URLSearchParams): Promise<PageResult>;
}

/** A dashboard path with a query string, e.g. `link(root, '/users', { q })`; empty values are left out. */
export function link(root: string, path: string, query: Record<string, string | null | undefined> = {}): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) if (value) params.set(key, value);
  const search = params.toString();
  return `${root}${path}${search ? `?${search}` : ''}`;
}

/** A required form field, trimmed. */
export function field(form: URLSearchParams, name: string): string {
  return (form.get(name) ?? '').trim();
}

/** A timestamp for tables: ISO 8601 in UTC, to the second. */
export function when(ms: number | null | undefined): string {
  return ms === null || ms === undefined ? '—' : new Date(Number(ms)).toISOString().replace('T', ' ').slice(0, 19);
}
