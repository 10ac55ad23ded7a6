// getDevInbox(): the development mailer's messages for an app page, exactly as GET {api}/dev/inbox serves them.

import type { DevInboxMessage, GatehouseBackend } from '@gatehouse/server';
import { backend } from './backend.js';

export type { DevInboxMessage } from '@gatehouse/server';

/**
 * The dev inbox (newest first), or null when it is off (the instance's `devInbox` option, set with
 * GATEHOUSE_DEV_INBOX=1). Asks the auth API in-process, so the page shows the inbox exactly when
 * the endpoint exists. The messages hold invitation links: never render them in a production app.
 */
export async function getDevInbox(options: { backend?: GatehouseBackend } = {}): Promise<DevInboxMessage[] | null> {
  const port = await backend(options.backend);
  const { basePath } = await port.config();
  const res = await port.handle(new Request(new URL(`${basePath}/dev/inbox`, 'http://gatehouse.internal')));
  if (res.status !== 200) return null;
  return ((await res.json()) as { messages: DevInboxMessage[] }).messages;
}
