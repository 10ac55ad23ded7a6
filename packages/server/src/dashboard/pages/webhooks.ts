// Dashboard page: webhook endpoints (add, enable or disable, rotate the secret, delete), the delivery log with each attempt, and resend.

import { GatehouseError } from '@gatehouse/core';
import { actionForm } from '../forms.js';
import { html, type SafeHtml } from '../html.js';
import { field, link, when, type DashboardPage, type PageContext, type PageResult } from '../page.js';
import type { WebhookDelivery } from '../../webhooks/service.js';
import type { WebhookDeliveryStatus } from '../../webhooks/webhook-store.js';

const STATUSES: readonly WebhookDeliveryStatus[] = ['pending', 'succeeded', 'failed'];

/** The secret, shown on the answer to the form post itself: never in a URL, a cookie or a later page. */
function secretShown(page: PageContext, endpointId: string, secret: string, what: string): PageResult {
  return {
    title: 'Webhook signing secret',
    body: html`<p class="notice" role="status">${what}</p>
      <p>
        The signing secret of <code>${endpointId}</code>, shown this once: store it in the receiving app as
        <code>GATEHOUSE_WEBHOOK_SIGNING_SECRET</code>.
      </p>
      <pre data-testid="webhook-secret">${secret}</pre>
      <p><a href="${page.root}/webhooks">Back to the webhook endpoints</a></p>`,
  };
}

function deliveryRows(page: PageContext, deliveries: readonly WebhookDelivery[]): SafeHtml {
  return html`<table aria-label="Deliveries">
    <thead>
      <tr>
        <th>Delivery</th>
        <th>Event</th>
        <th>Status</th>
        <th>Attempts</th>
        <th>Last result</th>
        <th>Created</th>
        <th></th>
      </tr>
    </thead>
    <tbody>
      ${deliveries.map(
        (d) =>
          html`<tr>
            <td>
              <a href="${page.root}/webhooks/deliveries/${d.id}"><code>${d.id}</code></a>
            </td>
            <td><code>${d.eventType}</code><br /><span class="muted">${d.eventId}</span></td>
            <td>${d.status === 'failed' ? 'failed (dead letter)' : d.status}</td>
            <td>${d.attempts}</td>
            <td>${d.lastError ?? (d.lastStatusCode === null ? '—' : `HTTP ${d.lastStatusCode}`)}</td>
            <td>${when(d.createdAt)}</td>
            <td>${actionForm(`${page.root}/webhooks`, 'resend', 'Resend', { fields: { delivery: d.id } })}</td>
          </tr>`,
      )}
    </tbody>
  </table>`;
}

async function deliveryPage(page: PageContext, id: string): Promise<PageResult> {
  const delivery = await page.gatehouse.webhooks.getDelivery(id);
  return {
    title: `Delivery ${delivery.id}`,
    body: html`<p><a href="${link(page.root, '/webhooks', { endpoint: delivery.endpointId })}">The endpoint's deliveries</a></p>
      ${deliveryRows(page, [delivery])}
      <h2>Attempts</h2>
      <table aria-label="Attempts">
        <thead>
          <tr>
            <th>#</th>
            <th>At</th>
            <th>Status code</th>
            <th>Duration</th>
            <th>Error</th>
          </tr>
        </thead>
        <tbody>
          ${delivery.attemptLog.map(
            (a) =>
              html`<tr>
                <td>${a.attempt}</td>
                <td>${when(a.at)}</td>
                <td>${a.statusCode ?? '—'}</td>
                <td>${a.durationMs} ms</td>
                <td>${a.error ?? ''}</td>
              </tr>`,
          )}
        </tbody>
      </table>`,
  };
}

export const webhooksPage: DashboardPage = {
  path: 'webhooks',
  title: 'Webhooks',
  async get(page) {
    const { webhooks } = page.gatehouse;
    if (page.rest.length === 2 && page.rest[0] === 'deliveries') return deliveryPage(page, page.rest[1] ?? '');
    if (page.rest.length > 0) throw new GatehouseError('not_found', 'There is no such dashboard page.');
    const endpoints = await webhooks.listEndpoints();
    const endpointFilter = page.url.searchParams.get('endpoint') || undefined;
    const statusFilter = STATUSES.find((s) => s === page.url.searchParams.get('status'));
    if (endpointFilter !== undefined && !endpoints.some((e) => e.id === endpointFilter))
      throw new GatehouseError('not_found', 'No such webhook endpoint.');
    const deliveries = await webhooks.listDeliveries({
      limit: 100,
      ...(endpointFilter ? { endpointId: endpointFilter } : {}),
      ...(statusFilter ? { status: statusFilter } : {}),
    });
    return {
      body: html`<table aria-label="Endpoints">
          <thead>
            <tr>
              <th>Endpoint</th>
              <th>URL</th>
              <th>Events</th>
              <th>Enabled</th>
              <th></th>
            </tr>
          </thead>
          <tbody>
            ${endpoints.map(
              (e) =>
                html`<tr>
                  <td>
                    <a href="${link(page.root, '/webhooks', { endpoint: e.id })}"><code>${e.id}</code></a
                    ><br /><span class="muted">${e.description ?? ''}</span>
                  </td>
                  <td>${e.url}</td>
                  <td>${e.eventTypes.length === 0 ? 'all' : e.eventTypes.map((t) => html`<code>${t}</code><br />`)}</td>
                  <td>${e.enabled ? 'yes' : 'no'}</td>
                  <td>
                    <form class="inline" method="post" action="${page.root}/webhooks">
                      <input type="hidden" name="endpoint" value="${e.id}" />
                      <button type="submit" name="action" value="${e.enabled ? 'disable' : 'enable'}">
                        ${e.enabled ? 'Disable' : 'Enable'}
                      </button>
                      <button type="submit" name="action" value="rotate">Rotate secret</button>
                      <button type="submit" name="action" value="delete" class="danger">Delete</button>
                    </form>
                  </td>
                </tr>`,
            )}
          </tbody>
        </table>
        <form method="post" action="${page.root}/webhooks">
          <fieldset>
            <legend>Add an endpoint</legend>
            <input type="hidden" name="action" value="create" />
            <p>
              <label>URL <input name="url" type="url" size="60" required placeholder="https://example.com/api/webhooks" /></label>
            </p>
            <p>
              <label
                >Events (comma-separated; empty: every event)
                <input name="events" size="60" placeholder="user.created, organizationMembership.created"
              /></label>
            </p>
            <p>
              <label>Description <input name="description" size="60" /></label>
            </p>
            <p class="muted">Event types: ${webhooks.eventTypes.join(', ')}</p>
            <button type="submit">Add endpoint</button>
          </fieldset>
        </form>
        <h2>Deliveries${endpointFilter ? html` to <code>${endpointFilter}</code>` : ''}</h2>
        <form method="get" action="${page.root}/webhooks">
          ${endpointFilter ? html`<input type="hidden" name="endpoint" value="${endpointFilter}" />` : ''}
          <label
            >Status
            <select name="status">
              <option value="">any</option>
              ${STATUSES.map((s) => html`<option value="${s}" ${s === statusFilter ? html`selected` : ''}>${s}</option>`)}
            </select></label
          >
          <button type="submit">Filter</button>
        </form>
        ${deliveryRows(page, deliveries)}`,
    };
  },
  async post(page, form) {
    const { webhooks } = page.gatehouse;
    const endpoint = field(form, 'endpoint');
    const actor = { actorId: page.adminId, ctx: page.ctx };
    switch (field(form, 'action')) {
      case 'create': {
        const events = field(form, 'events')
          .split(/[\s,]+/)
          .filter(Boolean);
        const description = field(form, 'description');
        const created = await webhooks.createEndpoint(
          { url: field(form, 'url'), eventTypes: events, description: description || null },
          actor,
        );
        return secretShown(page, created.endpoint.id, created.secret, `Added webhook endpoint ${created.endpoint.url}.`);
      }
      case 'rotate': {
        const { secret } = await webhooks.rotateSecret(endpoint, {}, actor);
        return secretShown(page, endpoint, secret, 'Rotated the signing secret; the old one also signs deliveries for 24 hours.');
      }
      case 'enable':
      case 'disable': {
        const enabled = field(form, 'action') === 'enable';
        await webhooks.updateEndpoint(endpoint, { enabled }, actor);
        return { redirect: '/webhooks', notice: `${enabled ? 'Enabled' : 'Disabled'} ${endpoint}.` };
      }
      case 'delete':
        await webhooks.deleteEndpoint(endpoint, actor);
        return { redirect: '/webhooks', notice: `Deleted ${endpoint} and its deliveries.` };
      case 'resend': {
        const delivery = await webhooks.resend(field(form, 'delivery'), actor);
        return { redirect: `/webhooks/deliveries/${delivery.id}`, notice: `Delivery ${delivery.id} is queued again.` };
      }
      default:
        throw new GatehouseError('bad_request', 'Unknown action.');
    }
  },
};
