// `gatehouse sessions …`: revoking a session from the command line.

import { UsageError, type Command } from './command.js';

const SESSION_ID = /^sess_[a-z2-7]{26}$/;

export const sessionCommands: Command[] = [
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
