// Structured JSON logs (pino): the level from the environment, the request id on every line a request causes, and no secret in any line.

import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import { pino, type DestinationStream, type Logger } from 'pino';

export type { Logger } from 'pino';

const LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/**
 * Field paths never written: credentials in any object a caller logs (request headers, bodies,
 * results). Defence in depth: Gatehouse's own lines never carry them in the first place.
 */
const REDACT = [
  'password',
  'token',
  'secret',
  'code',
  'jwt',
  'sessionToken',
  'clientToken',
  'authorization',
  'cookie',
  '*.password',
  '*.token',
  '*.secret',
  '*.code',
  '*.jwt',
  '*.sessionToken',
  '*.clientToken',
  '*.authorization',
  '*.cookie',
  '*["set-cookie"]',
  '*.headers.authorization',
  '*.headers.cookie',
];

/**
 * Credentials that could reach a message through an error text: session and template JWTs, client
 * tokens, secret keys, API keys, webhook secrets, and the password of a database URL.
 */
const SECRETS: [RegExp, string][] = [
  [/eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+/g, '[token]'],
  [/\b(gh_sk|whsec|ak|msk)_[A-Za-z0-9_-]{16,}/g, '[secret]'],
  [/\b(client_[a-z2-7]{26})\.[A-Za-z0-9_-]{43}/g, '$1.[secret]'],
  [/(\/\/[^:/\s@]+):[^@/\s]+@/g, '$1:[password]@'],
];

/** A message with anything that looks like a credential replaced. */
export function scrub(text: string): string {
  let out = text;
  for (const [pattern, replacement] of SECRETS) out = out.replace(pattern, replacement);
  return out;
}

/** GATEHOUSE_LOG_LEVEL, else LOG_LEVEL, else `info`. @throws TypeError for an unknown level */
export function logLevel(env: NodeJS.ProcessEnv = process.env): string {
  const raw = (env.GATEHOUSE_LOG_LEVEL || env.LOG_LEVEL || 'info').trim().toLowerCase();
  if (!LEVELS.includes(raw)) throw new TypeError(`GATEHOUSE_LOG_LEVEL must be one of ${LEVELS.join(', ')}`);
  return raw;
}

/** A pino logger of JSON lines (to stdout unless `destination` is given). */
export function createLogger(options: { level?: string; destination?: DestinationStream } = {}): Logger {
  const config = {
    level: options.level ?? logLevel(),
    base: { service: 'gatehouse' },
    redact: { paths: REDACT, censor: '[redacted]' },
    hooks: {
      // Every string argument is scrubbed: a driver error quoting a URL or a token never lands verbatim.
      logMethod(this: Logger, args: unknown[], method: (...a: unknown[]) => void) {
        method.apply(
          this,
          args.map((arg) => (typeof arg === 'string' ? scrub(arg) : arg)),
        );
      },
    },
  };
  return options.destination ? pino(config, options.destination) : pino(config);
}

const requestIds = new AsyncLocalStorage<string>();
/** What an incoming X-Request-Id may be: a proxy's id (UUID, hex, a trace id) but nothing that could forge a log line. */
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** The request's own X-Request-Id when it is well-formed, else a new UUID. */
export function requestIdOf(request: Request): string {
  const presented = request.headers.get('x-request-id');
  return presented !== null && REQUEST_ID.test(presented) ? presented : randomUUID();
}

/** Text lines (the instance's `log`) as structured info lines carrying the request id. */
export function lineLogger(logger: Logger): (line: string) => void {
  return (line) => {
    const requestId = requestIds.getStore();
    if (requestId) logger.info({ requestId }, line);
    else logger.info(line);
  };
}

/**
 * A handler that serves each request under its request id: every line the request causes carries
 * it, the response echoes it (`X-Request-Id`), and one `request` line records method, path (never
 * the query: it can carry codes and tokens), status and duration.
 */
export function withRequestLog(handle: (request: Request) => Promise<Response>, logger: Logger): (request: Request) => Promise<Response> {
  return (request) => {
    const requestId = requestIdOf(request);
    const started = performance.now();
    return requestIds.run(requestId, async () => {
      let response = await handle(request);
      try {
        response.headers.set('x-request-id', requestId);
      } catch {
        // Immutable headers (a Response.redirect): copy once.
        response = new Response(response.body, response);
        response.headers.set('x-request-id', requestId);
      }
      if (logger.isLevelEnabled('info')) {
        const path = new URL(request.url).pathname;
        const ms = Math.round((performance.now() - started) * 10) / 10;
        logger.info({ requestId, method: request.method, path, status: response.status, ms }, 'request');
      }
      return response;
    });
  };
}
