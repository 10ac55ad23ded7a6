// `gatehouse audit`: lists the pages, route handlers and server actions of a Next.js app that nothing guards.

import { resolve } from 'node:path';
import { UsageError, type Command } from './command.js';
import { auditApp, type Ts } from './audit-scan.js';

async function loadTypeScript(): Promise<Ts> {
  try {
    const loaded = (await import('typescript')) as unknown as Ts & { default?: Ts };
    return loaded.default ?? loaded;
  } catch {
    throw new Error('gatehouse audit reads the app with the TypeScript compiler: install it in the app (npm install -D typescript).');
  }
}

export const auditCommands: Command[] = [
  {
    name: 'audit',
    summary: 'List every page, route handler and server action with no auth() check that is not on the public route list',
    usage: 'audit [app-root] [--public <pattern>]... [--json]',
    details: [
      'Reads app/ (or src/app/) with the TypeScript compiler. A page, route handler method or server action',
      'passes when it calls auth(), auth.protect(), currentUser() or orgScope() (directly or through a function',
      'of the same file), or when its URL matches the public list: by default the createRouteMatcher([...])',
      'assigned to an is…Public… variable in proxy.ts / middleware.ts; --public replaces it. Server actions',
      'always need a guard: anyone can POST to them. Exit 1 when something is unguarded.',
    ],
    options: { public: { type: 'string', multiple: true }, json: { type: 'boolean' } },
    args: { min: 0, max: 1 },
    async run(values, positionals, io) {
      const root = resolve(positionals[0] ?? '.');
      const publicPatterns = (values as unknown as { public?: string[] }).public;
      let result;
      try {
        result = auditApp(await loadTypeScript(), root, publicPatterns ? { publicPatterns } : {});
      } catch (error) {
        if (error instanceof Error && error.message.startsWith('No app/')) throw new UsageError(error.message);
        throw error;
      }
      if (values.json) io.out(JSON.stringify(result, null, 2));
      else {
        io.out(
          `Public routes (${result.publicSource ?? 'none found'}): ${result.publicPatterns.length ? result.publicPatterns.join(', ') : '-'}`,
        );
        for (const f of result.findings)
          io.out(`UNGUARDED ${f.kind.padEnd(6)} ${f.file} ${f.exportName}${f.route ? `  (${f.route})` : ''}`);
        io.out(`${result.checked} checked, ${result.findings.length} unguarded.`);
      }
      if (result.findings.length > 0) {
        throw new Error(`${result.findings.length} page(s), handler(s) or action(s) have no auth() check and are not public.`);
      }
    },
  },
];
