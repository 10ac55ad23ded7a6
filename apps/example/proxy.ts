// Step 1 of the seed: every route needs a session except the public ones.
import { createRouteMatcher, gatehouseMiddleware } from '@gatehouse/nextjs/server';

const isPublicRoute = createRouteMatcher([
  '/',
  '/sign-in(.*)',
  '/sign-up(.*)',
  '/api/gatehouse(.*)',
  '/api/webhooks(.*)',
  '/.well-known(.*)',
  // Development only: a 404 unless the dev inbox is on; it lists invitation emails for people without an account yet.
  '/dev/inbox',
  // The benchmarks' unprotected twin of /api/me (bench/README.md).
  '/api/bench/public',
]);

export default gatehouseMiddleware(async (auth, req) => {
  if (!isPublicRoute(req)) await auth.protect();
});

export const config = {
  matcher: [
    // Everything except Next.js internals and static files.
    '/((?!_next|[^?]*\\.(?:html?|css|js(?!on)|jpe?g|webp|png|gif|svg|ttf|woff2?|ico|csv|docx?|xlsx?|zip|webmanifest)).*)',
    '/(api|trpc)(.*)',
  ],
};
