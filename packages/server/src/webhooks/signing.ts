// Standard Webhooks signatures: HMAC-SHA256 over `id.timestamp.body`, sent as `webhook-*` headers (and `svix-*` for receivers written for Clerk).

import { createHmac } from 'node:crypto';
import { secretKeyBytes } from './secrets.js';

/** `v1,<base64 HMAC-SHA256>` of one message under one `whsec_…` secret. */
export function signature(secret: string, id: string, timestampSeconds: number, body: string): string {
  const mac = createHmac('sha256', secretKeyBytes(secret)).update(`${id}.${timestampSeconds}.${body}`).digest('base64');
  return `v1,${mac}`;
}

/**
 * The signature headers of one delivery. With several secrets (the current one and, during a
 * rotation, the previous one) the signature header lists one signature per secret, space-separated:
 * a receiver that still has the old secret keeps verifying until it switches.
 */
export function signatureHeaders(secrets: readonly string[], id: string, timestampSeconds: number, body: string): Record<string, string> {
  const signatures = secrets.map((secret) => signature(secret, id, timestampSeconds, body)).join(' ');
  const timestamp = String(timestampSeconds);
  return {
    'webhook-id': id,
    'webhook-timestamp': timestamp,
    'webhook-signature': signatures,
    'svix-id': id,
    'svix-timestamp': timestamp,
    'svix-signature': signatures,
  };
}
