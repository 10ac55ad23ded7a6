// `gatehouse sessions …`: a user's live sessions, and revoking one from the command line.

import { asJson, table, time, UsageError, type Command } from './command.js';

const SESSION_ID = /^sess_[a-z2-7]{26}$/;

export const sessionCommands: Command[] = [
  {
    name: 'sessions list',
    summary: "List a user's live sessions on every device, most recently active first",
    usage: 'sessions list <email|user id> [--json]',
    options: { json: { type: 'boolean' } },
    args: { min: 1, max: 1 },
    async run(values, [who = ''], io) {
      const gatehouse = await io.open();
      const user = await gatehouse.users.find(who);
      if (!user) throw new Error(`No user ${who.slice(0, 80)}.`);
      const sessions = await gatehouse.sessions.listUserSessions(user.id);
      if (values.json) return io.out(asJson(sessions));
      if (sessions.length === 0) return io.out(`${user.email} has no live session.`);
      io.out(
        table(
          ['ID', 'STATUS', 'DEVICE', 'IP', 'LAST ACTIVE', 'EXPIRES'],
          sessions.map((s) => [s.id, s.status, s.device, s.ip ?? '-', time(s.lastActiveAt), time(s.expireAt)]),
        ),
      );
    },
  },
  {
    name: 'sessions revoke',
    summary: 'Revoke a live session (sign that device out)',
    usage: 'sessions revoke <session id>',
    details: [
      'The session can no longer refresh. Its current short-lived token is refused at once by instances',
      'that share REDIS_URL; without Redis, other running processes refuse it when it expires (seconds).',
    ],
    args: { min: 1, max: 1 },
    async run(_values, [sessionId = ''], io) {
      if (!SESSION_ID.test(sessionId)) throw new UsageError(`not a session id: ${sessionId.slice(0, 40)}`);
      const revoked = await (await io.open()).sessions.revokeSession(sessionId);
      if (!revoked) throw new Error(`No live session ${sessionId} (it does not exist or has already ended).`);
      io.out(`Revoked session ${sessionId}.`);
    },
  },
];
