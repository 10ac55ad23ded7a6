// `gatehouse serve`: the standalone service (auth HTTP API, JWKS, discovery, health) on a port until SIGTERM or SIGINT.

import { createServiceHandler, startServiceServer, type ServiceRoute } from '../standalone/serve.js';
import { UsageError, type Command } from './command.js';
import { metricsPort, startMetricsServer } from '../observability/metrics-endpoint.js';

/** Endpoints other parts add to the service (backend API, dashboard): append here. */
export const serviceRoutes: ServiceRoute[] = [];

function port(raw: string | boolean | undefined, env: NodeJS.ProcessEnv): number {
  const value = typeof raw === 'string' ? raw : (env.PORT ?? '4000');
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535)
    throw new UsageError(`serve: --port must be a port number (0-65535), not ${value.slice(0, 20)}`);
  return n;
}

export const serveCommands: Command[] = [
  {
    name: 'serve',
    summary: 'Run the auth HTTP API as a standalone service',
    usage: 'serve [--port <n>] [--host <address>]',
    details: [
      'Serves the auth API under /api/gatehouse, the JWKS at /.well-known/jwks.json, the discovery document',
      'at /.well-known/gatehouse.json (issuer, JWKS URL) and GET /health, with the same environment as an app.',
      'Apps point GATEHOUSE_SERVICE_URL at it; list their origins in GATEHOUSE_ALLOWED_ORIGINS.',
      'Port: --port, else PORT, else 4000. Host: --host, else GATEHOUSE_HOST, else 127.0.0.1 (0.0.0.0 for every interface).',
      'Logs: JSON lines on stdout (level GATEHOUSE_LOG_LEVEL or LOG_LEVEL, default info), one per request with its X-Request-Id.',
      'Metrics: GET /api/gatehouse/metrics with Authorization: Bearer <GATEHOUSE_SECRET_KEY>, or without a key on',
      'GATEHOUSE_METRICS_PORT (bound to GATEHOUSE_METRICS_HOST, default 127.0.0.1).',
      'SIGTERM or SIGINT: stops accepting, finishes the requests in flight (up to 10 s), closes the database and Redis.',
    ],
    options: { port: { type: 'string' }, host: { type: 'string' } },
    async run(values, _positionals, io) {
      const listenPort = port(values.port, io.env);
      const host = typeof values.host === 'string' ? values.host : (io.env.GATEHOUSE_HOST ?? '127.0.0.1');
      const metricsOn = metricsPort(io.env);
      const gatehouse = await io.open({ mints: true, jsonLogs: true });
      const server = await startServiceServer(createServiceHandler(gatehouse, serviceRoutes), {
        port: listenPort,
        host,
        log: gatehouse.log,
      });
      io.err(`gatehouse: serving on ${server.url} (issuer ${gatehouse.settings.issuer})`);
      const metrics =
        metricsOn === undefined
          ? null
          : await startMetricsServer(gatehouse.metrics, { port: metricsOn, host: io.env.GATEHOUSE_METRICS_HOST ?? '127.0.0.1' });
      if (metrics) io.err(`gatehouse: metrics on ${metrics.url}/metrics`);
      await new Promise<void>((resolve) => {
        const stop = () => {
          process.off('SIGTERM', stop);
          process.off('SIGINT', stop);
          resolve();
        };
        process.on('SIGTERM', stop);
        process.on('SIGINT', stop);
      });
      io.err('gatehouse: shutting down');
      await server.close();
      await metrics?.close();
    },
  },
];
