// `gatehouse api-keys …` and `gatehouse machines …`: API keys of users and organizations, machine identities for M2M tokens.

import { BACKEND_CONTEXT } from '../sessions/session-core.js';
import type { Gatehouse } from '../instance/instance.js';
import { asJson, table, time, UsageError, type Command, type Values } from './command.js';

/** A user (email or id) or an organization (id or slug) as an API key owner id. */
async function owner(gatehouse: Gatehouse, who: string): Promise<string> {
  const user = await gatehouse.users.find(who);
  if (user) return user.id;
  const org = await gatehouse.store.findOrganization(who);
  if (org) return org.id;
  throw new Error(`No user or organization ${who.slice(0, 80)}.`);
}

function list(values: Values, name: string): string[] {
  const value = values[name] as unknown;
  return Array.isArray(value) ? (value as string[]) : typeof value === 'string' ? [value] : [];
}

function positiveSeconds(raw: unknown, name: string): number | undefined {
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) throw new UsageError(`--${name} takes a positive number of seconds`);
  return value;
}

export const machineCommands: Command[] = [
  {
    name: 'api-keys create',
    summary: 'Create an API key for a user or an organization; prints its secret, this once',
    usage: 'api-keys create <email|user id|org id|org slug> --name <name> [--scope <scope>]... [--expires-in <seconds>] [--json]',
    details: ["An organization's key may carry only permissions its roles define (e.g. --scope org:projects:read)."],
    options: {
      name: { type: 'string' },
      scope: { type: 'string', multiple: true },
      'expires-in': { type: 'string' },
      json: { type: 'boolean' },
    },
    args: { min: 1, max: 1 },
    async run(values, [who = ''], io) {
      if (typeof values.name !== 'string' || values.name.trim() === '') throw new UsageError('--name is required');
      const gatehouse = await io.open();
      const key = await gatehouse.machines.apiKeys.create(
        {
          subject: await owner(gatehouse, who),
          name: values.name.trim(),
          scopes: list(values, 'scope'),
          secondsUntilExpiration: positiveSeconds(values['expires-in'], 'expires-in') ?? null,
        },
        BACKEND_CONTEXT,
      );
      if (values.json) return io.out(asJson(key));
      io.out(`Created API key ${key.id} (${key.name}) for ${key.subject}.`);
      io.out(`Secret (shown once, store it now): ${key.secret}`);
    },
  },
  {
    name: 'api-keys list',
    summary: "List a user's or an organization's API keys (never their secrets)",
    usage: 'api-keys list <email|user id|org id|org slug> [--all] [--json]',
    options: { all: { type: 'boolean' }, json: { type: 'boolean' } },
    args: { min: 1, max: 1 },
    async run(values, [who = ''], io) {
      const gatehouse = await io.open();
      const keys = await gatehouse.machines.apiKeys.list({ subject: await owner(gatehouse, who), includeInvalid: Boolean(values.all) });
      if (values.json) return io.out(asJson(keys));
      if (keys.length === 0) return io.out('No API keys.');
      io.out(
        table(
          ['ID', 'NAME', 'SCOPES', 'STATUS', 'EXPIRES', 'LAST USED'],
          keys.map((k) => [
            k.id,
            k.name,
            k.scopes.join(',') || '-',
            k.revoked ? 'revoked' : k.expired ? 'expired' : 'active',
            time(k.expiration),
            time(k.lastUsedAt),
          ]),
        ),
      );
    },
  },
  {
    name: 'api-keys revoke',
    summary: 'Revoke an API key (refused on every instance sharing REDIS_URL within a second)',
    usage: 'api-keys revoke <key id> [--reason <text>]',
    options: { reason: { type: 'string' } },
    args: { min: 1, max: 1 },
    async run(values, [id = ''], io) {
      const gatehouse = await io.open();
      const reason = typeof values.reason === 'string' ? values.reason.slice(0, 256) : null;
      const key = await gatehouse.machines.apiKeys.revoke(id, { reason, ctx: BACKEND_CONTEXT });
      io.out(`Revoked API key ${key.id} (${key.name}).`);
    },
  },
  {
    name: 'machines create',
    summary: 'Create a machine identity for M2M tokens; prints its secret key, this once',
    usage: 'machines create <name> [--scope <machine id>]... [--ttl <seconds>] [--json]',
    details: [
      '--scope names a machine this one may call (the aud of its tokens). The machine trades its id and',
      'secret for a token at POST {basePath}/m2m/token (grant_type=client_credentials).',
    ],
    options: { scope: { type: 'string', multiple: true }, ttl: { type: 'string' }, json: { type: 'boolean' } },
    args: { min: 1, max: 1 },
    async run(values, [name = ''], io) {
      const gatehouse = await io.open();
      const machine = await gatehouse.machines.m2m.create(
        { name: name.trim(), scopedMachines: list(values, 'scope'), defaultTokenTtl: positiveSeconds(values.ttl, 'ttl') },
        BACKEND_CONTEXT,
      );
      if (values.json) return io.out(asJson(machine));
      io.out(`Created machine ${machine.id} (${machine.name}).`);
      io.out(`Secret key (shown once, store it now): ${machine.secretKey}`);
    },
  },
  {
    name: 'machines list',
    summary: 'List the machine identities and the machines each may call',
    usage: 'machines list [--json]',
    options: { json: { type: 'boolean' } },
    args: { min: 0, max: 0 },
    async run(values, _args, io) {
      const machines = await (await io.open()).machines.m2m.list();
      if (values.json) return io.out(asJson(machines));
      if (machines.length === 0) return io.out('No machines.');
      io.out(
        table(
          ['ID', 'NAME', 'MAY CALL', 'TOKEN TTL'],
          machines.map((m) => [m.id, m.name, m.scopedMachines.map((s) => s.id).join(',') || '-', `${m.defaultTokenTtl}s`]),
        ),
      );
    },
  },
];
