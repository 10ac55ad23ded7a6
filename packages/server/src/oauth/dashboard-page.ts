// The dashboard's "Sign-in connections" page: every connection (never its secret), adding or removing stored ones, and SSO domains with their verification.

import { GatehouseError } from '@gatehouse/core';
import type { DashboardPage, PageContext } from '../dashboard/page.js';
import { field } from '../dashboard/page.js';
import { html } from '../dashboard/html.js';
import { actionForm } from '../dashboard/forms.js';
import { toPublicConnection } from './connections.js';

async function overview(page: PageContext) {
  const { gatehouse, root } = page;
  const connections = (await gatehouse.oauth.connections.list()).map(toPublicConnection);
  const domains = await gatehouse.oauth.domains.list();
  const action = `${root}/connections`;
  return {
    body: html`<table>
        <thead>
          <tr>
            <th>Connection</th>
            <th>Strategy</th>
            <th>Issuer / provider</th>
            <th>Client id</th>
            <th>Organization</th>
            <th>Source</th>
            <th></th>
          </tr>
        </thead>
        <tbody>
          ${connections.map(
            (c) =>
              html`<tr>
                <td>${c.name} <code>${c.id}</code></td>
                <td><code>${c.strategy}</code></td>
                <td>${c.issuer ?? c.provider}</td>
                <td><code>${c.clientId}</code>${c.hasClientSecret ? ' (secret set)' : ''}</td>
                <td>
                  ${c.organizationId ? html`<a href="${root}/organizations/${c.organizationId}">${c.organizationId}</a> · ${c.defaultRole ?? 'default role'}` : '—'}
                </td>
                <td>${c.source}</td>
                <td>${c.source === 'stored' ? actionForm(action, 'delete', 'Delete', { fields: { id: c.id }, danger: true }) : ''}</td>
              </tr>`,
          )}
        </tbody>
      </table>
      ${connections.length === 0 ? html`<p class="muted">No connections: set GATEHOUSE_OAUTH_&lt;ID&gt;_* or add one below.</p>` : ''}
      <h2>Add an OpenID connection</h2>
      <form method="post" action="${action}">
        <input type="hidden" name="action" value="save" />
        <label>Id <input name="id" required pattern="[a-z][a-z0-9_]{0,39}" /></label>
        <label>Button name <input name="name" /></label>
        <label>Issuer <input name="issuer" type="url" required /></label>
        <label>Client id <input name="clientId" required /></label>
        <label>Client secret <input name="clientSecret" type="password" autocomplete="off" /></label>
        <label>Organization (enterprise SSO, optional) <input name="organizationId" /></label>
        <label>Default role <input name="defaultRole" placeholder="org:member" /></label>
        <button type="submit">Save connection</button>
      </form>
      <h2>SSO domains</h2>
      <table>
        <thead>
          <tr>
            <th>Domain</th>
            <th>Connection</th>
            <th>Status</th>
            <th>TXT record</th>
            <th></th>
          </tr>
        </thead>
        <tbody>
          ${domains.map(
            (d) =>
              html`<tr>
                <td>${d.domain}</td>
                <td><code>${d.connectionId}</code></td>
                <td>${d.verified ? 'verified' : 'unverified'}</td>
                <td><code>${d.txtRecord.name}</code> = <code>${d.txtRecord.value}</code></td>
                <td>
                  ${d.verified ? '' : actionForm(action, 'verify-dns', 'Check DNS', { fields: { domain: d.domain } })}
                  ${d.verified ? '' : actionForm(action, 'verify-admin', 'Mark verified', { fields: { domain: d.domain } })}
                  ${actionForm(action, 'delete-domain', 'Remove', { fields: { domain: d.domain }, danger: true })}
                </td>
              </tr>`,
          )}
        </tbody>
      </table>
      <form method="post" action="${action}">
        <input type="hidden" name="action" value="add-domain" />
        <label>Domain <input name="domain" required /></label>
        <label>Connection id <input name="connection" required /></label>
        <button type="submit">Add domain</button>
      </form>`,
  };
}

export const connectionsPage: DashboardPage = {
  path: 'connections',
  title: 'Sign-in connections',
  async get(page) {
    if (page.rest.length > 0) throw new GatehouseError('not_found', 'There is no such dashboard page.');
    return overview(page);
  },
  async post(page, form) {
    const { gatehouse, ctx } = page;
    const oauth = gatehouse.oauth;
    switch (field(form, 'action')) {
      case 'save': {
        const optional = (name: string) => field(form, name) || undefined;
        let organizationId: string | null = null;
        const orgRef = optional('organizationId');
        if (orgRef) {
          const org = await gatehouse.store.findOrganization(orgRef);
          if (!org) throw new GatehouseError('not_found', 'No such organization.');
          organizationId = org.id;
        }
        const config = {
          id: field(form, 'id'),
          name: optional('name'),
          issuer: optional('issuer'),
          clientId: field(form, 'clientId'),
          clientSecret: optional('clientSecret'),
        };
        const saved = await oauth.connections.save(
          Object.fromEntries(Object.entries(config).filter(([, v]) => v !== undefined)),
          { organizationId, defaultRole: optional('defaultRole') ?? null },
          ctx,
        );
        return { redirect: '/connections', notice: `Saved ${saved.name}.` };
      }
      case 'delete':
        await oauth.connections.remove(field(form, 'id'), ctx);
        return { redirect: '/connections', notice: 'Deleted the connection.' };
      case 'add-domain': {
        const added = await oauth.domains.add(field(form, 'connection'), field(form, 'domain'), ctx);
        return { redirect: '/connections', notice: `Added ${added.domain}: publish its TXT record, then check DNS.` };
      }
      case 'verify-dns':
        await oauth.domains.verifyByDns(field(form, 'domain'), ctx);
        return { redirect: '/connections', notice: 'The domain is verified.' };
      case 'verify-admin':
        await oauth.domains.verifyByAdmin(field(form, 'domain'), ctx);
        return { redirect: '/connections', notice: 'The domain is verified.' };
      case 'delete-domain':
        await oauth.domains.remove(field(form, 'domain'), ctx);
        return { redirect: '/connections', notice: 'Removed the domain.' };
      default:
        throw new GatehouseError('bad_request', 'Unknown action.');
    }
  },
};
