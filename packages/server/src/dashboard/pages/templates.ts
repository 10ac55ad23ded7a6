// Dashboard page: JWT templates, with a live preview of the claims a template (or a draft of one) produces for a user and org; create, edit and delete the stored ones.

import { GatehouseError, isGatehouseError } from '@gatehouse/core';
import { actionForm } from '../forms.js';
import { html } from '../html.js';
import { field, when, type DashboardPage, type PageContext } from '../page.js';
import { HMAC_ALGORITHMS } from '../../tokens/template-admin.js';
import { toSummary } from '../../users/user-admin.js';

/** The claims textarea as a JSON object. */
function parseClaims(claimsText: string): Record<string, unknown> {
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
  return claims as Record<string, unknown>;
}

/** An optional whole number of seconds from the form. */
function seconds(form: URLSearchParams, name: string, label: string): number | undefined {
  const value = field(form, name);
  if (!value) return undefined;
  if (!/^\d{1,10}$/.test(value)) throw new GatehouseError('bad_request', `${label} must be a whole number of seconds.`);
  return Number(value);
}

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
  const res = await fetch(form.getAttribute('action') + '?' + params.toString(), { credentials: 'same-origin' });
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
  const claims = parseClaims(claimsText);
  const user = await page.gatehouse.users.find(who);
  if (!user) throw new GatehouseError('not_found', 'No user has that email address or id.');
  if (org && !(await page.gatehouse.store.findOrganization(org))) throw new GatehouseError('not_found', 'No such organization.');
  return page.gatehouse.templates.previewClaims(claims, user.id, org || null);
}

export const templatesPage: DashboardPage = {
  path: 'templates',
  title: 'JWT templates',
  async get(page) {
    const { gatehouse, root, url } = page;
    if (page.rest.length) throw new GatehouseError('not_found', 'There is no such dashboard page.');
    const templates = await gatehouse.templateAdmin.list();
    const name = url.searchParams.get('template') ?? templates[0]?.name ?? '';
    const chosen = templates.find((t) => t.name === name) ?? null;
    const editable = chosen && !chosen.readOnly ? chosen : null;
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
              <th>Source</th>
              <th>Updated</th>
              <th></th>
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
                  <td>${t.source}</td>
                  <td>${when(t.updatedAt)}</td>
                  <td>
                    ${
                      t.readOnly
                        ? html`<span class="muted">read-only</span>`
                        : html`<a href="${root}/templates?template=${encodeURIComponent(t.name)}">Edit</a>
                            ${actionForm(`${root}/templates`, 'delete', 'Delete', { fields: { name: t.name }, danger: true })}`
                    }
                  </td>
                </tr>`,
            )}
          </tbody>
        </table>
        ${templates.length === 0 ? html`<p class="muted">No templates yet (configure them in gatehouse.config.json <code>jwtTemplates</code> or save one below); a draft can still be previewed.</p>` : ''}
        <h2>Preview, create or edit</h2>
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
          <fieldset>
            <legend>Save as a stored template</legend>
            <p>
              <label>Name <input name="name" value="${editable?.name ?? ''}" pattern="[A-Za-z0-9_-]{1,64}" /></label>
              <label>Lifetime (s) <input name="lifetime" value="${editable?.lifetimeSeconds ?? 60}" inputmode="numeric" size="8" /></label>
              <label
                >Clock skew (s) <input name="skew" value="${editable?.allowedClockSkewSeconds ?? 5}" inputmode="numeric" size="4"
              /></label>
              <label
                >Signed with
                <select name="alg">
                  ${['RS256', ...HMAC_ALGORITHMS].map(
                    (alg) =>
                      html`<option value="${alg}" ${alg === (editable?.signingAlgorithm ?? 'RS256') ? html` selected` : ''}>
                        ${alg}
                      </option>`,
                  )}
                </select></label
              >
              <label
                >Secret env var (HS*)
                <input name="secretEnv" value="${editable?.signingSecretEnv ?? ''}" placeholder="SUPABASE_JWT_SECRET" autocomplete="off"
              /></label>
            </p>
            <p class="muted">
              RS256 signs with the instance key (in JWKS). HS* reads the secret from the named environment variable; the secret itself is
              never stored or shown. Templates in gatehouse.config.json are read-only.
            </p>
            <button type="submit" formmethod="post" name="action" value="save">Save template</button>
          </fieldset>
        </form>
        <pre id="preview" aria-live="polite">
${result === null ? 'Choose a user.' : 'error' in result ? `Error: ${result.error}` : JSON.stringify(result.claims, null, 2)}</pre>`,
    };
  },
  async post(page, form) {
    const { gatehouse, ctx, adminId } = page;
    const name = field(form, 'name');
    switch (field(form, 'action')) {
      case 'save': {
        const alg = field(form, 'alg') || 'RS256';
        const secretEnv = field(form, 'secretEnv');
        if (alg !== 'RS256' && !(HMAC_ALGORITHMS as readonly string[]).includes(alg))
          throw new GatehouseError('bad_request', 'Unknown signing algorithm.');
        if (alg !== 'RS256' && !secretEnv)
          throw new GatehouseError('bad_request', `${alg} needs the environment variable holding the secret.`);
        const result = await gatehouse.templateAdmin.upsert(
          {
            name,
            claims: parseClaims(form.get('claims') ?? ''),
            lifetimeSeconds: seconds(form, 'lifetime', 'The lifetime'),
            allowedClockSkewSeconds: seconds(form, 'skew', 'The clock skew'),
            signing: alg === 'RS256' ? null : { algorithm: alg as (typeof HMAC_ALGORITHMS)[number], secretEnv },
          },
          { actorId: adminId, ctx },
        );
        return {
          redirect: `/templates?template=${encodeURIComponent(result.template.name)}`,
          notice: `${result.created ? 'Created' : result.changed ? 'Saved' : 'Unchanged:'} JWT template ${result.template.name}.`,
        };
      }
      case 'delete':
        await gatehouse.templateAdmin.remove(name, { actorId: adminId, ctx });
        return { redirect: '/templates', notice: `Deleted JWT template ${name}.` };
      default:
        throw new GatehouseError('bad_request', 'Unknown action.');
    }
  },
};
