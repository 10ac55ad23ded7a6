// `gatehouse users emails|add-email|verify-email|set-primary-email|remove-email|set-password` and `gatehouse mail list|retry|deliver`: account changes and the mail outbox from the command line.

import { GatehouseError } from '@gatehouse/core';
import type { Gatehouse } from '../instance/instance.js';
import { BACKEND_CONTEXT } from '../sessions/session-core.js';
import { readSecret, table, time, asJson, UsageError, type Command } from './command.js';

async function userOf(gatehouse: Gatehouse, who: string) {
  const user = await gatehouse.users.find(who);
  if (!user) throw new Error(`No user ${who.slice(0, 80)}.`);
  return user;
}

/** The id of one of the user's addresses, by its text. */
async function addressOf(gatehouse: Gatehouse, userId: string, email: string): Promise<string> {
  const wanted = email.trim().toLowerCase();
  const row = (await gatehouse.store.listEmailAddresses(userId)).find((a) => a.email === wanted);
  if (!row) throw new GatehouseError('not_found', 'No such email address on this account.');
  return row.id;
}

export const accountCommands: Command[] = [
  {
    name: 'users emails',
    summary: "A user's email addresses (primary, verified)",
    usage: 'users emails <email|user id> [--json]',
    options: { json: { type: 'boolean' } },
    args: { min: 1, max: 1 },
    async run(values, [who = ''], io) {
      const gatehouse = await io.open();
      const user = await userOf(gatehouse, who);
      const rows = await gatehouse.store.listEmailAddresses(user.id);
      if (values.json)
        return io.out(asJson(rows.map((r) => ({ id: r.id, email: r.email, verified: r.verified === 1, primary: r.email === user.email }))));
      io.out(
        table(
          ['ID', 'EMAIL', 'PRIMARY', 'VERIFIED', 'ADDED'],
          rows.map((r) => [
            r.id,
            r.email,
            r.email === user.email ? 'yes' : 'no',
            r.verified === 1 ? 'yes' : 'no',
            time(Number(r.created_at)),
          ]),
        ),
      );
    },
  },
  {
    name: 'users add-email',
    summary: 'Add an address to a user (a code is mailed to it, unless --verified); --primary makes it the primary one',
    usage: 'users add-email <email|user id> <new address> [--verified] [--primary]',
    options: { verified: { type: 'boolean' }, primary: { type: 'boolean' } },
    args: { min: 2, max: 2 },
    async run(values, [who = '', email = ''], io) {
      if (values.primary && !values.verified) throw new UsageError('--primary needs --verified (only a verified address can be primary)');
      const gatehouse = await io.open();
      const user = await userOf(gatehouse, who);
      const added = await gatehouse.accounts.changes.addEmailAddress(user.id, email, BACKEND_CONTEXT, {
        verified: values.verified === true,
      });
      if (values.primary) await gatehouse.accounts.changes.setPrimaryEmailAddress(user.id, added.id, BACKEND_CONTEXT);
      io.out(`Added ${added.emailAddress} (${added.id}) to ${user.id}${values.verified ? ', verified' : '; a code was mailed to it'}.`);
    },
  },
  {
    name: 'users verify-email',
    summary: "Mark one of a user's addresses verified (you checked it yourself)",
    usage: 'users verify-email <email|user id> <address>',
    args: { min: 2, max: 2 },
    async run(_values, [who = '', email = ''], io) {
      const gatehouse = await io.open();
      const user = await userOf(gatehouse, who);
      const address = await gatehouse.accounts.changes.setVerified(
        user.id,
        await addressOf(gatehouse, user.id, email),
        true,
        BACKEND_CONTEXT,
      );
      io.out(`${address.emailAddress} is verified.`);
    },
  },
  {
    name: 'users set-primary-email',
    summary: "Make one of a user's verified addresses the primary one (the one that signs in)",
    usage: 'users set-primary-email <email|user id> <address>',
    args: { min: 2, max: 2 },
    async run(_values, [who = '', email = ''], io) {
      const gatehouse = await io.open();
      const user = await userOf(gatehouse, who);
      await gatehouse.accounts.changes.setPrimaryEmailAddress(user.id, await addressOf(gatehouse, user.id, email), BACKEND_CONTEXT);
      io.out(`${email.trim().toLowerCase()} is now the primary address of ${user.id}.`);
    },
  },
  {
    name: 'users remove-email',
    summary: "Remove one of a user's addresses (never the primary one)",
    usage: 'users remove-email <email|user id> <address>',
    args: { min: 2, max: 2 },
    async run(_values, [who = '', email = ''], io) {
      const gatehouse = await io.open();
      const user = await userOf(gatehouse, who);
      await gatehouse.accounts.changes.removeEmailAddress(user.id, await addressOf(gatehouse, user.id, email), BACKEND_CONTEXT);
      io.out(`Removed ${email.trim().toLowerCase()} from ${user.id}.`);
    },
  },
  {
    name: 'users set-password',
    summary: "Set a user's password (read from stdin; the password policy applies); --sign-out ends their sessions",
    usage: 'users set-password <email|user id> --password-stdin [--sign-out]',
    options: { 'password-stdin': { type: 'boolean' }, 'sign-out': { type: 'boolean' } },
    args: { min: 1, max: 1 },
    async run(values, [who = ''], io) {
      if (!values['password-stdin']) throw new UsageError('users set-password needs --password-stdin (the password is read from stdin)');
      const gatehouse = await io.open();
      const user = await userOf(gatehouse, who);
      const password = await readSecret(io, 'New password');
      if (password === '') throw new Error('No password on stdin.');
      await gatehouse.users.update(user.id, { password });
      const ended = values['sign-out'] ? await gatehouse.sessions.endAllUserSessions(user.id) : [];
      io.out(`Set the password of ${user.id}${values['sign-out'] ? `; ended ${ended.length} session(s)` : ''}.`);
    },
  },
  {
    name: 'mail list',
    summary: 'Recent mails of the outbox, newest first: pending, sent and failed (never their bodies)',
    usage: 'mail list [--status pending|sent|failed] [--limit N] [--json]',
    options: { status: { type: 'string' }, limit: { type: 'string' }, json: { type: 'boolean' } },
    async run(values, _positionals, io) {
      const status = values.status;
      if (status !== undefined && status !== 'pending' && status !== 'sent' && status !== 'failed')
        throw new UsageError('--status takes pending, sent or failed');
      const limit = values.limit === undefined ? 50 : Number(values.limit);
      if (!Number.isInteger(limit) || limit < 1 || limit > 500) throw new UsageError('--limit takes a number from 1 to 500');
      const mails = await (await io.open()).mail.list({ ...(status ? { status } : {}), limit });
      if (values.json) return io.out(asJson(mails));
      if (mails.length === 0) return io.out('No mail.');
      io.out(
        table(
          ['ID', 'KIND', 'TO', 'STATUS', 'ATTEMPTS', 'CREATED', 'SENT', 'LAST ERROR'],
          mails.map((m) => [m.id, m.kind, m.to, m.status, String(m.attempts), time(m.createdAt), time(m.sentAt), m.lastError ?? '']),
        ),
      );
    },
  },
  {
    name: 'mail retry',
    summary: 'Send a failed mail again',
    usage: 'mail retry <mail id>',
    args: { min: 1, max: 1 },
    async run(_values, [id = ''], io) {
      if (!(await (await io.open()).mail.retry(id))) throw new Error(`No failed mail ${id.slice(0, 80)}.`);
      io.out(`${id} is due again.`);
    },
  },
  {
    name: 'mail deliver',
    summary: "Send the outbox's due mails once (for deployments that run no mail worker: GATEHOUSE_MAIL_WORKER=0)",
    usage: 'mail deliver',
    async run(_values, _positionals, io) {
      const sent = await (await io.open()).mail.deliverDue();
      io.out(`Sent ${sent} mail(s).`);
    },
  },
];
