// `npm start -w apps/reports-api`: the reports service on REPORTS_PORT (default 4001).
import { createReportsServer } from './service.js';

const port = Number(process.env.REPORTS_PORT || 4001);
const host = process.env.REPORTS_HOST || '127.0.0.1';
const jwksUrl = process.env.GATEHOUSE_JWKS_URL || 'http://127.0.0.1:3000/.well-known/jwks.json';
const issuer = process.env.GATEHOUSE_ISSUER || undefined;
const audience = process.env.REPORTS_AUDIENCE || 'reports-api';
// This service's machine id (gatehouse machines create reports-api): callers' M2M tokens must name it.
const machineId = process.env.REPORTS_MACHINE_ID || undefined;
const allowedOrigins = (process.env.REPORTS_CORS_ORIGINS ?? '')
  .split(',')
  .map((o) => o.trim())
  .filter(Boolean);

if (!issuer)
  console.warn(
    "reports-api: GATEHOUSE_ISSUER is not set, so any issuer whose key is in the JWKS passes. Set it to the app's `iss` (shown on its /claims page).",
  );

const server = createReportsServer({
  jwksUrl,
  audience,
  allowedOrigins,
  ...(issuer ? { issuer } : {}),
  ...(machineId ? { machineId } : {}),
});
server.listen(port, host, () => console.log(`reports-api: http://${host}:${port}/reports (keys from ${jwksUrl}, audience ${audience})`));
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => server.close(() => process.exit(0)));
