#!/usr/bin/env node
// Builds every Next.js app of the repository: each root script named `build:app:<name>`, two at a
// time (a Next build leaves a core idle for much of its run). Each build's output is printed as one
// block when it ends, so the log stays readable; the first failure fails the whole build.
//
//   node scripts/build-apps.mjs              every app
//   node scripts/build-apps.mjs example ...  only these (names after `build:app:`)

import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const PREFIX = 'build:app:';
const { scripts } = JSON.parse(readFileSync(resolve(root, 'package.json'), 'utf8'));
const all = Object.keys(scripts)
  .filter((name) => name.startsWith(PREFIX))
  .map((name) => name.slice(PREFIX.length));
const wanted = process.argv.slice(2);
const unknown = wanted.filter((name) => !all.includes(name));
if (unknown.length) {
  console.error(`No ${PREFIX}<name> script for: ${unknown.join(', ')} (known: ${all.join(', ')})`);
  process.exit(1);
}
const queue = wanted.length ? [...wanted] : [...all];
const concurrency = Math.max(1, Number(process.env.GATEHOUSE_BUILD_CONCURRENCY ?? 2));

/** Runs `npm run build:app:<name>`; resolves with its exit code and everything it printed. */
function build(name) {
  return new Promise((done) => {
    const started = Date.now();
    const child = spawn('npm', ['run', `${PREFIX}${name}`], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('close', (code) => done({ name, code: code ?? 1, output, seconds: Math.round((Date.now() - started) / 1000) }));
  });
}

let failed = null;
async function worker() {
  while (queue.length && !failed) {
    const result = await build(queue.shift());
    console.log(`\n== ${result.name}: ${result.code === 0 ? 'built' : 'FAILED'} in ${result.seconds} s\n${result.output}`);
    if (result.code !== 0) failed ??= result.name;
  }
}
await Promise.all(Array.from({ length: concurrency }, worker));
if (failed) {
  console.error(`\n✖ The build of ${failed} failed (its output is above).`);
  process.exit(1);
}
