// The operator's CLI commands (issue #9) as real child processes on a temp project: init, migrate with progress, orgs, sessions, templates, settings, audit; output, files and exit codes (0 done, 1 failed, 2 usage).

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SECRET_KEY } from '../src/backend/secret-keys.js';
import { migrationNames } from '../src/store/migrations/index.js';
import { makeTempDir, PASSWORD } from '../../../test-support/instance.js';

const MAIN = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));

let root: string;
let project: string;
const outputs: string[] = [];

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `gatehouse …` in the project directory with a bare environment: everything else comes from the .env that init wrote. */
function gatehouse(args: string[], input = ''): Run {
  const result = spawnSync(process.execPath, [MAIN, ...args], {
    cwd: project,
    input,
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', HOME: root },
    timeout: 60_000,
  });
  outputs.push(result.stdout, result.stderr);
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

function ok(run: Run): string {
  assert.equal(run.code, 0, run.stderr);
  return run.stdout;
}

function json<T>(run: Run): T {
  return JSON.parse(ok(run)) as T;
}

function env(): Record<string, string> {
  return Object.fromEntries(
    readFileSync(join(project, '.env'), 'utf8')
      .split('\n')
      .filter((line) => /^[A-Z_]+=/.test(line))
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
  );
}

before(() => {
  assert.ok(existsSync(MAIN), `${MAIN} is missing: build first (npx tsc -b)`);
  root = makeTempDir();
  project = join(root, 'app');
});
after(() => rmSync(root, { recursive: true, force: true }));

describe('gatehouse CLI: operating an instance', () => {
  test('init writes the config and a 0600 .env with generated secrets, refuses to overwrite, and --force replaces them while there is no database', () => {
    // --no-link: this suite's later commands make their own database (the first-admin link has its own test, admin-claim.test.ts).
    const run = spawnSync(process.execPath, [MAIN, 'init', '--dir', project, '--no-link'], {
      cwd: root,
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '' },
    });
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /Wrote .*gatehouse\.config\.json\nWrote .*\.env/);
    const config = JSON.parse(readFileSync(join(project, 'gatehouse.config.json'), 'utf8')) as Record<string, unknown>;
    assert.equal(config.multiSession, false);
    assert.equal(statSync(join(project, '.env')).mode & 0o777, 0o600);
    const first = env();
    assert.ok((first.GATEHOUSE_SECRET ?? '').length >= 48);
    assert.match(first.GATEHOUSE_SECRET_KEY ?? '', SECRET_KEY);
    // The secrets are written to the file, never printed.
    assert.ok(!run.stdout.includes(first.GATEHOUSE_SECRET ?? '?') && !run.stdout.includes(first.GATEHOUSE_SECRET_KEY ?? '?'));

    const again = gatehouse(['init']);
    assert.equal(again.code, 1);
    assert.equal(again.stdout, '');
    assert.match(again.stderr, /already exist: nothing written \(use --force to overwrite\)/);
    assert.deepEqual(env(), first);

    ok(gatehouse(['init', '--force', '--no-link']));
    const second = env();
    assert.notEqual(second.GATEHOUSE_SECRET, first.GATEHOUSE_SECRET);
    assert.notEqual(second.GATEHOUSE_SECRET_KEY, first.GATEHOUSE_SECRET_KEY);
  });

  test('migrate (reading .env) shows progress on stderr and the applied list on stdout; init --force then keeps the secrets', () => {
    const run = gatehouse(['migrate']);
    const names = migrationNames();
    assert.equal(ok(run), `Applied ${names.length} migration(s):\n${names.map((n) => `  ${n}\n`).join('')}`);
    assert.match(run.stderr, /SQLite database at .*app\/\.gatehouse\/gatehouse\.db/);
    assert.equal((run.stderr.match(/\] \S+ \.\.\. done \(\d+ ms\)/g) ?? []).length, names.length);
    assert.equal(ok(gatehouse(['migrate'])), 'The database is up to date; no migration to apply.\n');

    // Now that the database holds signing keys encrypted with the secret, --force keeps the secrets.
    const before = env();
    const forced = gatehouse(['init', '--force', '--no-link']);
    assert.match(ok(forced), /Kept the existing GATEHOUSE_SECRET and GATEHOUSE_SECRET_KEY/);
    assert.ok(!forced.stdout.includes(before.GATEHOUSE_SECRET ?? '?'), 'the kept secret is not printed');
    assert.deepEqual(env(), before);
  });

  test('orgs: create with an owner, add a member, change a role, list; refusals exit 1 or 2', () => {
    ok(gatehouse(['users', 'create', '--email', 'ada@example.com', '--password-stdin'], PASSWORD));
    ok(gatehouse(['users', 'create', '--email', 'bob@example.com', '--password-stdin'], PASSWORD));
    assert.match(
      ok(gatehouse(['orgs', 'create', '--name', 'Acme', '--owner', 'ada@example.com'])),
      /^Created organization org_[a-z2-7]{26} \(acme\)\.\n$/,
    );
    assert.match(ok(gatehouse(['orgs', 'add-member', 'acme', 'bob@example.com'])), /as org:member\.\n$/);
    assert.match(ok(gatehouse(['orgs', 'set-role', 'acme', 'bob@example.com', '--role', 'admin'])), /is now org:admin in org_/);
    const members = json<{ data: { publicUserData: { identifier: string }; role: string }[] }>(
      gatehouse(['orgs', 'members', 'acme', '--json']),
    );
    assert.deepEqual(members.data.map((m) => [m.publicUserData.identifier, m.role]).sort(), [
      ['ada@example.com', 'org:admin'],
      ['bob@example.com', 'org:admin'],
    ]);
    const list = json<{ totalCount: number; data: { slug: string }[] }>(gatehouse(['orgs', 'list', '--json']));
    assert.deepEqual([list.totalCount, list.data[0]?.slug], [1, 'acme']);
    assert.match(ok(gatehouse(['orgs', 'list'])), /^ID +SLUG +NAME/);
    // Issue #18: an organization that requires a second factor from its members.
    assert.equal(ok(gatehouse(['orgs', 'require-second-factor', 'acme', 'on'])), 'acme requires a second factor from its members.\n');
    const required = json<{ data: { secondFactorRequired: boolean }[] }>(gatehouse(['orgs', 'list', '--json']));
    assert.equal(required.data[0]?.secondFactorRequired, true);
    assert.match(ok(gatehouse(['orgs', 'list'])), / required /);
    assert.equal(gatehouse(['orgs', 'require-second-factor', 'acme', 'maybe']).code, 2);
    assert.equal(gatehouse(['orgs', 'require-second-factor', 'no-such-org', 'on']).code, 1);
    assert.match(ok(gatehouse(['orgs', 'require-second-factor', 'acme', 'off'])), /^acme does not require/);
    const notRequired = json<{ data: { secondFactorRequired: boolean }[] }>(gatehouse(['orgs', 'list', '--json']));
    assert.equal(notRequired.data[0]?.secondFactorRequired, false);

    const taken = gatehouse(['orgs', 'create', '--name', 'Acme', '--owner', 'ada@example.com']);
    assert.equal(taken.code, 1);
    assert.match(taken.stderr, /^gatehouse: An organization with this slug already exists/m);
    assert.equal(gatehouse(['orgs', 'add-member', 'acme', 'nobody@example.com']).code, 1);
    assert.equal(gatehouse(['orgs', 'create', '--name', 'No owner']).code, 2);
    assert.equal(gatehouse(['orgs', 'delete', 'acme']).code, 2);
  });

  test('sessions list, templates list, settings get/set', () => {
    assert.equal(ok(gatehouse(['sessions', 'list', 'ada@example.com'])), 'ada@example.com has no live session.\n');
    assert.deepEqual(json(gatehouse(['sessions', 'list', 'ada@example.com', '--json'])), []);
    assert.equal(gatehouse(['sessions', 'list', 'nobody@example.com']).code, 1);
    assert.match(ok(gatehouse(['templates', 'list'])), /^No JWT templates/);

    const before = json<{ settings: { sessionLifetimeSeconds: number } }>(gatehouse(['settings', 'get', '--json']));
    assert.equal(before.settings.sessionLifetimeSeconds, 7 * 86_400);
    const saved = gatehouse([
      'settings',
      'set',
      'sessionLifetimeSeconds=1d',
      'inactivityTimeoutSeconds=2h',
      'allowedOrigins=https://admin.example',
    ]);
    assert.match(ok(saved), /^Saved sessionLifetimeSeconds, inactivityTimeoutSeconds, allowedOrigins\.\n/);
    assert.match(saved.stdout, /sessionLifetimeSeconds +86400 +database +604800/);
    const after = json<{ settings: { inactivityTimeoutSeconds: number; allowedOrigins: string[] }; overridden: string[] }>(
      gatehouse(['settings', 'get', '--json']),
    );
    assert.equal(after.settings.inactivityTimeoutSeconds, 7200);
    assert.deepEqual(after.settings.allowedOrigins, ['https://admin.example']);

    const invalid = gatehouse(['settings', 'set', 'sessionLifetimeSeconds=5']);
    assert.equal(invalid.code, 1);
    assert.match(invalid.stderr, /The settings are invalid/);
    assert.equal(gatehouse(['settings', 'set', 'colour=blue']).code, 2);
    assert.equal(gatehouse(['settings', 'set', 'multiSession=maybe']).code, 2);
    assert.match(ok(gatehouse(['settings', 'reset', 'allowedOrigins'])), /^Reset allowedOrigins\./);
  });

  test('audit: query with filters, export as CSV to a 0600 file; bad filters exit 1 or 2', () => {
    assert.match(
      ok(gatehouse(['users', 'ban', 'bob@example.com'])),
      /^Banned user_[a-z2-7]{26} \(bob@example\.com\); revoked 0 session\(s\)\.\n$/,
    );
    const page = json<{ events: { action: string; data: Record<string, unknown> }[] }>(
      gatehouse(['audit-log', 'query', '--action', 'settings.', '--json']),
    );
    assert.deepEqual(
      page.events.map((e) => e.action),
      ['settings.updated', 'settings.updated'],
    );
    const table = ok(gatehouse(['audit-log', 'query', '--action', 'user.banned']));
    assert.match(table, /^TIME +ACTION +ACTOR +TARGET +ORG +IP\n\S+ +user\.banned /);
    const paged = gatehouse(['audit-log', 'query', '--limit', '1']);
    assert.match(paged.stderr, /More: add --cursor \d+/);

    const file = join(root, 'audit.csv');
    assert.match(
      ok(gatehouse(['audit-log', 'export', '--format', 'csv', '--output', file, '--action', 'user.'])),
      /^Wrote 3 event\(s\) to /,
    );
    assert.equal(statSync(file).mode & 0o777, 0o600);
    const lines = readFileSync(file, 'utf8').trimEnd().split('\r\n');
    assert.equal(lines[0], '"id","at","action","actorId","targetId","organizationId","ip","userAgent","data"');
    assert.equal(lines.length, 4);
    const jsonl = ok(gatehouse(['audit-log', 'export', '--action', 'user.banned']));
    assert.equal((JSON.parse(jsonl.trim()) as { action: string }).action, 'user.banned');

    assert.equal(gatehouse(['audit-log', 'query', '--since', 'last tuesday']).code, 1);
    assert.equal(gatehouse(['audit-log', 'query', '--limit', 'ten']).code, 2);
    assert.equal(gatehouse(['audit-log', 'export', '--format', 'xml']).code, 2);
  });

  test('users delete needs --yes; then the user is gone, and no output held a secret', () => {
    assert.equal(gatehouse(['users', 'delete', 'bob@example.com']).code, 2);
    assert.match(ok(gatehouse(['users', 'delete', 'bob@example.com', '--yes'])), /^Deleted user user_/);
    assert.equal(gatehouse(['users', 'unban', 'bob@example.com']).code, 1);
    const secrets = env();
    for (const text of outputs) {
      assert.ok(!text.includes(secrets.GATEHOUSE_SECRET ?? '?'));
      assert.ok(!text.includes(secrets.GATEHOUSE_SECRET_KEY ?? '?'));
      assert.ok(!text.includes(PASSWORD));
    }
  });
});
