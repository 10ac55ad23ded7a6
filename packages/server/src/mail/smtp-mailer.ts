// The SMTP mailer (nodemailer): GATEHOUSE_SMTP_URL (smtp:// or smtps://, credentials in the URL) and GATEHOUSE_EMAIL_FROM.

import { createTransport } from 'nodemailer';
import { GatehouseError } from '@gatehouse/core';
import type { Mailer } from './mailer.js';

export interface SmtpMailerOptions {
  /** `smtp://user:pass@host:587` (STARTTLS when the server offers it) or `smtps://user:pass@host:465` (TLS from the start). */
  url: string;
  /** The From header, e.g. `Acme <no-reply@acme.example>`. */
  from: string;
  /** Connection, greeting and socket bounds in milliseconds (default 10000): a hung server fails the attempt, the outbox retries. */
  timeoutMs?: number;
}

export interface SmtpMailer extends Mailer {
  close(): void;
}

/**
 * Checks the URL's scheme at construction, so a typo fails at start, not at the first mail.
 * @throws TypeError when the URL is not smtp:// or smtps://, or `from` is empty
 */
export function createSmtpMailer(options: SmtpMailerOptions): SmtpMailer {
  let url: URL;
  try {
    url = new URL(options.url);
  } catch {
    throw new TypeError('GATEHOUSE_SMTP_URL must be an smtp:// or smtps:// URL');
  }
  if (url.protocol !== 'smtp:' && url.protocol !== 'smtps:') throw new TypeError('GATEHOUSE_SMTP_URL must be an smtp:// or smtps:// URL');
  if (!options.from.trim()) throw new TypeError('GATEHOUSE_EMAIL_FROM must name the sender, e.g. "Acme <no-reply@acme.example>"');
  const timeout = options.timeoutMs ?? 10_000;
  const transport = createTransport({
    host: url.hostname,
    port: url.port ? Number(url.port) : url.protocol === 'smtps:' ? 465 : 587,
    secure: url.protocol === 'smtps:',
    ...(url.username ? { auth: { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) } } : {}),
    connectionTimeout: timeout,
    greetingTimeout: timeout,
    socketTimeout: timeout,
    // A TLS name mismatch or an untrusted certificate is a failure, never a silent plain-text downgrade.
    tls: { rejectUnauthorized: url.searchParams.get('tls_insecure') !== '1' },
  });
  const domain = (/@([^>\s]+)>?\s*$/.exec(options.from)?.[1] ?? 'gatehouse.local').toLowerCase();
  return {
    async send(message) {
      try {
        await transport.sendMail({
          from: options.from,
          to: message.to,
          subject: message.subject,
          text: message.text,
          ...(message.html ? { html: message.html } : {}),
          ...(message.id ? { messageId: `<${message.id}@${domain}>` } : {}),
        });
      } catch (error) {
        // Only the SMTP reply code and nodemailer's error code: the message may quote the mail.
        const detail = error as { code?: unknown; responseCode?: unknown };
        const code = [detail.code, detail.responseCode].filter((v) => typeof v === 'string' || typeof v === 'number').join(' ');
        throw new GatehouseError('service_unavailable', `The SMTP server did not take the mail${code ? ` (${code})` : ''}.`, {
          cause: error,
        });
      }
    },
    close: () => transport.close(),
  };
}
