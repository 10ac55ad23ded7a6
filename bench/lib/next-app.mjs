// What the cases that run the example app's production server share: its environment and the cookies of an answer.

import { join } from 'node:path';

/** The environment of `next start` for a benchmark: production, no telemetry, the network trap preloaded. */
export function nextStartEnv(extra) {
  return {
    ...process.env,
    NODE_ENV: 'production',
    NEXT_TELEMETRY_DISABLED: '1',
    GATEHOUSE_DEV_SECRET: '1',
    // The benchmarks sign up users and send no mail: no mailer is needed.
    GATEHOUSE_EMAIL_VERIFICATION: 'off',
    NODE_OPTIONS: `--import=${join(import.meta.dirname, 'net-trap.mjs')}`,
    ...extra,
  };
}

/** The cookies a response sets, name → value. */
export function cookiesFrom(response) {
  const jar = {};
  for (const c of response.headers.getSetCookie()) {
    const [pair] = c.split(';');
    const eq = pair.indexOf('=');
    jar[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return jar;
}
