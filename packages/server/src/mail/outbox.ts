// The mail outbox: mails are written as rows in the transaction of the change that sends them, then delivered by a worker with retries and backoff.

import { randomUUID } from 'node:crypto';
import { newId } from '../store/ids.js';
import type { Store } from '../store/types.js';
import type { Mailer } from './mailer.js';
import type { MailRow, MailStatus } from './mail-store.js';
import type { RenderedMail } from './templates.js';

export interface MailDeliveryOptions {
  /** Attempts before a mail is marked failed (default 8; the dashboard can send it again). */
  maxAttempts?: number;
  /** The first retry's delay in ms, doubled each attempt up to an hour (default 5000). */
  backoffMs?: number;
  /** How long one worker holds a mail it is sending (default 60 s): a crash mid-send frees it after this. */
  leaseMs?: number;
  /** Poll interval of the background worker (default 2000 ms). */
  pollMs?: number;
}

export interface MailSummary {
  id: string;
  kind: string;
  to: string;
  subject: string;
  status: MailStatus;
  attempts: number;
  nextAttemptAt: number;
  lastError: string | null;
  createdAt: number;
  sentAt: number | null;
}

export interface MailOutbox {
  /** Writes a mail inside `tx` (the change's transaction); returns its id. Delivery happens after the commit. `link`: the URL the mail is about. */
  enqueue(tx: Store, to: string, kind: string, mail: RenderedMail, link?: string): Promise<string>;
  /** Tries to send these mails now (after their commit), so a working mailer delivers at once; failures stay queued. */
  flush(ids: readonly string[]): Promise<void>;
  /** Sends every due mail once; returns how many were sent. */
  deliverDue(): Promise<number>;
  /** Recent mails, newest first, without bodies (the dashboard's mail page). */
  list(filter?: { status?: MailStatus; limit?: number }): Promise<MailSummary[]>;
  /** Makes a failed mail due again. */
  retry(id: string): Promise<boolean>;
  startWorker(): void;
  stopWorker(): Promise<void>;
}

const HOUR = 3_600_000;

function summary(row: Omit<MailRow, 'text_body' | 'html_body' | 'link'>): MailSummary {
  return {
    id: row.id,
    kind: row.kind,
    to: row.to_address,
    subject: row.subject,
    status: row.status,
    attempts: Number(row.attempts),
    nextAttemptAt: Number(row.next_attempt_at),
    lastError: row.last_error,
    createdAt: Number(row.created_at),
    sentAt: row.sent_at === null ? null : Number(row.sent_at),
  };
}

/**
 * The outbox of an instance. Each mail is leased before it is sent, so two workers (or two
 * instances) never send one row twice; a crash between "sent" and "recorded" frees the lease after
 * `leaseMs` and the mail goes again with the same Message-ID. Bodies (codes, links) are blanked once sent.
 */
export function createMailOutbox(
  deps: { store: Store; mailer: () => Mailer; now: () => number; log: (line: string) => void },
  options: MailDeliveryOptions = {},
): MailOutbox {
  const { store, now, log } = deps;
  const maxAttempts = options.maxAttempts ?? 8;
  const backoffMs = options.backoffMs ?? 5_000;
  const leaseMs = options.leaseMs ?? 60_000;
  const pollMs = options.pollMs ?? 2_000;
  const owner = `mw_${randomUUID()}`;
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<unknown> | null = null;

  async function deliver(row: MailRow): Promise<boolean> {
    try {
      await deps.mailer().send({
        id: row.id,
        to: row.to_address,
        subject: row.subject,
        text: row.text_body,
        html: row.html_body,
        ...(row.link ? { url: row.link } : {}),
      });
    } catch (error) {
      const attempts = Number(row.attempts);
      const failed = attempts >= maxAttempts;
      const message = error instanceof Error ? error.message.slice(0, 500) : 'unknown error';
      await store.finishMail(row.id, owner, {
        status: failed ? 'failed' : 'pending',
        next_attempt_at: now() + Math.min(backoffMs * 2 ** (attempts - 1), HOUR),
        last_error: message,
        updated_at: now(),
      });
      log(`gatehouse: mail ${row.id} (${row.kind}) not sent, attempt ${attempts}${failed ? ', giving up' : ', will retry'}: ${message}`);
      return false;
    }
    const t = now();
    await store.finishMail(row.id, owner, {
      status: 'sent',
      sent_at: t,
      updated_at: t,
      last_error: null,
      text_body: '',
      html_body: '',
      link: '',
    });
    return true;
  }

  async function deliverDue(limit = 20): Promise<number> {
    const rows = await store.claimMail({ now: now(), limit, leaseMs, owner });
    let sent = 0;
    for (const row of rows) if (await deliver(row)) sent += 1;
    return sent;
  }

  return {
    async enqueue(tx, to, kind, mail, link = '') {
      const id = newId('mail');
      const t = now();
      await tx.insertMail({
        id,
        kind,
        to_address: to,
        subject: mail.subject,
        text_body: mail.text,
        html_body: mail.html,
        link,
        status: 'pending',
        attempts: 0,
        next_attempt_at: t,
        lease_owner: null,
        lease_until: null,
        last_error: null,
        created_at: t,
        updated_at: t,
        sent_at: null,
      });
      return id;
    },
    async flush(ids) {
      if (ids.length === 0) return;
      // Claims due mails (these are), so a concurrent worker never sends the same row; failures are logged and retried later.
      try {
        await deliverDue(Math.max(ids.length, 5));
      } catch (error) {
        log(`gatehouse: mail delivery failed: ${error instanceof Error ? error.name : 'error'}; the worker retries`);
      }
    },
    deliverDue: () => deliverDue(),
    async list(filter = {}) {
      const rows = await store.listMail({ ...(filter.status ? { status: filter.status } : {}), limit: Math.min(filter.limit ?? 50, 500) });
      return rows.map(summary);
    },
    retry: (id) => store.retryMail(id, now()),
    startWorker() {
      if (timer) return;
      const tick = () => {
        running = deliverDue()
          .catch((error: unknown) => log(`gatehouse: mail worker: ${error instanceof Error ? error.name : 'error'}`))
          .finally(() => {
            running = null;
            if (timer) timer = setTimeout(tick, pollMs).unref();
          });
      };
      timer = setTimeout(tick, 0).unref();
    },
    async stopWorker() {
      if (timer) clearTimeout(timer);
      timer = null;
      await running;
    },
  };
}
