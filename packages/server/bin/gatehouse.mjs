#!/usr/bin/env node
// The `gatehouse` command's launcher. It is part of the source tree (dist/ is not), so npm links
// `node_modules/.bin/gatehouse` on install, before the first build, and `npx --no-install
// gatehouse` finds this package instead of looking for one of the same name on the registry.
import { existsSync } from 'node:fs';

const main = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(main)) {
  process.stderr.write('gatehouse: @gatehouse/server is not built yet; run `npm run build` (or `npm start`) first.\n');
  process.exit(1);
}
await import(main.href);
