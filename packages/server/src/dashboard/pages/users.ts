// Dashboard page: users (search, view, ban/unban, delete, addresses and password) and each user's sessions (revoke), factors, organizations and external accounts.

import { GatehouseError } from '@gatehouse/core';
import { html } from '../html.js';
import { actionForm } from '../forms.js';
import { facts, searchList } from '../tables.js';
import { field, when, type DashboardPage, type PageContext } from '../page.js';
import { toSummary } from '../../users/user-admin.js';
import { accountAction, accountSection } from './user-account.js';

function displayName(user: { firstName: string | null; lastName: string | null }): string {
  return [user.firstName, user.lastName].filter(Boolean).join(' ');
}

/** Metadata as indented JSON (shown escaped; unreadable metadata shows as it is stored). */
function pretty(stored: string): string {
  try {
    return JSON.stringify(JSON.parse(stored), null, 2);
  } catch {
    return stored;
  }
}

function list(page: PageContext) {
  const { gatehouse, root } = page;
  return searchList(page, {
    path: '/users',
    placeholder: 'email, name or id',
    empty: 'No users found.',
    head: ['Email', 'Name', 'Status', 'Created', 'Last sign-in'],
    load: async (query) => (await gatehouse.store.listUsers(query)).map(toSummary),
    cells: (u) =>
      html`<td><a href="${root}/users/${u.id}">${u.email}</a></td>
        <td>${displayName(u)}</td>
        <td>${u.banned ? 'banned' : 'active'}${u.instanceAdmin ? ' · instance admin' : ''}</td>
        <td>${when(u.createdAt)}</td>
        <td>${when(u.lastSignInAt)}</td>`,
  });
}

async function view(page: PageContext, userId: string) {
  const { gatehouse, root } = page;
  const row = await gatehouse.store.findUserById(userId);
  if (!row) throw new GatehouseError('not_found', 'No such user.');
  const user = toSummary(row);
  const [sessions, memberships, externalAccounts, factors] = await Promise.all([
    gatehouse.sessions.listUserSessions(user.id),
    gatehouse.organizations.listUserMemberships(user.id),
    gatehouse.oauth.listExternalAccounts(user.id),
    gatehouse.factors.list(user.id),
  ]);
  const action = `${root}/users/${user.id}`;
  return {
    title: user.email,
    body: html`<p><a href="${root}/users">All users</a></p>
      ${facts([
        ['Id', html`<code>${user.id}</code>`],
        ['Name', displayName(user)],
        ['Status', `${user.banned ? 'banned' : 'active'}${user.instanceAdmin ? ' · instance admin' : ''}`],
        ['Created', when(user.createdAt)],
        ['Last sign-in', when(user.lastSignInAt)],
      ])}
      <p>
        ${user.banned ? actionForm(action, 'unban', 'Unban') : actionForm(action, 'ban', 'Ban (ends every session)', { danger: true })}
        ${
          user.instanceAdmin || user.banned || user.id === page.adminId
            ? ''
            : actionForm(action, 'impersonate', 'Sign in as this user', {
                before: html`<span class="muted">(up to one hour, audited)</span> `,
              })
        }
        ${actionForm(action, 'delete', 'Delete user', {
          danger: true,
          before: html`<label> type the email to confirm <input name="confirm" required /></label> `,
        })}
      </p>
      ${await accountSection(page, row, action)}
      <h2>Sessions</h2>
      <table>
        <thead>
          <tr>
            <th>Session</th>
            <th>Device</th>
            <th>IP</th>
            <th>Last active</th>
            <th>Expires</th>
            <th></th>
          </tr>
        </thead>
        <tbody>
          ${sessions.map(
            (s) =>
              html`<tr>
                <td><code>${s.id}</code> ${s.status === 'pending' ? '(pending)' : ''}</td>
                <td>${s.device}</td>
                <td>${s.ip ?? '—'}</td>
                <td>${when(s.lastActiveAt)}</td>
                <td>${when(s.expireAt)}</td>
                <td>${actionForm(action, 'revoke-session', 'Revoke', { fields: { session: s.id }, danger: true })}</td>
              </tr>`,
          )}
        </tbody>
      </table>
      ${sessions.length === 0 ? html`<p class="muted">No live sessions.</p>` : ''}
      <h2>Factors</h2>
      ${facts([
        ['Password', row.password_hash ? 'set' : 'none'],
        ['Authenticator app (TOTP)', factors.totpEnabled ? 'enrolled' : 'none'],
        ['Backup codes', factors.backupCodeEnabled ? `${factors.backupCodesRemaining} unused` : 'none'],
        ['Passkeys', factors.passkeys.length ? factors.passkeys.map((p) => `${p.name} (added ${when(p.createdAt)})`).join(', ') : 'none'],
      ])}
      ${
        factors.totpEnabled || factors.passkeys.length > 0 || factors.backupCodesRemaining > 0
          ? html`<p>
              ${actionForm(action, 'reset-factors', 'Reset second factors and passkeys', {
                danger: true,
                before: html`<span class="muted">(the user signs in with the password alone until they enrol again; audited)</span> `,
              })}
            </p>`
          : ''
      }
      <h2>Organizations</h2>
      <table>
        <thead>
          <tr>
            <th>Organization</th>
            <th>Role</th>
          </tr>
        </thead>
        <tbody>
          ${memberships.map(
            (m) =>
              html`<tr>
                <td><a href="${root}/organizations/${m.organization.id}">${m.organization.name}</a></td>
                <td>${m.role}</td>
              </tr>`,
          )}
        </tbody>
      </table>
      ${memberships.length === 0 ? html`<p class="muted">No organizations.</p>` : ''}
      <h2>External accounts</h2>
      <table>
        <thead>
          <tr>
            <th>Provider</th>
            <th>Subject</th>
            <th>Email</th>
            <th></th>
          </tr>
        </thead>
        <tbody>
          ${externalAccounts.map(
            (a) =>
              html`<tr>
                <td><code>${a.provider}</code> ${a.label ?? ''}</td>
                <td><code>${a.externalId}</code></td>
                <td>${a.emailAddress || '—'}</td>
                <td>${actionForm(action, 'disconnect', 'Disconnect', { fields: { account: a.id }, danger: true })}</td>
              </tr>`,
          )}
        </tbody>
      </table>
      ${externalAccounts.length === 0 ? html`<p class="muted">No external accounts.</p>` : ''}
      <h2>Metadata</h2>
      <h3>Public</h3>
      <pre>${pretty(row.public_metadata)}</pre>
      <h3>Private</h3>
      <pre>${pretty(row.private_metadata)}</pre>
      <h3>Unsafe</h3>
      <pre>${pretty(row.unsafe_metadata)}</pre>`,
  };
}

export const usersPage: DashboardPage = {
  path: 'users',
  title: 'Users',
  async get(page) {
    if (page.rest.length === 0) return list(page);
    if (page.rest.length === 1) return view(page, page.rest[0] ?? '');
    throw new GatehouseError('not_found', 'There is no such dashboard page.');
  },
  async post(page, form) {
    const { gatehouse, ctx, adminId } = page;
    const userId = page.rest.length === 1 ? (page.rest[0] ?? '') : '';
    const user = userId ? await gatehouse.store.findUserById(userId) : null;
    if (!user) throw new GatehouseError('not_found', 'No such user.');
    const back = `/users/${user.id}`;
    const changed = await accountAction(page, user, form);
    if (changed) return changed;
    switch (field(form, 'action')) {
      case 'ban':
        if (user.id === adminId) throw new GatehouseError('bad_request', 'You cannot ban yourself.');
        await gatehouse.sessions.banUser(user.id, ctx, adminId);
        return { redirect: back, notice: `Banned ${user.email}; their sessions were revoked.` };
      case 'unban':
        await gatehouse.sessions.unbanUser(user.id, ctx, adminId);
        return { redirect: back, notice: `Unbanned ${user.email}.` };
      case 'delete':
        if (user.id === adminId) throw new GatehouseError('bad_request', 'You cannot delete yourself.');
        if (field(form, 'confirm').toLowerCase() !== user.email)
          throw new GatehouseError('bad_request', 'Type the user’s email address to confirm.');
        await gatehouse.sessions.deleteUser(user.id, ctx, adminId);
        return { redirect: '/users', notice: `Deleted ${user.email}.` };
      case 'impersonate': {
        const started = await gatehouse.impersonation.start(adminId, page.adminSessionId, user.id, ctx);
        // To the app's home page, now as the user; the app's banner offers the way back.
        return { leave: '/', sessionToken: started.sessionToken };
      }
      case 'revoke-session': {
        const sessionId = field(form, 'session');
        const session = sessionId ? await gatehouse.store.findSession(sessionId) : null;
        // Only a session of this user: the form's user is what the admin was looking at.
        if (!session || session.user_id !== user.id) throw new GatehouseError('not_found', 'No such session.');
        const revoked = await gatehouse.sessions.revokeSession(session.id, ctx, adminId);
        return { redirect: back, notice: revoked ? `Revoked session ${session.id}.` : 'That session had already ended.' };
      }
      case 'disconnect':
        // Never the user's last way to sign in (refused with a message).
        await gatehouse.oauth.removeExternalAccount(user.id, field(form, 'account'), ctx);
        return { redirect: back, notice: 'Disconnected the account.' };
      case 'reset-factors': {
        const removed = await gatehouse.factors.resetFactors(user.id, adminId, ctx);
        return { redirect: back, notice: `Reset the second factors of ${user.email} (${removed} removed).` };
      }
      default:
        throw new GatehouseError('bad_request', 'Unknown action.');
    }
  },
};
