// `gatehouse roles …`: the effective organization roles, and creating, changing or deleting the database's roles.

import type { RoleInfo } from '../roles/role-admin.js';
import { asJson, table, UsageError, type Command } from './command.js';

/** `editor` is taken for `org:editor`. */
function roleKey(raw: string): string {
  return raw.startsWith('org:') ? raw : `org:${raw}`;
}

function flags(role: RoleInfo): string {
  return [role.creatorRole ? 'creator' : '', role.defaultRole ? 'default' : ''].filter(Boolean).join(',') || '-';
}

export const roleCommands: Command[] = [
  {
    name: 'roles list',
    summary: 'List the organization roles in effect (built-in, database, configuration)',
    usage: 'roles list [--json]',
    details: [
      'Configured roles (gatehouse.config.json) win over database roles of the same key; built-in and',
      'configured roles are read-only here.',
    ],
    options: { json: { type: 'boolean' } },
    async run(values, _positionals, io) {
      const roles = await (await io.open()).roleAdmin.list();
      if (values.json) return io.out(asJson(roles));
      io.out(
        table(
          ['KEY', 'NAME', 'SOURCE', 'ROLE', 'PERMISSIONS'],
          roles.map((r) => [r.key, r.name, r.source, flags(r), r.permissions.join(',') || '-']),
        ),
      );
    },
  },
  {
    name: 'roles set',
    summary: 'Create a role, or replace one stored in the database',
    usage: 'roles set <key> --name NAME --permissions a,b [--description TEXT]',
    details: [
      'The key looks like org:<name> (org: may be left out). Permissions look like org:<feature>:<action>,',
      'comma-separated (--permissions "" for none); system ones are org:sys_profile:manage|delete,',
      'org:sys_memberships:read|manage and org:sys_domains:read|manage.',
      'Members who hold the role get the new permissions on their next request (running instances',
      'notice a change made here within seconds).',
    ],
    options: { name: { type: 'string' }, permissions: { type: 'string' }, description: { type: 'string' }, json: { type: 'boolean' } },
    args: { min: 1, max: 1 },
    async run(values, [raw = ''], io) {
      if (typeof values.name !== 'string') throw new UsageError('roles set needs --name');
      if (typeof values.permissions !== 'string') throw new UsageError('roles set needs --permissions (comma-separated; "" for none)');
      const permissions = values.permissions
        .split(',')
        .map((p) => p.trim())
        .filter(Boolean);
      const description = typeof values.description === 'string' ? values.description : undefined;
      const { role, created, changed } = await (
        await io.open()
      ).roleAdmin.upsert({ key: roleKey(raw), name: values.name, description, permissions });
      if (values.json) return io.out(asJson(role));
      if (!changed) return io.out(`Role ${role.key} is unchanged.`);
      io.out(`${created ? 'Created' : 'Updated'} role ${role.key} (${role.permissions.length} permission(s)).`);
    },
  },
  {
    name: 'roles delete',
    summary: 'Delete a role stored in the database',
    usage: 'roles delete <key>',
    details: ['Refused for built-in and configured roles, and for roles that members still hold or pending invitations name.'],
    args: { min: 1, max: 1 },
    async run(_values, [raw = ''], io) {
      const key = roleKey(raw);
      await (await io.open()).roleAdmin.remove(key);
      io.out(`Deleted role ${key}.`);
    },
  },
];
