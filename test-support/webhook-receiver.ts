// A real HTTP server that receives webhooks for the tests: records each request, answers with a chosen status, stops and starts again on its port.

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedWebhook {
  headers: Record<string, string>;
  body: string;
}

export interface WebhookReceiver {
  readonly url: string;
  readonly received: ReceivedWebhook[];
  /** The status the next requests get (default 204). */
  status: number;
  /** Extra response headers (e.g. a Location for a redirect). */
  responseHeaders: Record<string, string>;
  /** How long each answer waits (keeps concurrent deliveries in flight together). */
  delayMs: number;
  /** Closes the listening socket: deliveries get "connection refused". */
  stop(): Promise<void>;
  /** Listens again on the same port. */
  start(): Promise<void>;
}

export async function startWebhookReceiver(path = '/hooks'): Promise<WebhookReceiver> {
  let server: Server | null = null;
  let port = 0;
  const receiver: WebhookReceiver = {
    url: '',
    received: [],
    status: 204,
    responseHeaders: {},
    delayMs: 0,
    async start() {
      const next = createServer((request, response) => {
        const chunks: Buffer[] = [];
        request.on('data', (chunk: Buffer) => chunks.push(chunk));
        request.on('end', () => {
          const headers: Record<string, string> = {};
          for (const [name, value] of Object.entries(request.headers)) if (typeof value === 'string') headers[name] = value;
          receiver.received.push({ headers, body: Buffer.concat(chunks).toString('utf8') });
          setTimeout(() => response.writeHead(receiver.status, receiver.responseHeaders).end(), receiver.delayMs);
        });
      });
      await new Promise<void>((resolve, reject) => {
        next.once('error', reject);
        next.listen(port, '127.0.0.1', () => resolve());
      });
      port = (next.address() as AddressInfo).port;
      server = next;
      (receiver as { url: string }).url = `http://127.0.0.1:${port}${path}`;
    },
    async stop() {
      const current = server;
      server = null;
      if (!current) return;
      current.closeAllConnections();
      await new Promise<void>((resolve) => current.close(() => resolve()));
    },
  };
  await receiver.start();
  return receiver;
}
