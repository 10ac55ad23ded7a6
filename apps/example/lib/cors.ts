// CORS for the example's JSON API (/api/projects, /api/me): another origin may call it with an
// `Authorization: Bearer <session token>` header, never with cookies. Origins are listed in
// EXAMPLE_CORS_ORIGINS (comma-separated, exact `scheme://host[:port]`); everything else gets no
// CORS headers, so the browser keeps the answer from that page.

const API = /^\/api\/(projects|me)(\/|$)/;

function allowedOrigins(): Set<string> {
  return new Set(
    (process.env.EXAMPLE_CORS_ORIGINS ?? '')
      .split(',')
      .map((o) => o.trim())
      .filter(Boolean),
  );
}

/** The request's Origin when it may read this API's answers, else null. */
export function corsOrigin(request: Request): string | null {
  const origin = request.headers.get('origin');
  if (!origin || !API.test(new URL(request.url).pathname)) return null;
  return allowedOrigins().has(origin) ? origin : null;
}

/** The answer to a preflight (OPTIONS) from an allowed origin. */
export function preflight(origin: string): Response {
  return new Response(null, {
    status: 204,
    headers: {
      'access-control-allow-origin': origin,
      'access-control-allow-methods': 'GET, POST, DELETE',
      // Bearer tokens only: no Access-Control-Allow-Credentials, so cookies never cross origins.
      'access-control-allow-headers': 'authorization, content-type',
      'access-control-max-age': '600',
      vary: 'Origin',
    },
  });
}

/** Adds the CORS headers to a response (copying it when its headers are immutable). */
export function withCors(response: Response, origin: string): Response {
  let res = response;
  try {
    res.headers.set('access-control-allow-origin', origin);
  } catch {
    res = new Response(response.body, response);
    res.headers.set('access-control-allow-origin', origin);
  }
  res.headers.append('vary', 'Origin');
  // Lets the caller read why it was refused (401 carries WWW-Authenticate).
  res.headers.set('access-control-expose-headers', 'www-authenticate');
  return res;
}
