// The "Second factors" part of a user's dashboard page: the authenticator app, backup codes and passkeys, and the admin's reset.

import { html, type SafeHtml } from '../html.js';
import { actionForm } from '../forms.js';
import { facts } from '../tables.js';
import { when } from '../page.js';
import type { FactorSummary } from '../../factors/enrolment.js';

/** What the user has enrolled (never a secret), and a reset that removes all of it. */
export function factorsSection(action: string, factors: FactorSummary): SafeHtml {
  const any = factors.totpEnabled || factors.passkeys.length > 0 || factors.backupCodesRemaining > 0;
  return html`<h2>Second factors</h2>
    ${facts([
      ['Authenticator app', factors.totpEnabled ? 'enrolled' : 'none'],
      ['Backup codes left', String(factors.backupCodesRemaining)],
      ['Passkeys', String(factors.passkeys.length)],
    ])}
    ${
      factors.passkeys.length
        ? html`<table>
            <thead>
              <tr>
                <th>Passkey</th>
                <th>Added</th>
                <th>Last used</th>
                <th>Synced</th>
              </tr>
            </thead>
            <tbody>
              ${factors.passkeys.map(
                (p) =>
                  html`<tr>
                    <td>${p.name}</td>
                    <td>${when(p.createdAt)}</td>
                    <td>${when(p.lastUsedAt)}</td>
                    <td>${p.backedUp ? 'yes' : 'no'}</td>
                  </tr>`,
              )}
            </tbody>
          </table>`
        : ''
    }
    ${
      any
        ? html`<p>
            ${actionForm(action, 'reset-factors', 'Reset second factors and passkeys', {
              danger: true,
              before: html`<span class="muted">(the user signs in with the password alone until they enrol again; audited)</span> `,
            })}
          </p>`
        : ''
    }`;
}
