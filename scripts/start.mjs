#!/usr/bin/env node
// `npm start`: builds the packages and the example app, then serves it on http://localhost:$PORT
// (default 3000) with the embedded SQLite database, and the reports service (apps/reports-api) on
// REPORTS_PORT (default 4001), which the example's /reports page calls with a template token.

import { spawn, spawnSync } from 'node:child_process';
import { resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const port = process.env.PORT || '3000';
const reportsPort = process.env.REPORTS_PORT || '4001';

console.log('Building Gatehouse and the example app (this takes a minute the first time)...');
// Only the packages and the example: the Clerk fixture apps are built for the end-to-end tests.
const packages = spawnSync('npm', ['run', 'build:packages'], { cwd: root, stdio: 'inherit' });
const build =
  packages.status === 0 ? spawnSync(process.execPath, ['scripts/build-apps.mjs', 'example'], { cwd: root, stdio: 'inherit' }) : packages;
if (build.status !== 0) {
  console.error('The build failed; see the output above.');
  process.exit(build.status ?? 1);
}

// GATEHOUSE_DEMO=1: the example creates its demo users and organizations on the first start.
const env = { GATEHOUSE_DEMO: '1', REPORTS_API_URL: `http://127.0.0.1:${reportsPort}`, ...process.env, PORT: port };
// The demo may run without GATEHOUSE_SECRET: a development secret is generated and announced.
if (!env.GATEHOUSE_SECRET) env.GATEHOUSE_DEV_SECRET = '1';
// Without a mail server (GATEHOUSE_SMTP_URL), sign-up and reset codes go to the dev inbox, linked from the landing page.
if (!env.GATEHOUSE_SMTP_URL && !env.GATEHOUSE_DEV_INBOX) env.GATEHOUSE_DEV_INBOX = '1';
const app = resolve(root, 'apps/example');
const server = spawn(resolve(root, 'node_modules/.bin/next'), ['start', '-p', port], { cwd: app, env, stdio: 'inherit' });
// The reports service fetches the app's public keys when the first token arrives.
const reports = spawn(process.execPath, [resolve(root, 'apps/reports-api/dist/main.js')], {
  env: { GATEHOUSE_JWKS_URL: `http://127.0.0.1:${port}/.well-known/jwks.json`, ...process.env, REPORTS_PORT: reportsPort },
  stdio: 'inherit',
});
reports.on('exit', (code) => {
  if (code) console.error(`The reports service stopped (exit ${code}); the example's /reports page will say it is unreachable.`);
});
console.log(`\nGatehouse example: http://localhost:${port}  (Ctrl+C to stop)`);
for (const signal of ['SIGINT', 'SIGTERM'])
  process.on(signal, () => {
    reports.kill(signal);
    server.kill(signal);
  });
server.on('exit', (code) => {
  reports.kill('SIGTERM');
  process.exit(code ?? 0);
});
