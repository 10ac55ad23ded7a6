// Sending mail: the pluggable Mailer, the development mailer with its in-memory inbox, and the production default that refuses.

import { GatehouseError } from '@gatehouse/core';

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  /** The same content as HTML (the templates render both). */
  html?: string;
  /** The outbox id: the Message-ID's local part, so a copy sent again after a crash is recognisably the same mail. */
  id?: string;
  /** The link the message is about (an invitation's accept URL, a verification link); it carries a single-use token. */
  url?: string;
}

/** Sends one message. Plug in SMTP, an email API or a queue; a rejection fails the call that sent it. */
export interface Mailer {
  send(message: MailMessage): Promise<void>;
}

export interface DevInboxMessage extends MailMessage {
  /** The message's link, or '' for a mail without one (a code). */
  url: string;
  sentAt: number;
}

export interface DevMailer extends Mailer {
  /** The messages sent so far, newest first (at most the last 100). */
  inbox(): DevInboxMessage[];
}

const DEV_INBOX_SIZE = 100;

/**
 * The development mailer: keeps messages in memory (for `GET {base}/dev/inbox`) and logs one line
 * per message. The line carries the link, so it is only ever used outside production.
 */
export function createDevMailer(log: (line: string) => void, now: () => number): DevMailer {
  const messages: DevInboxMessage[] = [];
  return {
    async send(message) {
      messages.unshift({ ...message, url: message.url ?? '', sentAt: now() });
      messages.length = Math.min(messages.length, DEV_INBOX_SIZE);
      log(`gatehouse dev mailer: "${message.subject}" to ${message.to}${message.url ? `: ${message.url}` : ' (open the dev inbox)'}`);
    },
    inbox: () => messages.map((m) => ({ ...m })),
  };
}

/**
 * The production default when no mailer is configured: refuses, so that a link or code (a bearer
 * secret) never ends up in a production log and the operator learns what to set up.
 */
export function createUnconfiguredMailer(): Mailer {
  return {
    async send() {
      throw new GatehouseError('setup_missing', UNCONFIGURED_MAILER);
    },
  };
}

/** What a production instance without a mailer answers when something must be mailed. */
export const UNCONFIGURED_MAILER =
  'No mailer is configured: set GATEHOUSE_SMTP_URL (or pass `mailer` to createGatehouse()) to send mail in production.';
