// The mail outbox table and its queries: every mail is a row first, written in the transaction of the change that sends it.

import type { Insertable, Kysely, Selectable, Transaction, Updateable } from 'kysely';
import type { Database, Dialect } from '../store/types.js';

export type MailStatus = 'pending' | 'sent' | 'failed';

export interface MailOutboxTable {
  /** `mail_…`; also the Message-ID's local part, so a resent copy is recognisably the same mail. */
  id: string;
  /** The template: `verification_code`, `reset_password_code`, `sign_up_attempted`, `invitation`, … */
  kind: string;
  to_address: string;
  subject: string;
  /** Hold codes and links (bearer secrets) until sent; blanked once the mail is sent. */
  text_body: string;
  html_body: string;
  /** The link the mail is about (an invitation's accept URL) or ''; blanked with the bodies. */
  link: string;
  status: MailStatus;
  attempts: number;
  next_attempt_at: number;
  lease_owner: string | null;
  lease_until: number | null;
  /** The last SMTP error (no message content). */
  last_error: string | null;
  created_at: number;
  updated_at: number;
  sent_at: number | null;
}

export interface MailDatabase {
  mail_outbox: MailOutboxTable;
}

export type MailRow = Selectable<MailOutboxTable>;

export interface MailStore {
  insertMail(row: Insertable<MailOutboxTable>): Promise<void>;
  /**
   * Leases up to `limit` due pending mails to `owner` until `now + leaseMs`, counting the attempt
   * (PostgreSQL: `FOR UPDATE SKIP LOCKED`, so concurrent workers take disjoint sets).
   */
  claimMail(options: { now: number; limit: number; leaseMs: number; owner: string }): Promise<MailRow[]>;
  /** Records the outcome, only while `owner` still holds the lease. */
  finishMail(id: string, owner: string, changes: Updateable<MailOutboxTable>): Promise<boolean>;
  /** Newest first, without bodies. */
  listMail(filter: { status?: MailStatus; limit: number }): Promise<Omit<MailRow, 'text_body' | 'html_body' | 'link'>[]>;
  /** Makes a failed mail due again. */
  retryMail(id: string, at: number): Promise<boolean>;
}

export function mailQueries(db: Kysely<Database> | Transaction<Database>, dialect: Dialect): MailStore {
  return {
    async insertMail(row) {
      await db.insertInto('mail_outbox').values(row).execute();
    },
    async claimMail({ now, limit, leaseMs, owner }) {
      const claimed = await db
        .updateTable('mail_outbox')
        .set((eb) => ({ lease_owner: owner, lease_until: now + leaseMs, attempts: eb(eb.ref('attempts'), '+', 1), updated_at: now }))
        .where('id', 'in', (eb) => {
          const due = eb
            .selectFrom('mail_outbox as c')
            .select('c.id')
            .where('c.status', '=', 'pending')
            .where('c.next_attempt_at', '<=', now)
            .where((w) => w.or([w('c.lease_until', 'is', null), w('c.lease_until', '<=', now)]))
            .orderBy('c.next_attempt_at')
            .orderBy('c.id')
            .limit(limit);
          return dialect === 'postgres' ? due.forUpdate().skipLocked() : due;
        })
        .where('status', '=', 'pending')
        .where((w) => w.or([w('lease_until', 'is', null), w('lease_until', '<=', now)]))
        .returning('id')
        .execute();
      if (claimed.length === 0) return [];
      return db
        .selectFrom('mail_outbox')
        .selectAll()
        .where(
          'id',
          'in',
          claimed.map((r) => r.id),
        )
        .orderBy('next_attempt_at')
        .orderBy('id')
        .execute();
    },
    async finishMail(id, owner, changes) {
      const result = await db
        .updateTable('mail_outbox')
        .set({ ...changes, lease_owner: null, lease_until: null })
        .where('id', '=', id)
        .where('lease_owner', '=', owner)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },
    async listMail({ status, limit }) {
      let query = db
        .selectFrom('mail_outbox')
        .select([
          'id',
          'kind',
          'to_address',
          'subject',
          'status',
          'attempts',
          'next_attempt_at',
          'lease_owner',
          'lease_until',
          'last_error',
          'created_at',
          'updated_at',
          'sent_at',
        ])
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .limit(limit);
      if (status) query = query.where('status', '=', status);
      return query.execute();
    },
    async retryMail(id, at) {
      const result = await db
        .updateTable('mail_outbox')
        .set({ status: 'pending', attempts: 0, next_attempt_at: at, lease_owner: null, lease_until: null, updated_at: at })
        .where('id', '=', id)
        .where('status', '=', 'failed')
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },
  };
}
