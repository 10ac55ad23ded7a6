// `{basePath}/claim-admin`: the page a first-admin link opens (GET shows, POST claims), server-rendered like the dashboard.

import { isGatehouseError, type RequestContext } from '@gatehouse/core';
import type { Gatehouse } from '../instance/instance.js';
import { html, renderFrame } from '../dashboard/html.js';
import { readForm } from '../http/body.js';
import { errorResponse } from '../http/respond.js';
import type { AdminClaims } from './admin-claim.js';

const TITLE = 'Become the instance admin';
const NOT_VALID =
  'This link does not work: it was used, it expired, or the instance already has an admin. While there is none, `gatehouse init --admin-link` prints a new one.';

export function createClaimRoutes(gatehouse: Gatehouse, claims: AdminClaims, base: string) {
  const root = `${base}/dashboard`;
  const page = (body: ReturnType<typeof html>, status = 200, error: string | null = null) =>
    renderFrame({ title: TITLE, root, nav: [], current: '', body, error }, status);
  const notValid = () => page(html`<p><a href="/">Back to the app</a></p>`, 404, NOT_VALID);

  async function show(request: Request): Promise<Response> {
    const url = new URL(request.url);
    const token = url.searchParams.get('token') ?? '';
    if (!(await claims.isValid(token))) return notValid();
    const state = await gatehouse.authenticate(request);
    if (state.status !== 'signed-in') {
      // Back here after signing in (the app's sign-in page honours same-origin redirect_url).
      const back = `/sign-in?redirect_url=${encodeURIComponent(`${url.pathname}${url.search}`)}`;
      return page(
        html`<p>Sign in (or sign up) with the account that should administer this instance, then open this link again.</p>
          <p><a href="${back}">Sign in</a></p>`,
        401,
      );
    }
    const user = await gatehouse.getUser(state.claims.sub);
    return page(
      html`<form method="post" action="${url.pathname}">
        <p>
          Signed in as <strong>${user?.email ?? state.claims.sub}</strong>. This link works once: the account that uses it becomes the
          instance admin (the dashboard, the admin API).
        </p>
        <input type="hidden" name="token" value="${token}" />
        <p><button type="submit">Become the instance admin</button></p>
      </form>`,
    );
  }

  async function claim(request: Request, ctx: RequestContext): Promise<Response> {
    // The router refused foreign origins; a browser's form post always names its origin.
    if (request.headers.get('origin') === null && request.headers.get('sec-fetch-site') !== 'same-origin')
      return errorResponse('csrf_rejected', 'Post this form from its page.');
    const form = await readForm(request);
    const state = await gatehouse.authenticate(request);
    if (state.status !== 'signed-in') return errorResponse('unauthenticated', 'You are not signed in.');
    try {
      await claims.claim(form.get('token') ?? '', state.claims.sub, ctx);
    } catch (error) {
      if (isGatehouseError(error) && error.code === 'not_found') return notValid();
      throw error;
    }
    return new Response(null, { status: 303, headers: { location: root, 'cache-control': 'no-store' } });
  }

  return { GET: (request: Request) => show(request), POST: (request: Request, ctx: RequestContext) => claim(request, ctx) };
}
