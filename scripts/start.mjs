#!/usr/bin/env node
// `npm start`: builds the packages and the example app, then serves it on http://localhost:$PORT
// (default 3000) with the embedded SQLite database.

import { spawn, spawnSync } from 'node:child_process';
import { resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const port = process.env.PORT || '3000';

console.log('Building Gatehouse and the example app (this takes a minute the first time)...');
const build = spawnSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
if (build.status !== 0) {
  console.error('The build failed; see the output above.');
  process.exit(build.status ?? 1);
}

// GATEHOUSE_DEMO=1: the example creates its demo users and organizations on the first start.
const env = { GATEHOUSE_DEMO: '1', ...process.env, PORT: port };
// The demo may run without GATEHOUSE_SECRET: a development secret is generated and announced.
if (!env.GATEHOUSE_SECRET) env.GATEHOUSE_DEV_SECRET = '1';
const app = resolve(root, 'apps/example');
const server = spawn(resolve(root, 'node_modules/.bin/next'), ['start', '-p', port], { cwd: app, env, stdio: 'inherit' });
console.log(`\nGatehouse example: http://localhost:${port}  (Ctrl+C to stop)`);
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.kill(signal));
server.on('exit', (code) => process.exit(code ?? 0));
