// The backend API's account operations (Clerk's `emailAddresses` names) and the mail outbox's recent sends and failures.

import { z } from 'zod';
import { GatehouseError, type EmailAddress } from '@gatehouse/core';
import { operation, type DeletedObject, type PaginatedList } from '../backend/operation.js';
import { USER_ID_PATTERN } from '../store/ids.js';
import type { Gatehouse } from '../instance/instance.js';
import type { MailSummary } from '../mail/outbox.js';
import { toEmailAddress } from '../users/users.js';

const USER_ID = z.string().regex(USER_ID_PATTERN, 'Not a user id');
const ADDRESS_ID = z.string().regex(/^idn_[A-Za-z0-9]{20,64}$/, 'Not an email address id');
const EMAIL = z
  .string()
  .max(320)
  .transform((s) => s.trim())
  .pipe(z.email({ message: 'Enter a valid email address' }));

/** The email address's owner, or not_found. */
async function ownerOf(gatehouse: Gatehouse, id: string): Promise<string> {
  const row = await gatehouse.store.findEmailAddressById(id);
  if (!row) throw new GatehouseError('not_found', 'No such email address.');
  return row.user_id;
}

type BackendEmailAddress = EmailAddress & { object: 'email_address'; userId: string };

async function view(gatehouse: Gatehouse, id: string): Promise<BackendEmailAddress> {
  const row = await gatehouse.store.findEmailAddressById(id);
  if (!row) throw new GatehouseError('not_found', 'No such email address.');
  return { object: 'email_address', userId: row.user_id, ...toEmailAddress(row) };
}

export const emailAddresses = {
  createEmailAddress: operation({
    method: 'POST',
    path: '/email_addresses',
    summary: 'Add an address to a user: verified (no mail) or not (a code is mailed); optionally the primary one',
    input: z.object({ userId: USER_ID, emailAddress: EMAIL, verified: z.boolean().optional(), primary: z.boolean().optional() }).strict(),
    args: (params: { userId: string; emailAddress: string; verified?: boolean; primary?: boolean }) => params,
    async run(gatehouse, input, ctx): Promise<BackendEmailAddress> {
      if (input.primary && !input.verified) throw new GatehouseError('bad_request', 'Only a verified address can be the primary one.');
      const added = await gatehouse.accounts.changes.addEmailAddress(input.userId, input.emailAddress, ctx, { verified: input.verified });
      if (input.primary) await gatehouse.accounts.changes.setPrimaryEmailAddress(input.userId, added.id, ctx);
      return view(gatehouse, added.id);
    },
  }),
  getEmailAddress: operation({
    method: 'GET',
    path: '/email_addresses/{emailAddressId}',
    summary: 'An email address',
    input: z.object({ emailAddressId: ADDRESS_ID }).strict(),
    args: (emailAddressId: string) => ({ emailAddressId }),
    run: (gatehouse, { emailAddressId }) => view(gatehouse, emailAddressId),
  }),
  updateEmailAddress: operation({
    method: 'PATCH',
    path: '/email_addresses/{emailAddressId}',
    summary: 'Mark an address verified or not, or make it the primary one',
    input: z.object({ emailAddressId: ADDRESS_ID, verified: z.boolean().optional(), primary: z.literal(true).optional() }).strict(),
    args: (emailAddressId: string, params: { verified?: boolean; primary?: true }) => ({ ...params, emailAddressId }),
    async run(gatehouse, { emailAddressId, verified, primary }, ctx): Promise<BackendEmailAddress> {
      const userId = await ownerOf(gatehouse, emailAddressId);
      if (verified !== undefined) await gatehouse.accounts.changes.setVerified(userId, emailAddressId, verified, ctx);
      if (primary) await gatehouse.accounts.changes.setPrimaryEmailAddress(userId, emailAddressId, ctx);
      return view(gatehouse, emailAddressId);
    },
  }),
  deleteEmailAddress: operation({
    method: 'DELETE',
    path: '/email_addresses/{emailAddressId}',
    summary: 'Remove an address (never the primary one)',
    input: z.object({ emailAddressId: ADDRESS_ID }).strict(),
    args: (emailAddressId: string) => ({ emailAddressId }),
    async run(gatehouse, { emailAddressId }, ctx): Promise<DeletedObject> {
      await gatehouse.accounts.changes.removeEmailAddress(await ownerOf(gatehouse, emailAddressId), emailAddressId, ctx);
      return { object: 'email_address', id: emailAddressId, deleted: true };
    },
  }),
};

export const mail = {
  getMailList: operation({
    method: 'GET',
    path: '/mail',
    summary: 'Recent mails of the outbox, newest first (no bodies): pending, sent and failed',
    input: z
      .object({ status: z.enum(['pending', 'sent', 'failed']).optional(), limit: z.coerce.number().int().min(1).max(500).optional() })
      .strict(),
    args: (params: { status?: 'pending' | 'sent' | 'failed'; limit?: number } = {}) => params,
    run: async (gatehouse, input): Promise<PaginatedList<MailSummary>> => {
      const data = await gatehouse.mail.list(input);
      return { data, totalCount: data.length };
    },
  }),
  retryMail: operation({
    method: 'POST',
    path: '/mail/{mailId}/retry',
    summary: 'Send a failed mail again',
    input: z.object({ mailId: z.string().regex(/^mail_[a-z2-7]{26}$/, 'Not a mail id') }).strict(),
    args: (mailId: string) => ({ mailId }),
    async run(gatehouse, { mailId }) {
      if (!(await gatehouse.mail.retry(mailId))) throw new GatehouseError('not_found', 'No such failed mail.');
      return { id: mailId, status: 'pending' as const };
    },
  }),
};
