// Dashboard page: organizations and their members (change a member's role, remove a member) and the org's second-factor requirement.

import { GatehouseError } from '@gatehouse/core';
import { html } from '../html.js';
import { actionForm } from '../forms.js';
import { facts, searchList } from '../tables.js';
import { field, when, type DashboardPage, type PageContext } from '../page.js';

function list(page: PageContext) {
  const { gatehouse, root } = page;
  return searchList(page, {
    path: '/organizations',
    placeholder: 'name, slug or id',
    empty: 'No organizations found.',
    head: ['Name', 'Slug', 'Members', 'Created'],
    load: async (query) => {
      const orgs = await gatehouse.store.listOrganizations(query);
      const counts = await Promise.all(orgs.map((o) => gatehouse.store.countMemberships(o.id)));
      return orgs.map((org, i) => ({ org, members: counts[i] ?? 0 }));
    },
    cells: ({ org, members }) =>
      html`<td><a href="${root}/organizations/${org.id}">${org.name}</a></td>
        <td>${org.slug}</td>
        <td>${members}</td>
        <td>${when(org.created_at)}</td>`,
  });
}

async function view(page: PageContext, orgId: string) {
  const { gatehouse, root } = page;
  const org = await gatehouse.store.findOrganization(orgId);
  if (!org) throw new GatehouseError('not_found', 'No such organization.');
  const members = await gatehouse.store.listMembers(org.id);
  const roles = gatehouse.roles.list;
  const action = `${root}/organizations/${org.id}`;
  return {
    title: org.name,
    body: html`<p><a href="${root}/organizations">All organizations</a></p>
      ${facts([
        ['Id', html`<code>${org.id}</code>`],
        ['Slug', org.slug],
        ['Created', when(org.created_at)],
        ['Membership limit', org.max_memberships ?? 'none'],
        [
          'Second factor',
          html`${Number(org.second_factor_required) === 1 ? 'required from every member' : 'not required'}
          ${actionForm(action, 'second-factor', Number(org.second_factor_required) === 1 ? 'Stop requiring' : 'Require', {
            fields: { required: Number(org.second_factor_required) === 1 ? 'off' : 'on' },
          })}`,
        ],
      ])}
      <p class="muted">
        While a second factor is required, a member without one who makes this organization active is led to add one first.
      </p>
      <h2>Members</h2>
      <table>
        <thead>
          <tr>
            <th>Member</th>
            <th>Role</th>
            <th></th>
          </tr>
        </thead>
        <tbody>
          ${members.map(
            (m) =>
              html`<tr>
                <td><a href="${root}/users/${m.user_id}">${m.email}</a> ${[m.first_name, m.last_name].filter(Boolean).join(' ')}</td>
                <td>
                  ${actionForm(action, 'set-role', 'Change role', {
                    fields: { user: m.user_id },
                    before: html`<select name="role" aria-label="Role of ${m.email}">
                      ${roles.map(
                        (r) => html`<option value="${r.key}" ${r.key === m.role ? html` selected` : ''}>${r.name} (${r.key})</option>`,
                      )}${roles.some((r) => r.key === m.role) ? '' : html`<option value="${m.role}" selected>${m.role} (unknown)</option>`}
                    </select> `,
                  })}
                </td>
                <td>${actionForm(action, 'remove', 'Remove', { fields: { user: m.user_id }, danger: true })}</td>
              </tr>`,
          )}
        </tbody>
      </table>
      ${members.length === 0 ? html`<p class="muted">No members.</p>` : ''}
      <h2>Public metadata</h2>
      <pre>${org.public_metadata}</pre>`,
  };
}

export const organizationsPage: DashboardPage = {
  path: 'organizations',
  title: 'Organizations',
  async get(page) {
    if (page.rest.length === 0) return list(page);
    if (page.rest.length === 1) return view(page, page.rest[0] ?? '');
    throw new GatehouseError('not_found', 'There is no such dashboard page.');
  },
  async post(page, form) {
    const { gatehouse, ctx, adminId } = page;
    const org = page.rest.length === 1 ? await gatehouse.store.findOrganization(page.rest[0] ?? '') : null;
    if (!org) throw new GatehouseError('not_found', 'No such organization.');
    const userId = field(form, 'user');
    const back = `/organizations/${org.id}`;
    switch (field(form, 'action')) {
      case 'set-role': {
        const membership = await gatehouse.organizations.updateMemberRole(null, org.id, userId, field(form, 'role'), ctx, adminId);
        return { redirect: back, notice: `Role changed to ${membership.role}.` };
      }
      case 'remove':
        await gatehouse.organizations.removeMember(null, org.id, userId, ctx, adminId);
        return { redirect: back, notice: 'Member removed.' };
      case 'second-factor': {
        const required = field(form, 'required') === 'on';
        await gatehouse.organizations.updateOrganization(null, org.id, { secondFactorRequired: required }, ctx, adminId);
        return { redirect: back, notice: required ? 'A second factor is now required.' : 'A second factor is no longer required.' };
      }
      default:
        throw new GatehouseError('bad_request', 'Unknown action.');
    }
  },
};
