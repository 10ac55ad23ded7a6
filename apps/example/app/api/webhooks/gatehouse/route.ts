// Receives Gatehouse's webhooks: verifies the signature (GATEHOUSE_WEBHOOK_SIGNING_SECRET) and records the event.
import { verifyWebhook } from '@gatehouse/nextjs/webhooks';
import { recordEvent } from '../../../../lib/webhook-events';

export async function POST(req: Request) {
  let event;
  try {
    event = await verifyWebhook(req);
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === 'webhook_invalid') return Response.json({ error: { code, message: 'The webhook did not verify.' } }, { status: 400 });
    console.error(`webhook receiver: ${error instanceof Error ? error.message : 'unknown error'}`);
    return Response.json({ error: { code: 'setup_missing', message: 'The webhook receiver is not configured.' } }, { status: 500 });
  }
  // Verified above: the id is the signed webhook-id (the same on every retry of one event).
  await recordEvent(req.headers.get('webhook-id') ?? req.headers.get('svix-id') ?? '', event);
  return new Response(null, { status: 204 });
}
