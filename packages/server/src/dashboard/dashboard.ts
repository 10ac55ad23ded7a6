// The instance admins' dashboard: server-rendered pages under `{basePath}/dashboard`, guarded by Gatehouse itself.

import {
  CLIENT_COOKIE,
  STATUS_BY_CODE,
  clearedCookies,
  clientCookie,
  isGatehouseError,
  parseCookieHeader,
  serializeCookie,
  sessionCookie,
  singleCookie,
  type CookieSettings,
  type RequestContext,
} from '@gatehouse/core';
import type { Gatehouse } from '../instance/instance.js';
import { readForm } from '../http/body.js';
import { errorResponse } from '../http/respond.js';
import type { AnyMethods } from '../http/org-routes.js';
import type { RouteParams } from '../http/session-routes.js';
import { html, renderFrame, securityHeaders } from './html.js';
import type { DashboardPage, PageContext, PageResult } from './page.js';
import { DASHBOARD_PAGES } from './pages/index.js';
import { signInPage } from './sign-in.js';

/** The flash cookie carrying a notice from an action to the page it redirects to (not readable cross-site, gone after one view). */
const NOTICE_COOKIE = '__gatehouse_notice';
const MAX_NOTICE = 300;

type DashboardRoute = (request: Request, ctx: RequestContext, cookies: CookieSettings) => Promise<Response>;

export interface DashboardOptions {
  /** Where the auth API is mounted, e.g. `/api/gatehouse`; the dashboard lives at `{basePath}/dashboard`. */
  basePath: string;
}

function decode(segment: string): string | null {
  try {
    return decodeURIComponent(segment);
  } catch {
    return null;
  }
}

/**
 * The router already refused cross-site requests and foreign origins; a form post from a browser
 * always says where it comes from (Origin, or Sec-Fetch-Site), so one that says nothing is refused too.
 */
function postedFromHere(request: Request): boolean {
  return request.headers.get('origin') !== null || request.headers.get('sec-fetch-site') === 'same-origin';
}

export function createDashboard(gatehouse: Gatehouse, options: DashboardOptions) {
  const root = `${options.basePath}/dashboard`;
  const pages = new Map(DASHBOARD_PAGES.map((page) => [page.path, page]));
  const nav = DASHBOARD_PAGES.map((p) => ({ path: p.path, title: p.title }));

  /**
   * The signed-in user, from the request's session token; an expired or stale one is refreshed
   * from the client cookie as the app's proxy would (the dashboard must also work in the
   * standalone service, where no proxy refreshes). Null when signed out.
   */
  async function whoIsAsking(
    request: Request,
    ctx: RequestContext,
    cookies: CookieSettings,
  ): Promise<{ userId: string; sessionId: string; setCookies: string[] } | null> {
    const state = await gatehouse.authenticate(request);
    if (state.status === 'signed-in') return { userId: state.claims.sub, sessionId: state.claims.sid, setCookies: [] };
    const clientToken = singleCookie(parseCookieHeader(request.headers.get('cookie')), CLIENT_COOKIE);
    if (typeof clientToken !== 'string') return null;
    try {
      const result = await gatehouse.sessions.refresh(clientToken, ctx);
      const setCookies = [sessionCookie(result.sessionToken, cookies)];
      if (result.clientToken) setCookies.push(clientCookie(result.clientToken, cookies));
      return { userId: result.userId, sessionId: result.sessionId, setCookies };
    } catch (error) {
      if (isGatehouseError(error)) return null;
      throw error;
    }
  }

  function noticeCookie(value: string, cookies: CookieSettings, maxAge: number): string {
    return serializeCookie(NOTICE_COOKIE, value, { httpOnly: true, secure: cookies.secure, sameSite: 'Strict', path: root, maxAge });
  }

  function toResponse(result: PageResult, page: DashboardPage, notice: string | null, cookies: CookieSettings): Response {
    if ('json' in result) return new Response(JSON.stringify(result.json), { status: 200, headers: securityHeaders('application/json') });
    if ('download' in result) {
      const headers = securityHeaders(result.contentType);
      headers.set('content-disposition', `attachment; filename="${result.filename.replace(/[^A-Za-z0-9._-]/g, '_')}"`);
      return new Response(result.download, { status: 200, headers });
    }
    if ('leave' in result) {
      // "Sign in as": the browser leaves the dashboard for the app, holding the new session's token.
      const headers = securityHeaders('text/plain; charset=utf-8');
      headers.set('location', result.leave);
      headers.append('set-cookie', sessionCookie(result.sessionToken, cookies));
      return new Response(null, { status: 303, headers });
    }
    if ('redirect' in result) {
      const headers = securityHeaders('text/plain; charset=utf-8');
      headers.set('location', `${root}${result.redirect}`);
      if (result.notice) headers.append('set-cookie', noticeCookie(result.notice.slice(0, MAX_NOTICE), cookies, 60));
      return new Response(null, { status: 303, headers });
    }
    return renderFrame(
      {
        title: result.title ?? page.title,
        root,
        nav,
        current: page.path,
        body: result.body,
        notice,
        ...(result.scripts ? { scripts: result.scripts } : {}),
      },
      result.status ?? 200,
    );
  }

  /** Renders a refusal (a GatehouseError from a page) as a page with the error's status. */
  function refusal(code: keyof typeof STATUS_BY_CODE, message: string, page: DashboardPage | null): Response {
    return renderFrame(
      {
        title: page?.title ?? 'Not found',
        root,
        nav,
        current: page?.path ?? '',
        body: html`<p><a href="${root}/${page?.path ?? 'users'}">Back</a></p>`,
        error: message,
      },
      STATUS_BY_CODE[code],
    );
  }

  async function serve(
    request: Request,
    ctx: RequestContext,
    cookies: CookieSettings,
    segments: string[],
    userId: string,
    sessionId: string,
  ): Promise<Response> {
    const url = new URL(request.url);
    const method = request.method === 'HEAD' ? 'GET' : request.method;
    if (segments.length === 0) {
      return new Response(null, { status: 303, headers: { location: `${root}/${nav[0]?.path ?? ''}`, 'cache-control': 'no-store' } });
    }
    const page = pages.get(segments[0] ?? '');
    if (!page) return refusal('not_found', 'There is no such dashboard page.', null);
    const rest = segments.slice(1).map(decode);
    if (rest.some((s) => s === null || s === '')) return refusal('not_found', 'There is no such dashboard page.', page);
    const context: PageContext = { gatehouse, request, url, adminId: userId, adminSessionId: sessionId, ctx, root, rest: rest as string[] };
    try {
      if (method === 'GET') {
        const flash = singleCookie(parseCookieHeader(request.headers.get('cookie')), NOTICE_COOKIE);
        const notice = typeof flash === 'string' ? flash.slice(0, MAX_NOTICE) : null;
        const response = toResponse(await page.get(context), page, notice || null, cookies);
        if (notice !== null) response.headers.append('set-cookie', noticeCookie('', cookies, 0));
        return response;
      }
      if (method === 'POST' && page.post) {
        if (!postedFromHere(request)) return errorResponse('csrf_rejected', 'Dashboard forms must be posted from the dashboard.');
        return toResponse(await page.post(context, await readForm(request)), page, null, cookies);
      }
      return errorResponse('method_not_allowed', page.post ? 'Use GET or POST.' : 'Use GET.', { allow: page.post ? 'GET, POST' : 'GET' });
    } catch (error) {
      if (isGatehouseError(error)) return refusal(error.code, error.message, page);
      throw error;
    }
  }

  /** Ends this browser's sessions (as the API's POST /sign-out does) and goes to the sign-in page. */
  async function signOut(request: Request, ctx: RequestContext, cookies: CookieSettings): Promise<Response> {
    if (request.method !== 'POST') return errorResponse('method_not_allowed', 'Use POST.', { allow: 'POST' });
    if (!postedFromHere(request)) return errorResponse('csrf_rejected', 'Dashboard forms must be posted from the dashboard.');
    const clientToken = singleCookie(parseCookieHeader(request.headers.get('cookie')), CLIENT_COOKIE);
    await gatehouse.sessions.signOut(typeof clientToken === 'string' ? clientToken : null, ctx);
    const headers = new Headers({ location: `${root}/sign-in`, 'cache-control': 'no-store' });
    for (const cookie of clearedCookies(cookies)) headers.append('set-cookie', cookie);
    return new Response(null, { status: 303, headers });
  }

  const route: DashboardRoute = async (request, ctx, cookies) => {
    const segments = new URL(request.url).pathname.slice(root.length).split('/').slice(1);
    if (segments.at(-1) === '') segments.pop();
    if (segments.length === 1 && segments[0] === 'sign-in') {
      if (request.method !== 'GET' && request.method !== 'HEAD') return errorResponse('method_not_allowed', 'Use GET.', { allow: 'GET' });
      return signInPage(options.basePath, root);
    }
    if (segments.length === 1 && segments[0] === 'sign-out') return signOut(request, ctx, cookies);
    const who = await whoIsAsking(request, ctx, cookies);
    let response: Response;
    if (!who) {
      // Signed out: pages send the browser to sign in; anything else gets what the admin API answers.
      response =
        request.method === 'GET' || request.method === 'HEAD'
          ? new Response(null, { status: 303, headers: { location: `${root}/sign-in`, 'cache-control': 'no-store' } })
          : errorResponse('unauthenticated', 'You are not signed in.');
    } else if (!(await gatehouse.users.isInstanceAdmin(who.userId))) {
      // Signed in but not an instance admin (read from the database now): exactly the router's
      // answer for a path it does not know, whatever the method, so the dashboard does not show.
      response = errorResponse('not_found', 'No such endpoint.');
    } else {
      response = await serve(request, ctx, cookies, segments, who.userId, who.sessionId);
    }
    for (const cookie of who?.setCookies ?? []) response.headers.append('set-cookie', cookie);
    return response;
  };

  // Every method the router might look up goes to the route (HEAD arrives as GET), which answers
  // non-admins with the same 404 whatever they send: a 405 with an Allow header would show the dashboard.
  const methods = Object.fromEntries(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'].map((m) => [m, route])) as AnyMethods;

  return {
    /** The dashboard's methods for a path under the API base, or null for other paths. */
    match(path: string): { methods: AnyMethods; params: RouteParams } | null {
      return path === '/dashboard' || path.startsWith('/dashboard/') ? { methods, params: {} } : null;
    },
  };
}
