// `gatehouse orgs …`: organizations and their members from the command line, through the backend API (the same checks as server code).

import { createBackendClient } from '../backend/client.js';
import { USER_ID_PATTERN } from '../store/ids.js';
import type { Io } from './command.js';
import { asJson, table, time, UsageError, type Command } from './command.js';

async function client(io: Io) {
  return createBackendClient(await io.open());
}

/** A user id, or the id of the user with this email address. */
async function userId(io: Io, who: string): Promise<string> {
  if (USER_ID_PATTERN.test(who)) return who;
  const user = await (await io.open()).users.find(who);
  if (!user) throw new Error(`No user ${who.slice(0, 80)}.`);
  return user.id;
}

function roleKey(raw: string): string {
  return raw.startsWith('org:') ? raw : `org:${raw}`;
}

function count(values: Record<string, unknown>, name: string, fallback: number): number {
  const raw = values[name];
  if (raw === undefined) return fallback;
  if (typeof raw !== 'string' || !/^\d+$/.test(raw)) throw new UsageError(`--${name} takes a whole number`);
  return Number(raw);
}

export const orgCommands: Command[] = [
  {
    name: 'orgs list',
    summary: 'List organizations (oldest first)',
    usage: 'orgs list [--json] [--limit N] [--offset N]',
    options: { json: { type: 'boolean' }, limit: { type: 'string' }, offset: { type: 'string' } },
    async run(values, _positionals, io) {
      const page = await (
        await client(io)
      ).organizations.getOrganizationList({ limit: count(values, 'limit', 100), offset: count(values, 'offset', 0) });
      if (values.json) return io.out(asJson(page));
      if (page.data.length === 0) return io.out('No organizations.');
      io.out(
        table(
          ['ID', 'SLUG', 'NAME', 'MAX MEMBERS', '2FA', 'CREATED'],
          page.data.map((o) => [
            o.id,
            o.slug,
            o.name,
            String(o.maxMemberships ?? '-'),
            o.secondFactorRequired ? 'required' : '-',
            time(o.createdAt),
          ]),
        ),
      );
      if (page.totalCount > page.data.length) io.err(`${page.totalCount} in all: use --offset for more.`);
    },
  },
  {
    name: 'orgs create',
    summary: 'Create an organization with a first admin',
    usage: 'orgs create --name NAME --owner <email|user id> [--slug SLUG] [--max-members N] [--json]',
    options: {
      name: { type: 'string' },
      owner: { type: 'string' },
      slug: { type: 'string' },
      'max-members': { type: 'string' },
      json: { type: 'boolean' },
    },
    async run(values, _positionals, io) {
      if (typeof values.name !== 'string') throw new UsageError('orgs create needs --name');
      if (typeof values.owner !== 'string') throw new UsageError('orgs create needs --owner (the first admin)');
      const org = await (
        await client(io)
      ).organizations.createOrganization({
        name: values.name,
        createdBy: await userId(io, values.owner),
        ...(typeof values.slug === 'string' ? { slug: values.slug } : {}),
        ...(values['max-members'] === undefined ? {} : { maxAllowedMemberships: count(values, 'max-members', 0) }),
      });
      io.out(values.json ? asJson(org) : `Created organization ${org.id} (${org.slug}).`);
    },
  },
  {
    name: 'orgs members',
    summary: "List an organization's members and their roles",
    usage: 'orgs members <org id|slug> [--json]',
    options: { json: { type: 'boolean' } },
    args: { min: 1, max: 1 },
    async run(values, [org = ''], io) {
      const page = await (await client(io)).organizations.getOrganizationMembershipList({ organizationId: org });
      if (values.json) return io.out(asJson(page));
      io.out(
        table(
          ['USER', 'EMAIL', 'ROLE', 'SINCE'],
          page.data.map((m) => [m.userId, m.publicUserData.identifier, m.role, time(m.createdAt)]),
        ),
      );
    },
  },
  {
    name: 'orgs add-member',
    summary: 'Add a user to an organization',
    usage: 'orgs add-member <org id|slug> <email|user id> [--role ROLE]',
    details: ['--role defaults to org:member; org: may be left out.'],
    options: { role: { type: 'string' } },
    args: { min: 2, max: 2 },
    async run(values, [org = '', who = ''], io) {
      const role = roleKey(typeof values.role === 'string' ? values.role : 'member');
      const membership = await (
        await client(io)
      ).organizations.createOrganizationMembership({ organizationId: org, userId: await userId(io, who), role });
      io.out(`Added ${membership.userId} to ${membership.organizationId} as ${membership.role}.`);
    },
  },
  {
    name: 'orgs set-role',
    summary: "Change a member's role (never demoting the last admin)",
    usage: 'orgs set-role <org id|slug> <email|user id> --role ROLE',
    options: { role: { type: 'string' } },
    args: { min: 2, max: 2 },
    async run(values, [org = '', who = ''], io) {
      if (typeof values.role !== 'string') throw new UsageError('orgs set-role needs --role');
      const membership = await (
        await client(io)
      ).organizations.updateOrganizationMembership({
        organizationId: org,
        userId: await userId(io, who),
        role: roleKey(values.role),
      });
      io.out(`${membership.userId} is now ${membership.role} in ${membership.organizationId}.`);
    },
  },
  {
    name: 'orgs remove-member',
    summary: 'Remove a member (never the last admin)',
    usage: 'orgs remove-member <org id|slug> <email|user id>',
    args: { min: 2, max: 2 },
    async run(_values, [org = '', who = ''], io) {
      const id = await userId(io, who);
      await (await client(io)).organizations.deleteOrganizationMembership({ organizationId: org, userId: id });
      io.out(`Removed ${id} from ${org}.`);
    },
  },
  {
    name: 'orgs require-second-factor',
    summary: 'Require a second factor from the members acting in an organization, or stop requiring it',
    usage: 'orgs require-second-factor <org id|slug> on|off',
    details: ['While it is on, a member without a second factor who makes the org active gets a pending session (the setup-mfa task).'],
    args: { min: 2, max: 2 },
    async run(_values, [org = '', raw = ''], io) {
      const on = ['on', 'true', 'yes', '1'].includes(raw);
      if (!on && !['off', 'false', 'no', '0'].includes(raw)) throw new UsageError('orgs require-second-factor takes on or off');
      const updated = await (await client(io)).organizations.updateOrganization(org, { secondFactorRequired: on });
      io.out(`${updated.slug} ${on ? 'requires' : 'does not require'} a second factor from its members.`);
    },
  },
  {
    name: 'orgs delete',
    summary: 'Delete an organization with its memberships and invitations',
    usage: 'orgs delete <org id|slug> --yes',
    options: { yes: { type: 'boolean' } },
    args: { min: 1, max: 1 },
    async run(values, [org = ''], io) {
      if (!values.yes) throw new UsageError('orgs delete needs --yes (it cannot be undone)');
      const deleted = await (await client(io)).organizations.deleteOrganization(org);
      io.out(`Deleted organization ${deleted.id}.`);
    },
  },
];
