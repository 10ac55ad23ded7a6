// `gatehouse audit` as a real child process: passes on apps/example and the Clerk-shaped fixture, and lists
// (exit 1) every unguarded page, route handler method and server action of an app that has some.

import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeTempDir } from '../../../test-support/instance.js';

const MAIN = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
const ROOT = fileURLToPath(new URL('../../..', import.meta.url));

function audit(args: string[]) {
  const result = spawnSync(process.execPath, [MAIN, 'audit', ...args], { encoding: 'utf8', timeout: 60_000, cwd: ROOT });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

const app = makeTempDir();
after(() => rmSync(app, { recursive: true, force: true }));
function write(path: string, text: string) {
  mkdirSync(dirname(join(app, path)), { recursive: true });
  writeFileSync(join(app, path), text);
}

write(
  'middleware.ts',
  `import { clerkMiddleware, createRouteMatcher } from '@gatehouse/nextjs/server';
const isPublicRoute = createRouteMatcher(['/', '/sign-in(.*)', '/api/public(.*)', '/blog/:slug']);
export default clerkMiddleware(async (auth, req) => { if (!isPublicRoute(req)) await auth.protect(); });`,
);
write('app/page.tsx', `export default function Home() { return <h1>public</h1>; }`);
write('app/blog/[slug]/page.tsx', `export default function Post() { return <p>public post</p>; }`);
write('app/api/public/ping/route.ts', `export async function GET() { return Response.json({ ok: true }); }`);
write('app/api/gatehouse/[...gatehouse]/route.ts', `export { GET, POST, HEAD, PATCH, DELETE } from '@gatehouse/nextjs/handler';`);
write(
  'app/(shop)/dashboard/page.tsx',
  `import { auth } from '@gatehouse/nextjs/server';
import { redirect } from 'next/navigation';
export default async function Dashboard() { const { userId } = await auth(); if (!userId) redirect('/sign-in'); return <p>{userId}</p>; }`,
);
write(
  'app/admin/page.tsx',
  `import { auth } from '@gatehouse/nextjs/server';
async function requireAdmin() { await auth.protect({ role: 'org:admin' }); }
const Admin = async () => { await requireAdmin(); return <h1>Admin</h1>; };
export default Admin;`,
);
write('app/settings/page.tsx', `export default function Settings() { return <h1>forgot the guard</h1>; }`);
write(
  'app/api/projects/[id]/route.ts',
  `import { auth } from '@gatehouse/nextjs/server';
export async function GET() { const { userId } = await auth(); if (!userId) return new Response(null, { status: 401 }); return Response.json({}); }
export const DELETE = async () => Response.json({ deleted: true });
export async function helper() { return 1; }`,
);
write(
  'app/actions.ts',
  `'use server';
import { currentUser } from '@gatehouse/nextjs/server';
export async function rename() { const user = await currentUser(); if (!user) throw new Error('no'); }
export async function wipeEverything() { return 'gone'; }`,
);
write(
  'app/_components/form.tsx',
  `export function Form() { async function save() { 'use server'; return 1; } return <form action={save} />; }`,
);
write(
  'app/notes/page.tsx',
  `import { auth } from '@gatehouse/nextjs/server';
export default async function Notes() {
  await auth.protect();
  async function addNote() { 'use server'; return 'unchecked'; }
  return <form action={addNote} />;
}`,
);

describe('gatehouse audit', () => {
  test('lists every unguarded page, handler method and server action, and exits 1', () => {
    const run = audit([app]);
    assert.equal(run.code, 1, run.stderr);
    const unguarded = run.stdout
      .split('\n')
      .filter((l) => l.startsWith('UNGUARDED'))
      .map((l) => l.replace(/\s+/g, ' ').trim())
      .sort();
    assert.deepEqual(unguarded, [
      'UNGUARDED action app/actions.ts wipeEverything',
      'UNGUARDED action app/notes/page.tsx addNote',
      'UNGUARDED page app/settings/page.tsx default (/settings)',
      'UNGUARDED route app/api/projects/[id]/route.ts DELETE (/api/projects/[id])',
    ]);
    assert.match(run.stdout, /Public routes \(middleware\.ts\): \/, \/sign-in\(\.\*\), \/api\/public\(\.\*\), \/blog\/:slug/);
    assert.match(run.stderr, /4 page\(s\), handler\(s\) or action\(s\) have no auth\(\) check/);
  });

  test('--public replaces the middleware list; --json is machine-readable', () => {
    const run = audit([app, '--json', '--public', '/(.*)']);
    assert.equal(run.code, 1);
    const result = JSON.parse(run.stdout) as { publicSource: string; findings: { kind: string; exportName: string }[] };
    assert.equal(result.publicSource, 'command line');
    // Everything with a URL is public now; server actions still need their own guard.
    assert.deepEqual(result.findings.map((f) => `${f.kind}:${f.exportName}`).sort(), ['action:addNote', 'action:wipeEverything']);
  });

  test('passes on the example app and on the Clerk-shaped Next 15 fixture', () => {
    for (const dir of ['apps/example', 'apps/fixture-clerk']) {
      const run = audit([dir]);
      assert.equal(run.code, 0, `${dir}\n${run.stdout}\n${run.stderr}`);
      assert.match(run.stdout, /\d+ checked, 0 unguarded\./);
    }
  });

  test('a directory without app/ is a usage error', () => {
    const run = audit([join(app, 'app', 'blog')]);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /No app\/ or src\/app\/ directory/);
  });
});
