// A test hook, off unless GATEHOUSE_TEST_CLOCK_FILE is set: the instance's clock runs ahead of the
// machine's by the whole number of milliseconds written in that file, read again on every reading
// of the clock. An end-to-end test writes a larger number instead of sleeping past a token's
// lifetime, a code's expiry or the clock skew; the service and the verifier of the proxy and auth()
// read the same clock. Only the environment of the process turns it on, never a request. A
// production build (NODE_ENV=production) refuses it unless GATEHOUSE_TEST_CLOCK_IN_PRODUCTION=1
// says that this production build runs under test.

import { readFileSync } from 'node:fs';

const clocks = new WeakSet<() => number>();

function offsetIn(file: string): number {
  const text = readFileSync(file, 'utf8').trim();
  const offset = text === '' ? 0 : Number(text);
  if (!Number.isSafeInteger(offset)) throw new TypeError('GATEHOUSE_TEST_CLOCK_FILE must hold a whole number of milliseconds');
  return offset;
}

/**
 * The test clock the environment asks for, or undefined when GATEHOUSE_TEST_CLOCK_FILE is unset.
 * @throws TypeError in production without GATEHOUSE_TEST_CLOCK_IN_PRODUCTION=1, or when the file is unreadable or holds no whole number
 */
export function testClockFromEnv(env: NodeJS.ProcessEnv): (() => number) | undefined {
  const file = env.GATEHOUSE_TEST_CLOCK_FILE;
  if (!file) return undefined;
  if (env.NODE_ENV === 'production' && env.GATEHOUSE_TEST_CLOCK_IN_PRODUCTION !== '1') {
    throw new TypeError(
      'GATEHOUSE_TEST_CLOCK_FILE is a test hook and is refused in production; a production build under test sets GATEHOUSE_TEST_CLOCK_IN_PRODUCTION=1 too',
    );
  }
  offsetIn(file); // an unreadable file stops the start, not a later request
  const now = () => Date.now() + offsetIn(file);
  clocks.add(now);
  return now;
}

/** Whether `now` is a clock made by {@link testClockFromEnv} (the instance says so loudly at start). */
export function isTestClock(now: (() => number) | undefined): boolean {
  return now !== undefined && clocks.has(now);
}
