// An instance's mail: which mailer sends (given, SMTP, the dev mailer, or one that refuses), the
// dev inbox's production guard, failures counted, and the outbox in front of it.

import { GatehouseError } from '@gatehouse/core';
import type { Store } from '../store/types.js';
import type { Metrics } from '../observability/metrics.js';
import { createDevMailer, createUnconfiguredMailer, type DevInboxMessage, type Mailer } from './mailer.js';
import { createSmtpMailer, type SmtpMailer } from './smtp-mailer.js';
import { createMailOutbox, type MailDeliveryOptions, type MailOutbox } from './outbox.js';

export interface InstanceMailOptions {
  mailer?: Mailer | undefined;
  smtp?: { url: string; from: string } | undefined;
  mail?: (MailDeliveryOptions & { worker?: boolean }) | undefined;
  devInbox?: boolean | 'allow-in-production' | undefined;
}

export interface InstanceMail {
  readonly outbox: MailOutbox;
  /** Whether anything can send (a given mailer, SMTP or the dev mailer). */
  readonly ready: boolean;
  /** The dev mailer's messages (empty without it). */
  devInbox(): DevInboxMessage[];
  /** Closes the SMTP connection, if any. */
  close(): void;
}

/**
 * @throws TypeError when the dev inbox is asked for in production without the explicit opt-in
 * @throws GatehouseError `setup_missing` (through `fail`) when a production server must mail
 *   verification codes and cannot, or the SMTP URL is unusable
 */
export async function openInstanceMail(
  options: InstanceMailOptions,
  deps: {
    store: Store;
    now: () => number;
    log: (line: string) => void;
    metrics: Metrics;
    verificationRequired: () => boolean;
    fail: (error: unknown) => Promise<never>;
  },
): Promise<InstanceMail> {
  const { store, now, log, metrics } = deps;
  const production = process.env.NODE_ENV === 'production';
  const devInboxInProduction = production && options.devInbox === 'allow-in-production';
  if (options.devInbox === true && production) throw new TypeError('devInbox exposes invitation links: it cannot be enabled in production');
  if (devInboxInProduction)
    log('gatehouse: WARNING: the dev inbox is on in production; anyone can read invitation links at GET /dev/inbox');
  const devMailer = options.mailer || options.smtp || (production && !devInboxInProduction) ? null : createDevMailer(log, now);
  let smtpMailer: SmtpMailer | null = null;
  try {
    if (!options.mailer && options.smtp) smtpMailer = createSmtpMailer(options.smtp);
  } catch (error) {
    await deps.fail(error);
  }
  // Every send is counted (failures by kind), whether it comes from the outbox or an invitation.
  const mailer: Mailer = countFailures(options.mailer ?? smtpMailer ?? devMailer ?? createUnconfiguredMailer(), metrics);
  // Verification codes are the way in: a production process that serves (and so runs the mail worker)
  // and requires them but cannot mail them does not start. CLI commands that only read or write data still open.
  if (production && options.mail?.worker && deps.verificationRequired() && !options.mailer && !smtpMailer && !devMailer) {
    await deps.fail(
      new GatehouseError(
        'setup_missing',
        'Email verification is required but no mailer is configured: set GATEHOUSE_SMTP_URL (smtp:// or smtps://) and GATEHOUSE_EMAIL_FROM, or turn verification off with GATEHOUSE_EMAIL_VERIFICATION=off.',
      ),
    );
  }
  return {
    outbox: createMailOutbox({ store, mailer: () => mailer, now, log }, options.mail),
    ready: Boolean(options.mailer || smtpMailer || devMailer),
    devInbox: () => devMailer?.inbox() ?? [],
    close: () => smtpMailer?.close(),
  };
}

/** The mailer with every refused send counted (the error still reaches the caller). */
function countFailures(mailer: Mailer, metrics: Metrics): Mailer {
  return {
    ...mailer,
    send: (message) =>
      mailer.send(message).catch((error: unknown) => {
        metrics.mailFailure();
        throw error;
      }),
  };
}
