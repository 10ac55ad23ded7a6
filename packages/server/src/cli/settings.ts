// `gatehouse settings …`: the instance settings stored in the database (session lifetime, inactivity timeout, multi-session, organizations required, origins).

import type { InstanceSettingsValues, InstanceSettingsView } from '../instance/instance-settings.js';
import { asJson, table, UsageError, type Command } from './command.js';

const FIELDS: Record<keyof InstanceSettingsValues, 'duration' | 'optional-duration' | 'boolean' | 'origins'> = {
  sessionLifetimeSeconds: 'duration',
  inactivityTimeoutSeconds: 'optional-duration',
  multiSession: 'boolean',
  organizationsRequired: 'boolean',
  secondFactorRequired: 'boolean',
  allowedOrigins: 'origins',
  authorizedParties: 'origins',
  emailVerificationRequired: 'boolean',
  signOutOnPasswordReset: 'boolean',
};

const UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400 };

/** `3600`, `3600s`, `90m`, `12h`, `7d` as seconds. */
function duration(field: string, raw: string): number {
  const match = /^(\d{1,10})([smhd]?)$/.exec(raw.trim());
  if (!match) throw new UsageError(`${field} takes a duration like 3600, 90m, 12h or 7d`);
  return Number(match[1]) * (UNITS[match[2] || 's'] ?? 1);
}

function parseValue(field: keyof InstanceSettingsValues, raw: string): unknown {
  switch (FIELDS[field]) {
    case 'duration':
      return duration(field, raw);
    case 'optional-duration':
      return raw === 'off' || raw === 'null' ? null : duration(field, raw);
    case 'boolean':
      if (['true', 'on', 'yes', '1'].includes(raw)) return true;
      if (['false', 'off', 'no', '0'].includes(raw)) return false;
      throw new UsageError(`${field} takes true or false`);
    case 'origins':
      return raw
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
  }
}

function isField(name: string): name is keyof InstanceSettingsValues {
  return Object.hasOwn(FIELDS, name);
}

function show(value: unknown): string {
  if (value === null) return 'off';
  if (Array.isArray(value)) return value.length === 0 ? '-' : value.join(',');
  return String(value);
}

function print(view: InstanceSettingsView, json: boolean | string | undefined, out: (text: string) => void): void {
  if (json) return out(asJson(view));
  out(
    table(
      ['SETTING', 'VALUE', 'SOURCE', 'DEFAULT'],
      (Object.keys(FIELDS) as (keyof InstanceSettingsValues)[]).map((f) => [
        f,
        show(view.settings[f]),
        view.overridden.includes(f) ? 'database' : 'default',
        show(view.defaults[f]),
      ]),
    ),
  );
}

export const settingsCommands: Command[] = [
  {
    name: 'settings get',
    summary: 'Show the instance settings in effect, where each comes from, and its default',
    usage: 'settings get [--json]',
    details: ['Defaults come from gatehouse.config.json and GATEHOUSE_* variables; values stored in the database win.'],
    options: { json: { type: 'boolean' } },
    async run(values, _positionals, io) {
      print(await (await io.open()).instanceSettings.get(), values.json, io.out);
    },
  },
  {
    name: 'settings set',
    summary: 'Store instance settings (validated, audited; running instances pick them up within seconds)',
    usage: 'settings set <name=value>... [--json]',
    details: [
      'Names: sessionLifetimeSeconds, inactivityTimeoutSeconds (off to disable), multiSession, organizationsRequired, secondFactorRequired,',
      'emailVerificationRequired, signOutOnPasswordReset,',
      'allowedOrigins, authorizedParties (comma-separated origins; empty for none). Durations: 3600, 90m, 12h, 7d.',
      '  gatehouse settings set sessionLifetimeSeconds=1d inactivityTimeoutSeconds=2h multiSession=true',
      'A new lifetime or timeout applies to sessions started after the change.',
    ],
    options: { json: { type: 'boolean' } },
    args: { min: 1, max: 7 },
    async run(values, positionals, io) {
      const changes: Record<string, unknown> = {};
      for (const arg of positionals) {
        const eq = arg.indexOf('=');
        const name = eq > 0 ? arg.slice(0, eq) : arg;
        if (eq <= 0 || !isField(name))
          throw new UsageError(`not a setting: ${arg.slice(0, 60)} (one of ${Object.keys(FIELDS).join(', ')}; write name=value)`);
        changes[name] = parseValue(name, arg.slice(eq + 1));
      }
      const view = await (await io.open()).instanceSettings.update(changes);
      if (!values.json) io.out(`Saved ${Object.keys(changes).join(', ')}.`);
      print(view, values.json, io.out);
    },
  },
  {
    name: 'settings reset',
    summary: 'Drop stored settings so their defaults apply again (all, or the ones named)',
    usage: 'settings reset [name...]',
    args: { min: 0, max: 6 },
    async run(_values, positionals, io) {
      for (const name of positionals) if (!isField(name)) throw new UsageError(`not a setting: ${name.slice(0, 60)}`);
      const view = await (
        await io.open()
      ).instanceSettings.reset(positionals.length ? (positionals as (keyof InstanceSettingsValues)[]) : undefined);
      io.out(positionals.length ? `Reset ${positionals.join(', ')}.` : 'Reset every setting to its default.');
      print(view, false, io.out);
    },
  },
];
