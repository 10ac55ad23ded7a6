// A real SMTP server (smtp-server) on a loopback port that keeps every message it receives: the tests read codes and links from it.

import { after, before } from 'node:test';
import { SMTPServer } from 'smtp-server';
import type { GatehouseOptions } from '@gatehouse/server';
import { createTestInstance, type TestInstance } from './instance.js';

export interface SinkMessage {
  to: string[];
  from: string;
  raw: string;
  subject: string;
  /** The quoted-printable soft line breaks undone (enough to read codes and links). */
  body: string;
}

export interface SmtpSink {
  url: string;
  port: number;
  messages: SinkMessage[];
  /** Refuse (true) or accept (false) mail from now on: an SMTP outage without closing the port. */
  refuse(on: boolean): void;
  /** Waits until a message to `to` matching `match` arrives (bounded); returns it. */
  waitFor(to: string, match?: RegExp, timeoutMs?: number): Promise<SinkMessage>;
  close(): Promise<void>;
}

function decodeQp(raw: string): string {
  return raw.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

export async function startSmtpSink(): Promise<SmtpSink> {
  const messages: SinkMessage[] = [];
  let refusing = false;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onRcptTo(_address, _session, callback) {
      if (refusing) return callback(Object.assign(new Error('Mailbox unavailable'), { responseCode: 451 }));
      return callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const subject = /^Subject: (.*)$/im.exec(raw)?.[1]?.trim() ?? '';
        messages.push({
          to: session.envelope.rcptTo.map((r) => r.address.toLowerCase()),
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          raw,
          subject,
          body: decodeQp(raw),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.server.address() as { port: number }).port;
  return {
    url: `smtp://127.0.0.1:${port}`,
    port,
    messages,
    refuse(on) {
      refusing = on;
    },
    async waitFor(to, match, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = messages.find((m) => m.to.includes(to.toLowerCase()) && (!match || match.test(m.body)));
        if (found) return found;
        if (Date.now() > deadline) throw new Error(`no mail to ${to} within ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The 6-digit code on its own line of a mail's text part. */
export function codeFrom(message: SinkMessage): string {
  const code = /^(\d{6})\r?$/m.exec(message.body)?.[1];
  if (!code) throw new Error(`no code in "${message.subject}"`);
  return code;
}

/** The sender the instances that mail into a sink use. */
export const SINK_FROM = 'Gatehouse <no-reply@gatehouse.test>';

/**
 * A sink and an instance that mails into it, shared by a test file's tests: started before them, the
 * instance closed and then the sink after them. The objects returned are filled in when they start.
 */
export function mailInstanceOfFile(options: Partial<GatehouseOptions> = {}): { t: TestInstance; sink: SmtpSink } {
  const t = {} as TestInstance;
  const sink = {} as SmtpSink;
  const opened: { t?: TestInstance; sink?: SmtpSink } = {};
  before(async () => {
    opened.sink = Object.assign(sink, await startSmtpSink());
    opened.t = Object.assign(t, await createTestInstance({ smtp: { url: sink.url, from: SINK_FROM }, ...options }));
  });
  after(async () => {
    await opened.t?.close();
    await opened.sink?.close();
  });
  return { t, sink };
}
