// `gatehouse migrate-code [DIR]`: moves a Clerk Next.js app onto Gatehouse in place (imports, package.json, handler route, .env) and prints each change.

import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { migrateCode } from './codemod.js';
import type { Command } from './command.js';

/** This package's version: the @gatehouse/nextjs range the app gets (the packages are released together). */
function ownVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

export const migrateCodeCommands: Command[] = [
  {
    name: 'migrate-code',
    summary: 'Move a Clerk Next.js app onto Gatehouse: imports, package.json, handler route, .env',
    usage: 'migrate-code [DIR]',
    details: [
      'DIR (default: the working directory) is a Next.js App Router app. In place, it:',
      '- swaps the imports of @clerk/nextjs (and /server, /webhooks, /types) for @gatehouse/nextjs,',
      '  @clerk/themes, @clerk/ui/themes and @clerk/ui (its `ui` bundle handle and Appearance types) for',
      '  @gatehouse/nextjs/themes, @clerk/localizations for',
      '  @gatehouse/nextjs/localizations, @clerk/types and @clerk/shared/types for @gatehouse/nextjs/types',
      '  (other Clerk imports are listed and left alone);',
      '- replaces those Clerk packages in package.json by @gatehouse/nextjs (run npm install after);',
      '- adds app/api/gatehouse/[...gatehouse]/route.ts, which mounts the auth API;',
      '- adds GATEHOUSE_SECRET (a new random master secret) to .env unless an env file sets it.',
      'Running it again changes nothing. Commit or back up first: it edits files.',
    ],
    args: { min: 0, max: 1 },
    async run(_values, positionals, io) {
      const dir = resolve(positionals[0] ?? '.');
      const report = migrateCode(dir, ownVersion());
      if (report.changes.length === 0) io.out(`${dir}: already migrated, nothing to change.`);
      else {
        io.out(`Migrated ${dir}:`);
        for (const line of report.changes) io.out(`  ${line}`);
      }
      if (report.leftAlone.length > 0) {
        io.out('Left alone (no Gatehouse counterpart; change these by hand):');
        for (const line of report.leftAlone) io.out(`  ${line}`);
      }
      if (report.changes.some((line) => line.startsWith('package.json'))) io.out('Next: npm install, then npm run build.');
    },
  },
];
