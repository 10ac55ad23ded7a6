// Dashboard page: the mail outbox's recent sends and failures (never the bodies, which hold codes), with "Send again" for a failed mail.

import { GatehouseError } from '@gatehouse/core';
import { actionForm } from '../dashboard/forms.js';
import { html } from '../dashboard/html.js';
import { field, link, when, type DashboardPage } from '../dashboard/page.js';
import type { MailStatus } from './mail-store.js';

const STATUSES: readonly MailStatus[] = ['pending', 'sent', 'failed'];

export const mailPage: DashboardPage = {
  path: 'mail',
  title: 'Mail',
  async get(page) {
    if (page.rest.length) throw new GatehouseError('not_found', 'There is no such dashboard page.');
    const wanted = page.url.searchParams.get('status');
    const status = STATUSES.find((s) => s === wanted);
    const mails = await page.gatehouse.mail.list({ ...(status ? { status } : {}), limit: 100 });
    return {
      body: html`<p>
          Verification and reset codes, sign-up notices and invitations go out through this outbox: a mail the server could not take waits
          here and is retried with backoff; after the last attempt it is failed until you send it again.
        </p>
        <p>
          Show: <a href="${link(page.root, '/mail')}">all</a>
          ${STATUSES.map((s) => html` · <a href="${link(page.root, '/mail', { status: s })}">${s}</a>`)}
        </p>
        ${
          mails.length === 0
            ? html`<p>No mail${status ? html` ${status}` : ''} yet.</p>`
            : html`<table aria-label="Mail">
                <thead>
                  <tr>
                    <th>Mail</th>
                    <th>Kind</th>
                    <th>To</th>
                    <th>Status</th>
                    <th>Attempts</th>
                    <th>Last error</th>
                    <th>Queued</th>
                    <th>Sent</th>
                    <th></th>
                  </tr>
                </thead>
                <tbody>
                  ${mails.map(
                    (m) =>
                      html`<tr>
                        <td><code>${m.id}</code></td>
                        <td>${m.kind}</td>
                        <td>${m.to}</td>
                        <td>${m.status}</td>
                        <td>${m.attempts}</td>
                        <td>${m.lastError ?? '—'}</td>
                        <td>${when(m.createdAt)}</td>
                        <td>${m.sentAt === null ? '—' : when(m.sentAt)}</td>
                        <td>
                          ${m.status === 'failed' ? actionForm(`${page.root}/mail`, 'retry', 'Send again', { fields: { mail: m.id } }) : ''}
                        </td>
                      </tr>`,
                  )}
                </tbody>
              </table>`
        }`,
    };
  },
  async post(page, form) {
    if (field(form, 'action') !== 'retry') throw new GatehouseError('bad_request', 'Unknown action.');
    if (!(await page.gatehouse.mail.retry(field(form, 'mail')))) throw new GatehouseError('not_found', 'No such failed mail.');
    return { redirect: '/mail?status=pending', notice: 'The mail will be sent again.' };
  },
};
