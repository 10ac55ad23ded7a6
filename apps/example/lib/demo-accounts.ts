// The demo accounts the example creates with GATEHOUSE_DEMO=1 (shown on the landing page). Alice is
// also an instance admin, so the Gatehouse dashboard can be tried without the CLI.

/** Where the mounted handler serves the instance admins' dashboard. */
export const DASHBOARD_PATH = '/api/gatehouse/dashboard';

export const DEMO_PASSWORD = 'gatehouse-demo';

export const DEMO_USERS = [
  { email: 'alice@example.com', firstName: 'Alice', memberships: [['acme', 'org:admin']], instanceAdmin: true },
  { email: 'bob@example.com', firstName: 'Bob', memberships: [['acme', 'org:member']] },
  {
    email: 'carol@example.com',
    firstName: 'Carol',
    memberships: [
      ['acme', 'org:viewer'],
      ['globex', 'org:admin'],
    ],
  },
] as const;
