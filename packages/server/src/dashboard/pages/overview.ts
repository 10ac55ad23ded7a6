// Dashboard page: the instance at a glance: users, live sessions, organizations, and sign-ins, failures and new users per day.

import { GatehouseError } from '@gatehouse/core';
import { html } from '../html.js';
import { barChart } from '../chart.js';
import type { DashboardPage } from '../page.js';

const DAY_MS = 86_400_000;
/** Days the charts cover, today included. */
const DAYS = 14;

export const overviewPage: DashboardPage = {
  path: 'overview',
  title: 'Overview',
  async get(page) {
    if (page.rest.length) throw new GatehouseError('not_found', 'There is no such dashboard page.');
    const { store } = page.gatehouse;
    const now = page.gatehouse.now();
    const today = Math.floor(now / DAY_MS);
    const first = today - DAYS + 1;
    const [users, sessions, organizations, events] = await Promise.all([
      store.countUsers(),
      store.countLiveSessions(now),
      store.countOrganizations(),
      store.countAuditEventsByDay(['session.created', 'sign_in.failed', 'user.created'], first * DAY_MS),
    ]);
    const perDay = (action: string) => {
      const values = new Array<number>(DAYS).fill(0);
      for (const e of events) if (e.action === action && e.day >= first && e.day <= today) values[e.day - first] = e.count;
      return values;
    };
    const days = Array.from({ length: DAYS }, (_, i) => new Date((first + i) * DAY_MS).toISOString().slice(5, 10));
    const signIns = perDay('session.created');
    const failures = perDay('sign_in.failed');
    const sum = (v: number[]) => v.reduce((a, b) => a + b, 0);
    return {
      body: html`<dl class="cards">
          <div class="card">
            <dt>Users</dt>
            <dd>${users}</dd>
          </div>
          <div class="card">
            <dt>Active sessions</dt>
            <dd>${sessions}</dd>
          </div>
          <div class="card">
            <dt>Organizations</dt>
            <dd>${organizations}</dd>
          </div>
          <div class="card">
            <dt>Sign-ins, last ${DAYS} days</dt>
            <dd>${sum(signIns)}</dd>
          </div>
          <div class="card">
            <dt>Failed sign-ins, last ${DAYS} days</dt>
            <dd>${sum(failures)}</dd>
          </div>
        </dl>
        <div class="charts">
          ${barChart('sign-ins', 'Sign-ins per day', days, [
            { label: 'Sign-ins', values: signIns },
            { label: 'Failures', values: failures },
          ])}
          ${barChart('new-users', 'New users per day', days, [{ label: 'New users', values: perDay('user.created') }])}
        </div>
        <p class="muted">
          Days in UTC. Sign-ins count new sessions (password, provider, passkey); failures count refused passwords and codes.
        </p>`,
    };
  },
};
