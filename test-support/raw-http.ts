// Raw HTTP for the security suites: node:http sends the request target and headers exactly as given
// (fetch would normalise `//`, `\`, dot segments and percent-encoding), plus leak checks on answers.
// Not a test: the attack and soak suites use it.

import assert from 'node:assert/strict';
import { request as httpRequest, Agent } from 'node:http';

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  setCookies: string[];
  location: string | undefined;
  text: string;
  /** The body parsed as JSON, or undefined. */
  json: unknown;
}

export interface RawRequest {
  method?: string;
  /** The request target, sent byte for byte. */
  target: string;
  headers?: Record<string, string | string[]>;
  body?: string | Buffer;
}

/** Keep-alive, so a suite of hundreds of requests (and the soak) does not run out of ports. */
const agent = new Agent({ keepAlive: true, maxSockets: 256 });

/**
 * Sends one request to `baseUrl` (http://host:port) and reads the whole answer. A keep-alive socket
 * the server closed just as it was reused (ECONNRESET before any answer) is retried.
 */
export async function raw(baseUrl: string, req: RawRequest): Promise<RawResponse> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await send(baseUrl, req);
    } catch (error) {
      // The next pooled socket may be just as stale: a few attempts, then the error stands.
      const { reusedSocket, code } = error as { reusedSocket?: boolean; code?: string };
      if (!reusedSocket || code !== 'ECONNRESET' || attempt >= 4) throw error;
    }
  }
}

function send(baseUrl: string, req: RawRequest): Promise<RawResponse> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | string[]> = { ...req.headers };
    if (req.body !== undefined && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-length'))
      headers['content-length'] = String(Buffer.byteLength(req.body));
    const r = httpRequest(
      { host: hostname, port, method: req.method ?? (req.body === undefined ? 'GET' : 'POST'), path: req.target, headers, agent },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: unknown;
          try {
            json = text === '' ? undefined : JSON.parse(text);
          } catch {
            json = undefined;
          }
          const setCookie = res.headers['set-cookie'];
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            setCookies: Array.isArray(setCookie) ? setCookie : setCookie ? [setCookie] : [],
            location: typeof res.headers.location === 'string' ? res.headers.location : undefined,
            text,
            json,
          });
        });
      },
    );
    r.on('error', (error) => reject(Object.assign(error, { reusedSocket: r.reusedSocket })));
    r.setTimeout(30_000, () => r.destroy(new Error(`no answer to ${req.method ?? 'GET'} ${req.target} within 30 s`)));
    if (req.body !== undefined) r.write(req.body);
    r.end();
  });
}

/** A compact JWS anywhere in a text. */
export const JWT_PATTERN = /eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{16,}/;
/** What a stack trace or an internal error looks like in a response. */
const STACK_PATTERN =
  /\n\s+at [^\n]+[(:]\d+|node_modules\/|webpack-internal|\/work\/|\.tsx?:\d+:\d+|SqliteError|TypeError:|ReferenceError:/;

/**
 * Asserts that a refusal leaks nothing: no stack trace or internal path, none of `secrets` (tokens,
 * the master secret, other users' data), and no session token at all.
 */
export function assertNoLeak(res: Pick<RawResponse, 'text' | 'headers'>, secrets: readonly string[] = [], label = ''): void {
  const haystack = `${JSON.stringify(res.headers)}\n${res.text}`;
  assert.doesNotMatch(res.text, STACK_PATTERN, `${label}: the response shows a stack trace or internal path`);
  assert.doesNotMatch(haystack, JWT_PATTERN, `${label}: the response carries a token`);
  for (const secret of secrets) {
    if (secret) assert.ok(!haystack.includes(secret), `${label}: the response contains protected data (${secret.slice(0, 12)}…)`);
  }
}
