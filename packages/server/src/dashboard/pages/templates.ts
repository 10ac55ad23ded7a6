// Dashboard page: JWT templates, with a live preview of the claims a template (or a draft of one) produces for a user and org.

import { GatehouseError, isGatehouseError } from '@gatehouse/core';
import { html } from '../html.js';
import type { DashboardPage, PageContext } from '../page.js';
import { toSummary } from '../../user-admin.js';

const MAX_CLAIMS_CHARS = 8 * 1024;
const PICK_LIMIT = 200;

// Constant (allowed by its hash in the CSP): re-renders the preview as the form changes, through
// the same GET the form submits without a script.
const SCRIPT = `
const form = document.getElementById('preview-form');
const out = document.getElementById('preview');
let timer = null;
let asked = 0;
async function refresh() {
  const params = new URLSearchParams(new FormData(form));
  params.set('format', 'json');
  const mine = ++asked;
  const res = await fetch(form.action + '?' + params.toString(), { credentials: 'same-origin' });
  const data = await res.json().catch(() => ({ error: 'The preview failed.' }));
  if (mine !== asked) return;
  out.textContent = data.error ? 'Error: ' + data.error : JSON.stringify(data.claims, null, 2);
}
form.addEventListener('input', () => { clearTimeout(timer); timer = setTimeout(refresh, 250); });
form.template.addEventListener('change', () => {
  const chosen = form.template.selectedOptions[0];
  if (chosen && chosen.dataset.claims) form.claims.value = chosen.dataset.claims;
  refresh();
});
`;

async function preview(page: PageContext, claimsText: string, who: string, org: string): Promise<Record<string, unknown>> {
  if (!who) throw new GatehouseError('bad_request', 'Choose a user.');
  if (claimsText.length > MAX_CLAIMS_CHARS)
    throw new GatehouseError('bad_request', `The claims must be at most ${MAX_CLAIMS_CHARS} characters.`);
  let claims: unknown;
  try {
    claims = JSON.parse(claimsText);
  } catch {
    throw new GatehouseError('bad_request', 'The claims are not valid JSON.');
  }
  if (typeof claims !== 'object' || claims === null || Array.isArray(claims))
    throw new GatehouseError('bad_request', 'The claims must be a JSON object.');
  const user = await page.gatehouse.users.find(who);
  if (!user) throw new GatehouseError('not_found', 'No user has that email address or id.');
  if (org && !(await page.gatehouse.store.findOrganization(org))) throw new GatehouseError('not_found', 'No such organization.');
  return page.gatehouse.templates.previewClaims(claims as Record<string, unknown>, user.id, org || null);
}

export const templatesPage: DashboardPage = {
  path: 'templates',
  title: 'JWT templates',
  async get(page) {
    const { gatehouse, root, url } = page;
    if (page.rest.length) throw new GatehouseError('not_found', 'There is no such dashboard page.');
    const templates = gatehouse.templates.list();
    const name = url.searchParams.get('template') ?? templates[0]?.name ?? '';
    const chosen = templates.find((t) => t.name === name) ?? null;
    const claimsText = url.searchParams.get('claims') ?? JSON.stringify(chosen?.claims ?? {}, null, 2);
    const userId = (url.searchParams.get('user') ?? '').trim().slice(0, 320);
    const org = (url.searchParams.get('org') ?? '').trim().slice(0, 64);
    let result: { claims: Record<string, unknown> } | { error: string } | null = null;
    if (userId) {
      try {
        result = { claims: await preview(page, claimsText, userId, org) };
      } catch (error) {
        if (!isGatehouseError(error)) throw error;
        result = { error: error.message };
      }
    }
    if (url.searchParams.get('format') === 'json') return { json: result ?? { error: 'Choose a user.' } };
    const [users, orgs] = await Promise.all([
      gatehouse.store.listUsers({ limit: PICK_LIMIT, offset: 0 }),
      gatehouse.store.listOrganizations({ limit: PICK_LIMIT, offset: 0 }),
    ]);
    return {
      scripts: [SCRIPT],
      body: html`<table>
          <thead>
            <tr>
              <th>Name</th>
              <th>Signed with</th>
              <th>Lifetime</th>
              <th>Claims</th>
            </tr>
          </thead>
          <tbody>
            ${templates.map(
              (t) =>
                html`<tr>
                  <td>${t.name}</td>
                  <td>${t.signingAlgorithm}</td>
                  <td>${t.lifetimeSeconds} s</td>
                  <td><pre>${JSON.stringify(t.claims, null, 2)}</pre></td>
                </tr>`,
            )}
          </tbody>
        </table>
        ${templates.length === 0 ? html`<p class="muted">No templates are configured (gatehouse.config.json <code>jwtTemplates</code>); a draft can still be previewed.</p>` : ''}
        <h2>Preview</h2>
        <form id="preview-form" method="get" action="${root}/templates">
          <p>
            <label
              >Template
              <select name="template">
                <option value="" data-claims="{}">(draft)</option>
                ${templates.map(
                  (t) =>
                    html`<option
                      value="${t.name}"
                      data-claims="${JSON.stringify(t.claims, null, 2)}"
                      ${t.name === name ? html` selected` : ''}
                    >
                      ${t.name}
                    </option>`,
                )}
              </select></label
            >
            <label>User <input name="user" list="preview-users" value="${userId}" placeholder="email or id" autocomplete="off" /></label>
            <datalist id="preview-users">${users.map(toSummary).map((u) => html`<option value="${u.email}"></option>`)}</datalist>
            <label
              >Organization <input name="org" list="preview-orgs" value="${org}" placeholder="slug or id (optional)" autocomplete="off"
            /></label>
            <datalist id="preview-orgs">${orgs.map((o) => html`<option value="${o.slug}">${o.name}</option>`)}</datalist>
          </p>
          <p>
            <label
              >Claims (shortcodes such as <code>{{user.primary_email_address}}</code>, <code>{{org.role}}</code>)<br />
              <textarea name="claims" rows="10">${claimsText}</textarea>
            </label>
          </p>
          <p>
            <button type="submit">Preview</button> <span class="muted">The preview updates as you type; nothing is signed or saved.</span>
          </p>
        </form>
        <pre id="preview" aria-live="polite">
${result === null ? 'Choose a user.' : 'error' in result ? `Error: ${result.error}` : JSON.stringify(result.claims, null, 2)}</pre>`,
    };
  },
};
