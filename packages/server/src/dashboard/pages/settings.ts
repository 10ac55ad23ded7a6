// Dashboard page: instance settings (session lifetime, inactivity timeout, multi-session, organizations required, origins).

import { GatehouseError } from '@gatehouse/core';
import { html } from '../html.js';
import { field, type DashboardPage } from '../page.js';
import type { InstanceSettingsValues } from '../../instance/instance-settings.js';

/** A whole number of seconds from the form; `optional` allows empty (off). */
function seconds(text: string, label: string, optional: boolean): number | null {
  if (text === '' && optional) return null;
  if (!/^\d{1,10}$/.test(text)) throw new GatehouseError('bad_request', `${label} must be a whole number of seconds.`);
  return Number(text);
}

function origins(text: string): string[] {
  return text
    .split(/[\s,]+/)
    .map((o) => o.trim())
    .filter(Boolean);
}

const FIELDS: readonly { key: keyof InstanceSettingsValues; label: string }[] = [
  { key: 'sessionLifetimeSeconds', label: 'Session lifetime (seconds)' },
  { key: 'inactivityTimeoutSeconds', label: 'Inactivity timeout (seconds, empty: off)' },
  { key: 'multiSession', label: 'Multi-session (several signed-in users per browser)' },
  { key: 'organizationsRequired', label: 'Organizations required (a session without an active organization is pending)' },
  { key: 'secondFactorRequired', label: 'Second factor required (a user without one is led to add one before the session is active)' },
  { key: 'allowedOrigins', label: 'Allowed origins (one per line)' },
  { key: 'authorizedParties', label: 'Authorized parties (one per line; empty: any)' },
  { key: 'emailVerificationRequired', label: 'Email verification required at sign-up (off: a taken address is revealed by a 409)' },
  { key: 'signOutOnPasswordReset', label: 'A password reset signs the other sessions out' },
];

function show(value: InstanceSettingsValues[keyof InstanceSettingsValues]): string {
  if (Array.isArray(value)) return value.length ? value.join(', ') : 'none';
  if (value === null) return 'off';
  if (typeof value === 'boolean') return value ? 'on' : 'off';
  return String(value);
}

export const settingsPage: DashboardPage = {
  path: 'settings',
  title: 'Settings',
  async get(page) {
    if (page.rest.length) throw new GatehouseError('not_found', 'There is no such dashboard page.');
    const { settings, defaults, overridden } = await page.gatehouse.instanceSettings.get();
    const input = (key: keyof InstanceSettingsValues) => {
      const value = settings[key];
      if (typeof value === 'boolean')
        return html`<input type="checkbox" id="${key}" name="${key}" value="on" ${value ? html` checked` : ''} />`;
      if (Array.isArray(value)) return html`<textarea id="${key}" name="${key}" rows="3">${value.join('\n')}</textarea>`;
      return html`<input id="${key}" name="${key}" inputmode="numeric" value="${value === null ? '' : String(value)}" />`;
    };
    return {
      body: html`<form method="post" action="${page.root}/settings">
          <input type="hidden" name="action" value="save" />
          <table>
            <thead>
              <tr>
                <th>Setting</th>
                <th>Value</th>
                <th>Default (configuration)</th>
              </tr>
            </thead>
            <tbody>
              ${FIELDS.map(
                (f) =>
                  html`<tr>
                    <td>
                      <label for="${f.key}">${f.label}</label
                      >${overridden.includes(f.key) ? html` <span class="muted">(changed here)</span>` : ''}
                    </td>
                    <td>${input(f.key)}</td>
                    <td>${show(defaults[f.key])}</td>
                  </tr>`,
              )}
            </tbody>
          </table>
          <button type="submit">Save settings</button>
        </form>
        <form method="post" action="${page.root}/settings">
          <input type="hidden" name="action" value="reset" />
          <p><button type="submit">Reset every setting to the configuration</button></p>
        </form>
        <p class="muted">
          Changes apply at once to new sessions and are picked up by every running instance within seconds; sessions already started keep
          their expiry.
        </p>`,
    };
  },
  async post(page, form) {
    const options = { actorId: page.adminId, ctx: page.ctx };
    if (field(form, 'action') === 'reset') {
      await page.gatehouse.instanceSettings.reset(undefined, options);
      return { redirect: '/settings', notice: 'Settings reset to the configuration.' };
    }
    if (field(form, 'action') !== 'save') throw new GatehouseError('bad_request', 'Unknown action.');
    const submitted: InstanceSettingsValues = {
      sessionLifetimeSeconds: seconds(field(form, 'sessionLifetimeSeconds'), 'The session lifetime', false) ?? 0,
      inactivityTimeoutSeconds: seconds(field(form, 'inactivityTimeoutSeconds'), 'The inactivity timeout', true),
      multiSession: form.get('multiSession') === 'on',
      organizationsRequired: form.get('organizationsRequired') === 'on',
      secondFactorRequired: form.get('secondFactorRequired') === 'on',
      allowedOrigins: origins(form.get('allowedOrigins') ?? ''),
      authorizedParties: origins(form.get('authorizedParties') ?? ''),
      emailVerificationRequired: form.get('emailVerificationRequired') === 'on',
      signOutOnPasswordReset: form.get('signOutOnPasswordReset') === 'on',
    };
    // Only what the admin changed is stored: an untouched field keeps following the configuration.
    const { settings } = await page.gatehouse.instanceSettings.get();
    const changes = Object.fromEntries(
      Object.entries(submitted).filter(
        ([key, value]) => JSON.stringify(value) !== JSON.stringify(settings[key as keyof InstanceSettingsValues]),
      ),
    ) as Partial<InstanceSettingsValues>;
    if (Object.keys(changes).length === 0) return { redirect: '/settings', notice: 'Nothing changed.' };
    await page.gatehouse.instanceSettings.update(changes, options);
    return { redirect: '/settings', notice: 'Settings saved.' };
  },
};
