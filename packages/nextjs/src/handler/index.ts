// @gatehouse/nextjs/handler: mounts the auth HTTP API in a catch-all route handler.
//
//   // app/api/gatehouse/[...gatehouse]/route.ts
//   export { GET, POST } from '@gatehouse/nextjs/handler';

import { backend } from '../server/backend.js';

async function handle(request: Request): Promise<Response> {
  return (await backend()).handle(request);
}

export const GET = handle;
export const POST = handle;
export const HEAD = handle;
