// Dashboard page: roles and permissions (every role with its source; create, edit and delete the runtime roles).

import { GatehouseError } from '@gatehouse/core';
import { actionForm } from '../forms.js';
import { html } from '../html.js';
import { field, when, type DashboardPage, type PageContext } from '../page.js';
import { SYSTEM_PERMISSIONS } from '../../roles/roles.js';

/** Permissions from the form: one per line or comma-separated. */
function permissionList(text: string): string[] {
  return text
    .split(/[\s,]+/)
    .map((p) => p.trim())
    .filter(Boolean);
}

function editor(
  page: PageContext,
  role: { key: string; name: string; description?: string | undefined; permissions: readonly string[] } | null,
) {
  return html`<form method="post" action="${page.root}/roles">
    <fieldset>
      <legend>${role ? `Edit ${role.key}` : 'New role'}</legend>
      <input type="hidden" name="action" value="save" />
      <p>
        <label>Key <input name="key" value="${role?.key ?? 'org:'}" ${role ? html`readonly` : ''} required pattern="org:.+" /></label>
      </p>
      <p>
        <label>Name <input name="name" value="${role?.name ?? ''}" required /></label>
      </p>
      <p>
        <label>Description <input name="description" value="${role?.description ?? ''}" size="60" /></label>
      </p>
      <p>
        <label
          >Permissions (one per line, <code>org:&lt;feature&gt;:&lt;action&gt;</code>)<br />
          <textarea name="permissions" rows="5">${(role?.permissions ?? []).join('\n')}</textarea>
        </label>
      </p>
      <p class="muted">System permissions: ${SYSTEM_PERMISSIONS.join(', ')}</p>
      <button type="submit">${role ? 'Save' : 'Create role'}</button>
    </fieldset>
  </form>`;
}

export const rolesPage: DashboardPage = {
  path: 'roles',
  title: 'Roles',
  async get(page) {
    const roles = await page.gatehouse.roleAdmin.list();
    if (page.rest.length === 1) {
      const role = roles.find((r) => r.key === page.rest[0]);
      if (!role || role.readOnly) throw new GatehouseError('not_found', 'No such runtime role.');
      return {
        title: `Role ${role.key}`,
        body: html`<p><a href="${page.root}/roles">All roles</a></p>
          ${editor(page, role)}`,
      };
    }
    if (page.rest.length > 1) throw new GatehouseError('not_found', 'There is no such dashboard page.');
    return {
      body: html`<table>
          <thead>
            <tr>
              <th>Key</th>
              <th>Name</th>
              <th>Permissions</th>
              <th>Source</th>
              <th>Updated</th>
              <th></th>
            </tr>
          </thead>
          <tbody>
            ${roles.map(
              (r) =>
                html`<tr>
                  <td><code>${r.key}</code>${r.creatorRole ? ' · creator' : ''}${r.defaultRole ? ' · default' : ''}</td>
                  <td>${r.name}<br /><span class="muted">${r.description ?? ''}</span></td>
                  <td>${r.permissions.map((p) => html`<code>${p}</code><br />`)}</td>
                  <td>${r.source}</td>
                  <td>${when(r.updatedAt)}</td>
                  <td>
                    ${
                      r.readOnly
                        ? html`<span class="muted">read-only</span>`
                        : html`<a href="${page.root}/roles/${encodeURIComponent(r.key)}">Edit</a>
                            ${actionForm(`${page.root}/roles`, 'delete', 'Delete', { fields: { key: r.key }, danger: true })}`
                    }
                  </td>
                </tr>`,
            )}
          </tbody>
        </table>
        ${editor(page, null)}`,
    };
  },
  async post(page, form) {
    const { gatehouse, ctx, adminId } = page;
    const key = field(form, 'key');
    switch (field(form, 'action')) {
      case 'save': {
        const description = field(form, 'description');
        const result = await gatehouse.roleAdmin.upsert(
          { key, name: field(form, 'name'), description: description || null, permissions: permissionList(form.get('permissions') ?? '') },
          { actorId: adminId, ctx },
        );
        return { redirect: '/roles', notice: `${result.created ? 'Created' : 'Saved'} role ${result.role.key}.` };
      }
      case 'delete':
        await gatehouse.roleAdmin.remove(key, { actorId: adminId, ctx });
        return { redirect: '/roles', notice: `Deleted role ${key}.` };
      default:
        throw new GatehouseError('bad_request', 'Unknown action.');
    }
  },
};
