// `gatehouse users …`: list and create users, and make a user an instance admin (or no longer one).

import { readSecret, table, time, asJson, UsageError, type Command } from './command.js';

export const userCommands: Command[] = [
  {
    name: 'users list',
    summary: 'List users (oldest first)',
    usage: 'users list [--json] [--limit N] [--offset N]',
    options: { json: { type: 'boolean' }, limit: { type: 'string' }, offset: { type: 'string' } },
    async run(values, _positionals, io) {
      const count = (name: string, fallback: number): number => {
        const raw = values[name];
        if (raw === undefined) return fallback;
        if (typeof raw !== 'string' || !/^\d+$/.test(raw)) throw new UsageError(`--${name} takes a whole number`);
        return Number(raw);
      };
      const limit = count('limit', 100);
      const offset = count('offset', 0);
      if (limit < 1 || limit > 1000) throw new UsageError('--limit takes a number from 1 to 1000');
      const users = await (await io.open()).users.list({ limit, offset });
      if (values.json) return io.out(asJson(users));
      if (users.length === 0) return io.out('No users.');
      io.out(
        table(
          ['ID', 'EMAIL', 'VERIFIED', 'ADMIN', 'BANNED', 'CREATED', 'LAST SIGN-IN'],
          users.map((u) => [
            u.id,
            u.email,
            u.emailVerified ? 'yes' : 'no',
            u.instanceAdmin ? 'yes' : 'no',
            u.banned ? 'yes' : 'no',
            time(u.createdAt),
            time(u.lastSignInAt),
          ]),
        ),
      );
    },
  },
  {
    name: 'users create',
    summary: 'Create a user with a password read from stdin',
    usage: 'users create --email EMAIL --password-stdin [--first-name NAME] [--last-name NAME] [--json]',
    details: [
      'The password is read from stdin (piped: everything up to the end; in a terminal: typed twice, not shown).',
      "It is never taken from the command line, where the process list and the shell's history would keep it.",
      '  printf \'%s\' "$PASSWORD" | gatehouse users create --email ada@example.com --password-stdin',
    ],
    options: {
      email: { type: 'string' },
      'password-stdin': { type: 'boolean' },
      'first-name': { type: 'string' },
      'last-name': { type: 'string' },
      json: { type: 'boolean' },
    },
    async run(values, _positionals, io) {
      if (typeof values.email !== 'string' || values.email.trim() === '') throw new UsageError('users create needs --email');
      if (!values['password-stdin']) throw new UsageError('users create needs --password-stdin (the password is read from stdin)');
      const gatehouse = await io.open();
      const password = await readSecret(io, 'Password');
      if (password === '') throw new Error('No password on stdin.');
      const user = await gatehouse.users.create({
        email: values.email,
        password,
        firstName: typeof values['first-name'] === 'string' ? values['first-name'] : undefined,
        lastName: typeof values['last-name'] === 'string' ? values['last-name'] : undefined,
      });
      io.out(values.json ? asJson(user) : `Created user ${user.id} (${user.email}).`);
    },
  },
  {
    name: 'users set-admin',
    summary: 'Make a user an instance admin (or, with --off, no longer one)',
    usage: 'users set-admin <email|user id> [--off]',
    details: [
      'Instance admins may use the admin API (roles) of the auth HTTP API. The flag is kept in the',
      "user's private metadata (gatehouse.admin), which only server code and this CLI can write, and",
      'is read from the database on every admin request: turning it off takes effect at once.',
    ],
    options: { off: { type: 'boolean' } },
    args: { min: 1, max: 1 },
    async run(values, [who = ''], io) {
      const admin = !values.off;
      const user = await (await io.open()).users.setInstanceAdmin(who, admin);
      io.out(`${user.id} (${user.email}) is ${admin ? 'now' : 'no longer'} an instance admin.`);
    },
  },
  {
    name: 'users ban',
    summary: 'Ban a user: every session is revoked at once and sign-in is refused',
    usage: 'users ban <email|user id>',
    args: { min: 1, max: 1 },
    async run(_values, [who = ''], io) {
      const gatehouse = await io.open();
      const user = await gatehouse.users.find(who);
      if (!user) throw new Error(`No user ${who.slice(0, 80)}.`);
      const ended = await gatehouse.sessions.banUser(user.id);
      io.out(`Banned ${user.id} (${user.email}); revoked ${ended.length} session(s).`);
    },
  },
  {
    name: 'users unban',
    summary: 'Lift a ban (ended sessions stay ended)',
    usage: 'users unban <email|user id>',
    args: { min: 1, max: 1 },
    async run(_values, [who = ''], io) {
      const gatehouse = await io.open();
      const user = await gatehouse.users.find(who);
      if (!user || !(await gatehouse.sessions.unbanUser(user.id))) throw new Error(`No user ${who.slice(0, 80)}.`);
      io.out(`Unbanned ${user.id} (${user.email}).`);
    },
  },
  {
    name: 'users delete',
    summary: "Delete a user: sessions revoked, memberships removed (refused for an organization's last admin)",
    usage: 'users delete <email|user id> --yes',
    options: { yes: { type: 'boolean' } },
    args: { min: 1, max: 1 },
    async run(values, [who = ''], io) {
      if (!values.yes) throw new UsageError('users delete needs --yes (it cannot be undone)');
      const gatehouse = await io.open();
      const user = await gatehouse.users.find(who);
      if (!user) throw new Error(`No user ${who.slice(0, 80)}.`);
      await gatehouse.sessions.deleteUser(user.id);
      io.out(`Deleted user ${user.id} (${user.email}).`);
    },
  },
];
