// Dashboard page: the audit log, filtered by actor, action, organization and time range, paged, exportable.

import { GatehouseError } from '@gatehouse/core';
import { html } from '../html.js';
import { link, when, type DashboardPage, type PageContext } from '../page.js';
import type { AuditQueryInput } from '../../audit/audit.js';

const PAGE_SIZE = 100;

/** A `datetime-local` value (no zone) is read as UTC, like every time the dashboard shows. */
function time(value: string): string | undefined {
  if (!value) return undefined;
  return /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/.test(value) ? `${value}Z` : value;
}

/** The query's filters; an actor may be given by email and an organization by slug. */
async function filters(page: PageContext): Promise<{ input: AuditQueryInput; form: Record<string, string> }> {
  const p = page.url.searchParams;
  const form = {
    actor: (p.get('actor') ?? '').trim(),
    action: (p.get('action') ?? '').trim(),
    org: (p.get('org') ?? '').trim(),
    since: (p.get('since') ?? '').trim(),
    until: (p.get('until') ?? '').trim(),
  };
  const input: AuditQueryInput = { limit: PAGE_SIZE };
  if (form.actor) {
    const user = form.actor.includes('@') ? await page.gatehouse.users.find(form.actor) : null;
    if (form.actor.includes('@') && !user) throw new GatehouseError('bad_request', 'No user has that email address.');
    input.actorId = user?.id ?? form.actor;
  }
  if (form.action) input.action = form.action;
  if (form.org) {
    const org = await page.gatehouse.store.findOrganization(form.org);
    input.organizationId = org?.id ?? form.org;
  }
  const since = time(form.since);
  const until = time(form.until);
  if (since) input.since = since;
  if (until) input.until = until;
  const cursor = p.get('cursor');
  if (cursor) input.cursor = cursor;
  return { input, form };
}

export const auditPage: DashboardPage = {
  path: 'audit',
  title: 'Audit log',
  async get(page) {
    if (page.rest.length) throw new GatehouseError('not_found', 'There is no such dashboard page.');
    const { input, form } = await filters(page);
    const format = page.url.searchParams.get('format');
    if (format === 'csv' || format === 'jsonl') {
      const { cursor: _cursor, limit: _limit, ...all } = input;
      const lines = page.gatehouse.audit.export(all, format);
      const first = await lines.next(); // an invalid filter fails here, before the download starts
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          if (!first.done) controller.enqueue(new TextEncoder().encode(first.value));
        },
        async pull(controller) {
          const next = await lines.next();
          if (next.done) controller.close();
          else controller.enqueue(new TextEncoder().encode(next.value));
        },
      });
      return {
        download: body,
        contentType: format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8',
        filename: `gatehouse-audit.${format}`,
      };
    }
    const result = await page.gatehouse.audit.query(input);
    const root = page.root;
    return {
      body: html`<form method="get" action="${root}/audit">
          <fieldset>
            <legend>Filters</legend>
            <label>Actor <input name="actor" value="${form.actor}" placeholder="user id or email" /></label>
            <label>Action <input name="action" value="${form.action}" placeholder="user.banned or session." /></label>
            <label>Organization <input name="org" value="${form.org}" placeholder="id or slug" /></label>
            <label>From <input type="datetime-local" name="since" value="${form.since}" /></label>
            <label>To <input type="datetime-local" name="until" value="${form.until}" /></label>
            <button type="submit">Filter</button> <a href="${root}/audit">Clear</a>
          </fieldset>
        </form>
        <p>
          Export: <a href="${link(root, '/audit', { ...form, format: 'csv' })}">CSV</a> ·
          <a href="${link(root, '/audit', { ...form, format: 'jsonl' })}">JSON Lines</a> <span class="muted">(times in UTC)</span>
        </p>
        <table>
          <thead>
            <tr>
              <th>Time (UTC)</th>
              <th>Action</th>
              <th>Actor</th>
              <th>Target</th>
              <th>Organization</th>
              <th>IP</th>
              <th>Data</th>
            </tr>
          </thead>
          <tbody>
            ${result.events.map(
              (e) =>
                html`<tr>
                  <td>${when(e.at)}</td>
                  <td>${e.action}</td>
                  <td>
                    ${e.actorId ? html`<a href="${root}/users/${e.actorId}">${e.actorId}</a>` : html`<span class="muted">system</span>`}
                  </td>
                  <td><code>${e.targetId ?? ''}</code></td>
                  <td>${e.organizationId ?? ''}</td>
                  <td>${e.ip ?? ''}</td>
                  <td><code>${JSON.stringify(e.data)}</code></td>
                </tr>`,
            )}
          </tbody>
        </table>
        ${result.events.length === 0 ? html`<p class="muted">No events match.</p>` : ''}
        ${result.nextCursor ? html`<a href="${link(root, '/audit', { ...form, cursor: result.nextCursor })}">Older events</a>` : ''}`,
    };
  },
};
