// Serving the metrics: `GET {basePath}/metrics` behind the secret key, or a plain listener on a port of its own.

import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { errorResponse } from '@gatehouse/core';
import { bearer } from '../http/backend-routes.js';
import type { SecretKeyCheck } from '../backend/secret-keys.js';
import type { Metrics } from './metrics.js';

const KEY_NEEDED = 'Metrics need a valid secret key (Authorization: Bearer gh_sk_…).';

async function exposition(metrics: Metrics): Promise<Response> {
  const { contentType, body } = await metrics.render();
  return new Response(body, { status: 200, headers: { 'content-type': contentType, 'cache-control': 'no-store' } });
}

/**
 * The auth API's metrics route: the same secret keys as the backend API, compared in constant time;
 * a missing key, a wrong one and an instance without keys get the same 401.
 */
export async function metricsRoute(request: Request, metrics: Metrics, secretKeys: SecretKeyCheck): Promise<Response> {
  const key = bearer(request);
  if (!key || !secretKeys.matches(key)) return errorResponse('unauthenticated', KEY_NEEDED);
  return exposition(metrics);
}

export interface MetricsServer {
  url: string;
  close(): Promise<void>;
}

/**
 * The metrics on their own port (GATEHOUSE_METRICS_PORT), without a key: bind it where only the
 * scraper reaches (default 127.0.0.1). Only `GET /metrics`; everything else is a 404.
 */
export async function startMetricsServer(metrics: Metrics, options: { port: number; host?: string }): Promise<MetricsServer> {
  const server = createServer((req, res) => {
    if ((req.method !== 'GET' && req.method !== 'HEAD') || (req.url ?? '').split('?')[0] !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('Not found\n');
      return;
    }
    metrics.render().then(
      ({ contentType, body }) => res.writeHead(200, { 'content-type': contentType }).end(req.method === 'HEAD' ? undefined : body),
      () => res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' }).end('Metrics are unavailable\n'),
    );
  });
  server.requestTimeout = 10_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '127.0.0.1', () => resolve());
  });
  server.unref();
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${host}:${address.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** GATEHOUSE_METRICS_PORT as a port number; undefined when unset. @throws TypeError when it is not one */
export function metricsPort(env: NodeJS.ProcessEnv): number | undefined {
  const raw = env.GATEHOUSE_METRICS_PORT;
  if (raw === undefined || raw === '') return undefined;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new TypeError('GATEHOUSE_METRICS_PORT must be a port number (0-65535)');
  return port;
}

/**
 * An app process's GATEHOUSE_METRICS_PORT listener (embedded instance or standalone-service mode),
 * if one is configured. A port that cannot be bound is logged, not fatal: the app keeps serving.
 */
export async function listenForMetrics(metrics: Metrics, env: NodeJS.ProcessEnv, log: (line: string) => void): Promise<void> {
  const port = metricsPort(env);
  if (port === undefined) return;
  await startMetricsServer(metrics, { port, host: env.GATEHOUSE_METRICS_HOST ?? '127.0.0.1' }).then(
    (server) => log(`Gatehouse: metrics on ${server.url}/metrics`),
    (error: unknown) => log(`Gatehouse: no metrics listener on port ${port} (${error instanceof Error ? error.message : 'unknown error'})`),
  );
}
