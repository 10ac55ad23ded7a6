// Session length is settable from the environment on the example app (README, Configuration):
// GATEHOUSE_MAX_SESSION_LIFETIME sets how long the browser keeps the client cookie, and
// GATEHOUSE_INACTIVITY_TIMEOUT ends a session nobody refreshed for that long: the next page visit
// goes to sign-in and the API answers 401. Production build on the test clock (no waiting).

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startAppServer, type AppServer } from '../../test-support/app-server.js';
import { demoSession } from '../../test-support/demo-session.js';

describe('session lifetime and inactivity timeout from the environment', () => {
  let app: AppServer;
  before(async () => {
    app = await startAppServer({
      sessionTokenTtlSeconds: 1,
      testClock: true,
      env: { GATEHOUSE_DEMO: '1', GATEHOUSE_MAX_SESSION_LIFETIME: '3600', GATEHOUSE_INACTIVITY_TIMEOUT: '2' },
    });
  });
  after(() => app?.stop());

  test('the client cookie lives GATEHOUSE_MAX_SESSION_LIFETIME; an idle session is over after GATEHOUSE_INACTIVITY_TIMEOUT', async () => {
    const { cookie, setCookies } = await demoSession(app.baseUrl, 'bob@example.com');
    assert.match(
      setCookies.find((c) => c.startsWith('__client='))!,
      /Max-Age=3600(;|$)/i,
    );
    assert.equal((await fetch(`${app.baseUrl}/api/me`, { headers: { cookie } })).status, 200);

    // Past the 2 s inactivity timeout and past the 1 s session token's 5 s clock-skew allowance, so
    // the next request must refresh, and the refresh finds the session abandoned.
    app.advanceClock(7_500);

    const page = await fetch(`${app.baseUrl}/dashboard`, {
      redirect: 'manual',
      headers: { cookie, accept: 'text/html', 'sec-fetch-dest': 'document' },
    });
    assert.equal(page.status, 307);
    assert.equal(new URL(page.headers.get('location')!, app.baseUrl).pathname, '/sign-in');
    assert.equal((await fetch(`${app.baseUrl}/api/me`, { headers: { cookie } })).status, 401);
  });
});
