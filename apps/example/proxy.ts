// Step 1 of the seed: every route needs a session except the public ones; /admin needs org:admin.
// The proxy is a convenience (redirects early, refreshes the session): every page, route handler
// and server action checks auth() itself too (tests/e2e/pass-through-proxy.test.ts proves it).
import { NextResponse, type NextFetchEvent, type NextRequest } from 'next/server';
import { createRouteMatcher, gatehouseMiddleware } from '@gatehouse/nextjs/server';
import { corsOrigin, preflight, withCors } from './lib/cors';

const isPublicRoute = createRouteMatcher([
  '/',
  '/sign-in(.*)',
  '/sign-up(.*)',
  '/sso-callback',
  // The look of the components: the theme and language switch, and the appearance demo.
  '/preferences',
  '/appearance',
  '/api/gatehouse(.*)',
  '/api/webhooks(.*)',
  '/.well-known(.*)',
  // Development only: a 404 unless the dev inbox is on; it lists invitation emails for people without an account yet.
  '/dev/inbox',
  // The benchmarks' unprotected twin of /api/me (bench/README.md).
  '/api/bench/public',
]);

const isAdminRoute = createRouteMatcher(['/admin(.*)']);
// Organization API keys work on the projects API; /api/machine takes machine-to-machine tokens only.
const isProjectsApi = createRouteMatcher(['/api/projects(.*)']);
const isMachineApi = createRouteMatcher(['/api/machine(.*)']);

const gatehouse = gatehouseMiddleware(
  async (auth, req) => {
    if (isAdminRoute(req)) await auth.protect({ role: 'org:admin' });
    else if (isProjectsApi(req)) await auth.protect({ token: ['session_token', 'api_key'] });
    else if (isMachineApi(req)) await auth.protect({ token: 'm2m_token' });
    else if (!isPublicRoute(req)) await auth.protect();
  },
  // /orgs/acme/... makes Acme the active organization for members; others get the 404 page.
  { organizationSyncOptions: { organizationPatterns: ['/orgs/:slug', '/orgs/:slug/(.*)'] } },
);

export default async function proxy(req: NextRequest, event: NextFetchEvent): Promise<Response> {
  const origin = corsOrigin(req);
  if (origin && req.method === 'OPTIONS') return preflight(origin);
  const response = (await gatehouse(req, event)) ?? NextResponse.next();
  return origin ? withCors(response, origin) : response;
}

export const config = {
  matcher: [
    // Everything except Next.js internals and static files.
    '/((?!_next|[^?]*\\.(?:html?|css|js(?!on)|jpe?g|webp|png|gif|svg|ttf|woff2?|ico|csv|docx?|xlsx?|zip|webmanifest)).*)',
    '/(api|trpc)(.*)',
  ],
};
