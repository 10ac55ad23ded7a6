// The example's JSON routes read application/json bodies only (issue #15): a text/plain, form or
// multipart body is what a cross-site form can send without a preflight, so it is refused (415)
// before anything is read.

const unsupported = () =>
  Response.json(
    { error: { code: 'unsupported_media_type', message: 'Send the body as application/json.' } },
    { status: 415, headers: { 'cache-control': 'no-store' } },
  );

/** The parsed JSON body (null when it does not parse), or a 415 response for any other content type. */
export async function readJsonBody(request: Request): Promise<unknown> {
  const type = (request.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/json') return unsupported();
  return request.json().catch(() => null);
}
