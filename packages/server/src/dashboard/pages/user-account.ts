// The dashboard user page's account section: the user's email addresses (add, mark verified, make primary, remove) and setting their password.

import { GatehouseError } from '@gatehouse/core';
import { html, type SafeHtml } from '../html.js';
import { actionForm } from '../forms.js';
import { field, when, type PageContext } from '../page.js';
import type { UserRow } from '../../users/user-store.js';

/** The addresses table and the add-address and set-password forms. */
export async function accountSection(page: PageContext, user: UserRow, action: string): Promise<SafeHtml> {
  const addresses = await page.gatehouse.store.listEmailAddresses(user.id);
  return html`<h2>Email addresses</h2>
    <table>
      <thead>
        <tr>
          <th>Address</th>
          <th>Status</th>
          <th>Added</th>
          <th></th>
        </tr>
      </thead>
      <tbody>
        ${addresses.map((a) => {
          const primary = a.email === user.email;
          const verified = Number(a.verified) === 1;
          return html`<tr>
            <td>${a.email}</td>
            <td>${primary ? 'primary · ' : ''}${verified ? 'verified' : 'unverified'}</td>
            <td>${when(Number(a.created_at))}</td>
            <td>
              ${verified ? '' : actionForm(action, 'verify-email', 'Mark verified', { fields: { address: a.id } })}
              ${!primary && verified ? actionForm(action, 'primary-email', 'Make primary', { fields: { address: a.id } }) : ''}
              ${primary ? '' : actionForm(action, 'remove-email', 'Remove', { fields: { address: a.id }, danger: true })}
            </td>
          </tr>`;
        })}
      </tbody>
    </table>
    <form class="inline" method="post" action="${action}">
      <input type="hidden" name="action" value="add-email" />
      <label>New address <input name="email" type="email" required maxlength="320" /></label>
      <label><input type="checkbox" name="verified" value="1" /> already verified (no code is mailed)</label>
      <button type="submit">Add address</button>
    </form>
    <h2>Password</h2>
    <form class="inline" method="post" action="${action}">
      <input type="hidden" name="action" value="set-password" />
      <label>New password <input name="password" type="password" autocomplete="new-password" required maxlength="128" /></label>
      <label><input type="checkbox" name="sign_out" value="1" /> end their sessions</label>
      <button type="submit">Set password</button>
    </form>`;
}

/**
 * Runs one of the section's actions for `user`; null when the action is not one of them. Every
 * change goes through the same use cases as the backend API (policy, last-way-to-sign-in, audit).
 * @throws GatehouseError `not_found` (an address of another user), and what the use cases raise
 */
export async function accountAction(
  page: PageContext,
  user: UserRow,
  form: URLSearchParams,
): Promise<{ redirect: string; notice: string } | null> {
  const { gatehouse, ctx } = page;
  const changes = gatehouse.accounts.changes;
  const back = `/users/${user.id}`;
  const address = async () => {
    const id = field(form, 'address');
    const row = (await gatehouse.store.listEmailAddresses(user.id)).find((a) => a.id === id);
    if (!row) throw new GatehouseError('not_found', 'No such email address on this account.');
    return row;
  };
  switch (field(form, 'action')) {
    case 'add-email': {
      const added = await changes.addEmailAddress(user.id, field(form, 'email'), ctx, { verified: field(form, 'verified') === '1' });
      return {
        redirect: back,
        notice: `Added ${added.emailAddress}${added.verification.status === 'verified' ? '' : '; a code was mailed to it'}.`,
      };
    }
    case 'verify-email': {
      const row = await address();
      await changes.setVerified(user.id, row.id, true, ctx);
      return { redirect: back, notice: `Marked ${row.email} verified.` };
    }
    case 'primary-email': {
      const row = await address();
      await changes.setPrimaryEmailAddress(user.id, row.id, ctx);
      return { redirect: back, notice: `${row.email} is now the primary address.` };
    }
    case 'remove-email': {
      const row = await address();
      await changes.removeEmailAddress(user.id, row.id, ctx);
      return { redirect: back, notice: `Removed ${row.email}.` };
    }
    case 'set-password': {
      // Not trimmed: spaces are part of a password.
      const password = form.get('password') ?? '';
      await gatehouse.users.update(user.id, { password }, ctx);
      const ended = field(form, 'sign_out') === '1' ? await gatehouse.sessions.endAllUserSessions(user.id, ctx) : null;
      return { redirect: back, notice: `Set a new password for ${user.email}${ended ? `; ended ${ended.length} session(s)` : ''}.` };
    }
    default:
      return null;
  }
}
