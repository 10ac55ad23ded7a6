// `gatehouse webhooks …`: endpoints (list, add, remove, rotate-secret), the delivery log and resend.

import { UsageError, asJson, table, time, type Command } from './command.js';

const ENDPOINT_ID = /^wh_[a-z2-7]{26}$/;
const DELIVERY_ID = /^whd_[a-z2-7]{26}$/;
const STATUSES = ['pending', 'succeeded', 'failed'] as const;

function endpointId(value: string): string {
  if (!ENDPOINT_ID.test(value)) throw new UsageError(`not a webhook endpoint id: ${value.slice(0, 40)}`);
  return value;
}

export const webhookCommands: Command[] = [
  {
    name: 'webhooks list',
    summary: 'List the webhook endpoints (never their secrets)',
    usage: 'webhooks list [--json]',
    options: { json: { type: 'boolean' } },
    async run(values, _positionals, io) {
      const endpoints = await (await io.open()).webhooks.listEndpoints();
      if (values.json) return io.out(asJson(endpoints));
      if (endpoints.length === 0) return io.out('No webhook endpoints. Add one with `gatehouse webhooks add <url>`.');
      io.out(
        table(
          ['ID', 'ENABLED', 'EVENTS', 'URL'],
          endpoints.map((e) => [e.id, e.enabled ? 'yes' : 'no', e.eventTypes.length === 0 ? 'all' : e.eventTypes.join(','), e.url]),
        ),
      );
    },
  },
  {
    name: 'webhooks add',
    summary: 'Add a webhook endpoint and print its signing secret (shown this once)',
    usage: 'webhooks add <url> [--events a,b] [--description TEXT] [--json]',
    details: [
      '--events   event types to send (default: every event), e.g. user.created,organization.deleted',
      'The receiver verifies deliveries with the printed whsec_ secret (GATEHOUSE_WEBHOOK_SIGNING_SECRET).',
    ],
    options: { events: { type: 'string' }, description: { type: 'string' }, json: { type: 'boolean' } },
    args: { min: 1, max: 1 },
    async run(values, [url = ''], io) {
      const events =
        typeof values.events === 'string'
          ? values.events
              .split(',')
              .map((s) => s.trim())
              .filter(Boolean)
          : undefined;
      const description = typeof values.description === 'string' ? values.description : undefined;
      const { endpoint, secret } = await (await io.open()).webhooks.createEndpoint({ url, eventTypes: events, description });
      if (values.json) return io.out(asJson({ endpoint, secret }));
      io.out(`Added webhook endpoint ${endpoint.id} -> ${endpoint.url}`);
      io.out(`Signing secret (shown once; store it as GATEHOUSE_WEBHOOK_SIGNING_SECRET in the receiver):`);
      io.out(secret);
    },
  },
  {
    name: 'webhooks remove',
    summary: 'Delete a webhook endpoint with its delivery log',
    usage: 'webhooks remove <endpoint id>',
    args: { min: 1, max: 1 },
    async run(_values, [id = ''], io) {
      await (await io.open()).webhooks.deleteEndpoint(endpointId(id));
      io.out(`Removed webhook endpoint ${id}.`);
    },
  },
  {
    name: 'webhooks rotate-secret',
    summary: 'Give an endpoint a new signing secret (the old one signs too for 24 hours)',
    usage: 'webhooks rotate-secret <endpoint id>',
    args: { min: 1, max: 1 },
    async run(_values, [id = ''], io) {
      const { secret } = await (await io.open()).webhooks.rotateSecret(endpointId(id));
      io.out(`New signing secret of ${id} (shown once; deliveries carry the old one's signature too for 24 hours):`);
      io.out(secret);
    },
  },
  {
    name: 'webhooks deliveries',
    summary: 'The webhook delivery log, newest first',
    usage: 'webhooks deliveries [--endpoint ID] [--status pending|succeeded|failed] [--limit N] [--json]',
    details: ['failed: dead-lettered after the last attempt; `gatehouse webhooks resend <delivery id>` tries again.'],
    options: { endpoint: { type: 'string' }, status: { type: 'string' }, limit: { type: 'string' }, json: { type: 'boolean' } },
    async run(values, _positionals, io) {
      const status = STATUSES.find((s) => s === values.status);
      if (values.status !== undefined && status === undefined) throw new UsageError(`--status is one of ${STATUSES.join(', ')}`);
      const limit = values.limit === undefined ? 50 : Number(values.limit);
      if (!Number.isInteger(limit) || limit < 1) throw new UsageError('--limit is a positive whole number');
      const deliveries = await (
        await io.open()
      ).webhooks.listDeliveries({
        limit,
        ...(typeof values.endpoint === 'string' ? { endpointId: endpointId(values.endpoint) } : {}),
        ...(status ? { status } : {}),
      });
      if (values.json) return io.out(asJson(deliveries));
      io.out(
        table(
          ['ID', 'EVENT', 'STATUS', 'ATTEMPTS', 'LAST', 'CREATED'],
          deliveries.map((d) => [
            d.id,
            d.eventType,
            d.status,
            String(d.attempts),
            d.lastError ?? (d.lastStatusCode === null ? '-' : `HTTP ${d.lastStatusCode}`),
            time(d.createdAt),
          ]),
        ),
      );
    },
  },
  {
    name: 'webhooks resend',
    summary: 'Send a delivery again (same event id and body), e.g. a dead-lettered one',
    usage: 'webhooks resend <delivery id>',
    details: ['The running app (or service) delivers it on its next poll, within a second or so.'],
    args: { min: 1, max: 1 },
    async run(_values, [id = ''], io) {
      if (!DELIVERY_ID.test(id)) throw new UsageError(`not a webhook delivery id: ${id.slice(0, 40)}`);
      await (await io.open()).webhooks.resend(id);
      io.out(`Delivery ${id} is queued again.`);
    },
  },
];
