// verifyWebhook(): checks a Standard Webhooks signature (webhook-* or svix-* headers) with Web Crypto, so it runs on Node and the edge.

import { GatehouseError } from '@gatehouse/core';
import type { WebhookEvent } from '@gatehouse/server';

export interface VerifyWebhookOptions {
  /**
   * The endpoint's `whsec_…` secret. Default: `GATEHOUSE_WEBHOOK_SIGNING_SECRET`, else
   * `CLERK_WEBHOOK_SIGNING_SECRET` (so an app moving from Clerk keeps its variable).
   */
  signingSecret?: string;
}

/** How far a webhook's timestamp may be from now, either way: a captured delivery cannot be replayed later. */
const TOLERANCE_SECONDS = 5 * 60;
/** Bodies past this are refused before any work is done on them. */
const MAX_BODY_BYTES = 1024 * 1024;

const invalid = (message: string) => new GatehouseError('webhook_invalid', message);

function header(request: Request, name: string): string | null {
  return request.headers.get(`webhook-${name}`) ?? request.headers.get(`svix-${name}`);
}

function base64Bytes(value: string): Uint8Array<ArrayBuffer> | null {
  try {
    const binary = atob(value);
    const bytes = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    return bytes;
  } catch {
    return null;
  }
}

function signingSecret(options: VerifyWebhookOptions): string {
  const env = typeof process === 'undefined' ? {} : process.env;
  const secret = options.signingSecret ?? (env.GATEHOUSE_WEBHOOK_SIGNING_SECRET || env.CLERK_WEBHOOK_SIGNING_SECRET);
  if (!secret) {
    throw new GatehouseError(
      'setup_missing',
      "No webhook signing secret: set GATEHOUSE_WEBHOOK_SIGNING_SECRET to the endpoint's whsec_ secret, or pass { signingSecret }.",
    );
  }
  return secret;
}

/**
 * Verifies a webhook request and returns its event, typed by `type`:
 *
 *   export async function POST(req: Request) {
 *     const evt = await verifyWebhook(req);
 *     if (evt.type === 'user.created') console.log(evt.data.id);
 *     return new Response('ok');
 *   }
 *
 * Checks the `webhook-id`, `webhook-timestamp` and `webhook-signature` headers (or their `svix-*`
 * names) per Standard Webhooks: HMAC-SHA256 over `id.timestamp.body` compared by Web Crypto's
 * `verify` (constant time), any one of the space-separated `v1,` signatures (secret rotation), a
 * timestamp at most 5 minutes from now either way. Reads the request body.
 *
 * @throws GatehouseError `webhook_invalid` (missing headers, stale or future timestamp, no matching
 *   signature, a body that is not an event), `setup_missing` (no signing secret)
 */
export async function verifyWebhook(request: Request, options: VerifyWebhookOptions = {}): Promise<WebhookEvent> {
  const secret = signingSecret(options);
  const id = header(request, 'id');
  const timestamp = header(request, 'timestamp');
  const signatures = header(request, 'signature');
  const missing = [!id && 'webhook-id', !timestamp && 'webhook-timestamp', !signatures && 'webhook-signature'].filter(Boolean);
  if (!id || !timestamp || !signatures || missing.length > 0) {
    throw invalid(`Missing required webhook headers: ${missing.join(', ')} (or their svix- names).`);
  }
  if (!/^\d{1,12}$/.test(timestamp)) throw invalid('The webhook-timestamp header is not a Unix time in seconds.');
  const skew = Math.floor(Date.now() / 1000) - Number(timestamp);
  if (skew > TOLERANCE_SECONDS) throw invalid('The webhook timestamp is too old: refused as a possible replay.');
  if (skew < -TOLERANCE_SECONDS) throw invalid('The webhook timestamp is in the future.');

  const declared = Number(request.headers.get('content-length') ?? '0');
  if (declared > MAX_BODY_BYTES) throw invalid('The webhook body is too large.');
  const body = await request.text();
  if (body.length > MAX_BODY_BYTES) throw invalid('The webhook body is too large.');

  const keyBytes = base64Bytes(secret.startsWith('whsec_') ? secret.slice('whsec_'.length) : secret);
  if (!keyBytes || keyBytes.length === 0) throw new GatehouseError('setup_missing', 'The webhook signing secret is not a whsec_ secret.');
  const key = await crypto.subtle.importKey('raw', keyBytes, { name: 'HMAC', hash: 'SHA-256' }, false, ['verify']);
  const signed = new TextEncoder().encode(`${id}.${timestamp}.${body}`);
  let verified = false;
  for (const candidate of signatures.split(' ')) {
    const [version, value] = candidate.split(',', 2);
    const mac = version === 'v1' && value ? base64Bytes(value) : null;
    // Web Crypto's verify compares in constant time; every candidate is checked (no early exit on a match).
    if (mac && mac.length === 32 && (await crypto.subtle.verify('HMAC', key, mac, signed))) verified = true;
  }
  if (!verified) throw invalid('No webhook signature matches: the body was changed, or the signing secret is not this endpoint’s.');

  let event: unknown;
  try {
    event = JSON.parse(body);
  } catch {
    throw invalid('The webhook body is not JSON.');
  }
  const shape = event as { object?: unknown; type?: unknown; data?: unknown };
  if (
    typeof event !== 'object' ||
    event === null ||
    shape.object !== 'event' ||
    typeof shape.type !== 'string' ||
    typeof shape.data !== 'object'
  ) {
    throw invalid('The webhook body is not an event.');
  }
  return event as WebhookEvent;
}
