// Demo mode (GATEHOUSE_DEMO=1): the app's own receiver is a webhook endpoint, so /webhooks fills up as the demo is used.

import type { Gatehouse } from '@gatehouse/server';

export async function registerDemoWebhooks(gatehouse: Gatehouse): Promise<void> {
  // A secret configured by hand means the endpoint is managed by hand too.
  if (process.env.GATEHOUSE_WEBHOOK_SIGNING_SECRET) return;
  // `next start` / `next dev` set PORT to the port they listen on.
  const url = `http://127.0.0.1:${process.env.PORT || '3000'}/api/webhooks/gatehouse`;
  const existing = (await gatehouse.webhooks.listEndpoints()).find((e) => e.url === url);
  // The secret is shown only when it is made: each start makes a new one (nothing else holds the old).
  const secret = existing
    ? (await gatehouse.webhooks.rotateSecret(existing.id, { graceSeconds: 0 })).secret
    : (await gatehouse.webhooks.createEndpoint({ url, description: 'The example app (demo mode)' })).secret;
  // Read by verifyWebhook() in app/api/webhooks/gatehouse/route.ts, in this same process.
  process.env.GATEHOUSE_WEBHOOK_SIGNING_SECRET = secret;
  console.log(`Gatehouse demo: webhooks go to ${url}; received events are listed at /webhooks (org admins).`);
}
