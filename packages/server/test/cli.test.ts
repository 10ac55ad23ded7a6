// The `gatehouse` CLI as a real child process on a temp database: each command's stdout, stderr and exit code (0 done, 1 failed, 2 usage), machine-readable --json, and no secret, token, password or hash in any output.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import BetterSqlite3 from 'better-sqlite3';
import { createGatehouse } from '@gatehouse/server';
import { checkPassword } from '../src/users/passwords.js';
import { migrationNames } from '../src/store/migrations/index.js';
import { makeTempDir, PASSWORD } from '../../../test-support/instance.js';

const MAIN = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));

let dir: string;
let databaseFile: string;
/** Every stdout and stderr the CLI wrote, checked for secrets at the end. */
const outputs: string[] = [];
/** Tokens that exist while the CLI runs: none may appear in its output. */
const tokens: string[] = [];

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `gatehouse …` in the temp dir with only the environment given here (nothing inherited that could point elsewhere). */
function gatehouse(args: string[], options: { input?: string; env?: Record<string, string> } = {}): Run {
  const result = spawnSync(process.execPath, [MAIN, ...args], {
    cwd: dir,
    input: options.input ?? '',
    encoding: 'utf8',
    env: {
      PATH: process.env.PATH ?? '',
      HOME: dir,
      GATEHOUSE_DATABASE_FILE: databaseFile,
      GATEHOUSE_DEV_SECRET: '1',
      GATEHOUSE_CONFIG: join(dir, 'gatehouse.config.json'),
      ...options.env,
    },
    timeout: 60_000,
  });
  outputs.push(result.stdout, result.stderr);
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Exit code 1 and exactly one line on stderr after the instance's own log lines: `gatehouse: <message>`. */
function assertFailed(run: Run, message: RegExp): void {
  assert.equal(run.code, 1, run.stderr);
  assert.equal(run.stdout, '');
  const errors = run.stderr.split('\n').filter((line) => line.startsWith('gatehouse: ') && !/database/.test(line));
  assert.equal(errors.length, 1, run.stderr);
  assert.match(errors[0] ?? '', message);
}

function assertUsage(run: Run, message: RegExp): void {
  assert.equal(run.code, 2, run.stderr);
  assert.equal(run.stdout, '');
  assert.match(run.stderr, message);
  assert.match(run.stderr, /Usage: gatehouse|gatehouse --help|gatehouse help/);
}

function json<T>(run: Run): T {
  assert.equal(run.code, 0, run.stderr);
  return JSON.parse(run.stdout) as T;
}

before(() => {
  assert.ok(existsSync(MAIN), `${MAIN} is missing: build first (npx tsc -b)`);
  dir = makeTempDir();
  databaseFile = join(dir, 'data', 'gatehouse.db');
  writeFileSync(
    join(dir, 'gatehouse.config.json'),
    JSON.stringify({ roles: { roles: [{ key: 'org:auditor', name: 'Auditor', permissions: ['org:reports:read'] }] } }),
  );
});
after(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('gatehouse CLI', () => {
  test('help: --help and help <command> exit 0 on stdout; no command, unknown commands and options exit 2 on stderr', () => {
    const help = gatehouse(['--help']);
    assert.equal(help.code, 0);
    for (const name of [
      'migrate',
      'users list',
      'users create',
      'users set-admin',
      'roles list',
      'roles set',
      'roles delete',
      'keys list',
      'keys rotate',
      'sessions revoke',
    ])
      assert.match(help.stdout, new RegExp(`\\n  ${name} `));
    const topic = gatehouse(['help', 'roles', 'set']);
    assert.equal(topic.code, 0);
    assert.match(topic.stdout, /^Usage: gatehouse roles set <key> --name NAME --permissions a,b/);
    assert.equal(gatehouse(['users', 'create', '--help']).code, 0);
    assert.match(gatehouse(['help', 'users']).stdout, /gatehouse users set-admin/);

    const none = gatehouse([]);
    assert.equal(none.code, 2);
    assert.equal(none.stdout, '');
    assert.match(none.stderr, /Usage: gatehouse <command>/);
    assertUsage(gatehouse(['frobnicate']), /^gatehouse: unknown command: frobnicate$/m);
    assertUsage(
      gatehouse(['users']),
      /^gatehouse: users: which one\? list, create, set-admin, ban, unban, delete, emails, add-email, verify-email, set-primary-email, remove-email, set-password$/m,
    );
    assertUsage(gatehouse(['users', 'list', '--bogus']), /^gatehouse: Unknown option '--bogus'/m);
    assertUsage(gatehouse(['users', 'list', 'extra']), /unexpected argument extra/);
    assertUsage(gatehouse(['roles', 'delete']), /missing argument/);
    assertUsage(gatehouse(['roles', 'set', 'org:x', '--permissions', 'org:a:b']), /needs --name/);
    assertUsage(gatehouse(['sessions', 'revoke', 'not-a-session']), /not a session id/);
    // Usage errors never open (or create) the database.
    assert.equal(existsSync(databaseFile), false);
  });

  test('migrate applies every migration once and says which ran; the second run has nothing to do', () => {
    const first = gatehouse(['migrate']);
    assert.equal(first.code, 0, first.stderr);
    const names = migrationNames();
    assert.ok(names.includes('0004_roles'));
    assert.equal(first.stdout, `Applied ${names.length} migration(s):\n${names.map((n) => `  ${n}\n`).join('')}`);
    // Progress on stderr, one line per migration.
    assert.match(first.stderr, new RegExp(`\\[1/${names.length}\\] 0001_initial \\.\\.\\. done \\(\\d+ ms\\)`));
    assert.match(first.stderr, /SQLite database at .*gatehouse\.db/);
    const second = gatehouse(['migrate']);
    assert.equal(second.code, 0);
    assert.equal(second.stdout, 'The database is up to date; no migration to apply.\n');
  });

  test('users create reads the password from stdin; users list --json shows the user without any hash', async () => {
    const created = gatehouse(['users', 'create', '--email', 'Ada@Example.com', '--password-stdin'], { input: `${PASSWORD}\n` });
    assert.equal(created.code, 0, created.stderr);
    assert.match(created.stdout, /^Created user user_[a-z2-7]{26} \(ada@example\.com\)\.\n$/);

    const users = json<Record<string, unknown>[]>(gatehouse(['users', 'list', '--json']));
    assert.equal(users.length, 1);
    assert.equal(users[0]?.email, 'ada@example.com');
    assert.equal(users[0]?.instanceAdmin, false);
    for (const field of Object.keys(users[0] ?? {})) assert.doesNotMatch(field, /password|hash|private/i);

    // The password really is the one piped in (the trailing newline dropped), stored only as an argon2id hash.
    const db = new BetterSqlite3(databaseFile, { readonly: true });
    const row = db.prepare('SELECT password_hash FROM users').get() as { password_hash: string };
    db.close();
    assert.match(row.password_hash, /^\$argon2id\$/);
    assert.equal(await checkPassword(row.password_hash, PASSWORD), true);

    const table = gatehouse(['users', 'list']);
    assert.equal(table.code, 0);
    assert.match(table.stdout, /^ID +EMAIL +VERIFIED +ADMIN +BANNED +CREATED +LAST SIGN-IN\nuser_\S+ +ada@example\.com +no +no +no /);
  });

  test('users create: a taken address fails (1); a password on the command line or a missing flag is a usage error (2)', () => {
    assertFailed(
      gatehouse(['users', 'create', '--email', 'ada@example.com', '--password-stdin'], { input: PASSWORD }),
      /^gatehouse: An account with this email address already exists\.$/,
    );
    assertFailed(
      gatehouse(['users', 'create', '--email', 'short@example.com', '--password-stdin'], { input: 'short' }),
      /password must be/,
    );
    assertFailed(gatehouse(['users', 'create', '--email', 'empty@example.com', '--password-stdin']), /No password on stdin/);
    assertUsage(
      gatehouse(['users', 'create', '--email', 'x@example.com', '--password', 'hunter22hunter']),
      /never taken from the command line/,
    );
    assertUsage(
      gatehouse(['users', 'create', '--email', 'x@example.com', '--password=hunter22hunter']),
      /never taken from the command line/,
    );
    assertUsage(gatehouse(['users', 'create', '--email', 'x@example.com']), /needs --password-stdin/);
    assert.equal(json<unknown[]>(gatehouse(['users', 'list', '--json'])).length, 1);
  });

  test('users set-admin turns the flag on and (--off) off; an unknown user fails', () => {
    const on = gatehouse(['users', 'set-admin', 'ada@example.com']);
    assert.equal(on.code, 0, on.stderr);
    assert.match(on.stdout, /^user_\S+ \(ada@example\.com\) is now an instance admin\.\n$/);
    assert.equal(json<{ instanceAdmin: boolean }[]>(gatehouse(['users', 'list', '--json']))[0]?.instanceAdmin, true);
    const off = gatehouse(['users', 'set-admin', 'ada@example.com', '--off']);
    assert.match(off.stdout, /is no longer an instance admin/);
    assert.equal(json<{ instanceAdmin: boolean }[]>(gatehouse(['users', 'list', '--json']))[0]?.instanceAdmin, false);
    assertFailed(gatehouse(['users', 'set-admin', 'nobody@example.com']), /^gatehouse: No such user\.$/);
  });

  test('roles list / set / delete: database roles change, built-in and configured ones are read-only', () => {
    const set = gatehouse([
      'roles',
      'set',
      'editor',
      '--name',
      'Editor',
      '--permissions',
      'org:posts:edit, org:posts:read',
      '--description',
      'Edits posts',
    ]);
    assert.equal(set.code, 0, set.stderr);
    assert.equal(set.stdout, 'Created role org:editor (2 permission(s)).\n');
    assert.equal(
      gatehouse([
        'roles',
        'set',
        'org:editor',
        '--name',
        'Editor',
        '--permissions',
        'org:posts:edit,org:posts:read',
        '--description',
        'Edits posts',
      ]).stdout,
      'Role org:editor is unchanged.\n',
    );
    assert.equal(
      gatehouse(['roles', 'set', 'org:editor', '--name', 'Editor', '--permissions', 'org:posts:edit']).stdout,
      'Updated role org:editor (1 permission(s)).\n',
    );

    const roles = json<{ key: string; source: string; readOnly: boolean; permissions: string[] }[]>(gatehouse(['roles', 'list', '--json']));
    assert.deepEqual(
      roles.map((r) => [r.key, r.source, r.readOnly]),
      [
        ['org:admin', 'built-in', true],
        ['org:member', 'built-in', true],
        ['org:editor', 'database', false],
        ['org:auditor', 'configuration', true],
      ],
    );
    assert.deepEqual(roles[2]?.permissions, ['org:posts:edit']);
    const table = gatehouse(['roles', 'list']);
    assert.match(table.stdout, /^KEY +NAME +SOURCE +ROLE +PERMISSIONS\n/);
    assert.match(table.stdout, /\norg:admin +Admin +built-in +creator +org:sys_profile:manage,/);
    assert.match(table.stdout, /\norg:editor +Editor +database +- +org:posts:edit\n/);

    assertFailed(
      gatehouse(['roles', 'set', 'org:admin', '--name', 'Boss', '--permissions', '']),
      /^gatehouse: org:admin is a built-in role/,
    );
    assertFailed(gatehouse(['roles', 'set', 'auditor', '--name', 'A', '--permissions', '']), /defined in the configuration/);
    assertFailed(
      gatehouse(['roles', 'set', 'org:bad', '--name', 'Bad', '--permissions', 'posts']),
      /Permissions look like org:<feature>:<action>/,
    );
    assertFailed(gatehouse(['roles', 'delete', 'org:member']), /built-in role/);
    const deleted = gatehouse(['roles', 'delete', 'editor']);
    assert.equal(deleted.code, 0, deleted.stderr);
    assert.equal(deleted.stdout, 'Deleted role org:editor.\n');
    assertFailed(gatehouse(['roles', 'delete', 'editor']), /^gatehouse: No such role\.$/);
  });

  test('keys list shows public facts only; keys rotate makes a new active key and keeps the previous one verifying', () => {
    const before = json<Record<string, unknown>[]>(gatehouse(['keys', 'list', '--json']));
    assert.equal(before.length, 1);
    assert.deepEqual(Object.keys(before[0] ?? {}).sort(), ['alg', 'createdAt', 'kid', 'retireAt', 'status']);
    assert.equal(before[0]?.status, 'active');
    const rotated = gatehouse(['keys', 'rotate', '--now']);
    assert.equal(rotated.code, 0, rotated.stderr);
    assert.match(
      rotated.stdout,
      new RegExp(
        `^Rotated the signing key: key_\\S+ is now active\\.\\nThe previous key ${String(before[0]?.kid)} keeps verifying until \\d{4}-`,
      ),
    );
    const table = gatehouse(['keys', 'list']);
    assert.match(
      table.stdout,
      /^KID +ALG +STATUS +CREATED +RETIRE AT\nkey_\S+ +RS256 +active +\S+ +-\nkey_\S+ +RS256 +previous +\S+ +\d{4}-/,
    );
  });

  test('sessions revoke ends a live session (audited); a second revoke fails', async () => {
    // A session signed in through the library, on the same database and development secret.
    const instance = await createGatehouse({ databaseFile, allowDevSecret: true, log: () => undefined });
    const signedIn = await instance.sessions.signIn(
      { email: 'ada@example.com', password: PASSWORD },
      { ip: null, userAgent: null, origin: null },
    );
    await instance.close();
    tokens.push(signedIn.sessionToken, signedIn.clientToken);

    const revoked = gatehouse(['sessions', 'revoke', signedIn.sessionId]);
    assert.equal(revoked.code, 0, revoked.stderr);
    assert.equal(revoked.stdout, `Revoked session ${signedIn.sessionId}.\n`);
    const db = new BetterSqlite3(databaseFile, { readonly: true });
    const status = (db.prepare('SELECT status FROM sessions WHERE id = ?').get(signedIn.sessionId) as { status: string }).status;
    const audit = db
      .prepare("SELECT COUNT(*) AS n FROM audit_events WHERE action = 'session.revoked' AND subject_id = ?")
      .get(signedIn.sessionId) as { n: number };
    db.close();
    assert.equal(status, 'revoked');
    assert.equal(audit.n, 1);
    assertFailed(
      gatehouse(['sessions', 'revoke', signedIn.sessionId]),
      /^gatehouse: No live session sess_\S+ \(it does not exist or has already ended\)\.$/,
    );
  });

  test('an instance that cannot open fails with one line (1): a secret too short', () => {
    assertFailed(
      gatehouse(['users', 'list'], { env: { GATEHOUSE_SECRET: 'short' } }),
      /^gatehouse: GATEHOUSE_SECRET must be at least 32 characters\.$/,
    );
  });

  test('a template whose secret variable is unset: commands that mint nothing run; serve refuses, naming the variable', () => {
    const config = join(dir, 'template-secret.config.json');
    const template = {
      name: 'supabase',
      claims: { role: 'authenticated' },
      signing: { algorithm: 'HS256', secret: { env: 'CLI_TEST_TEMPLATE_SECRET' } },
    };
    writeFileSync(config, JSON.stringify({ jwtTemplates: [template] }));
    const listed = gatehouse(['templates', 'list', '--json'], { env: { GATEHOUSE_CONFIG: config } });
    assert.equal(listed.code, 0, listed.stderr);
    assert.ok(json<Array<{ name: string }>>(listed).some((t) => t.name === 'supabase'));
    assert.equal(gatehouse(['users', 'list'], { env: { GATEHOUSE_CONFIG: config } }).code, 0);
    assertFailed(
      gatehouse(['serve', '--port', '0'], { env: { GATEHOUSE_CONFIG: config } }),
      /JWT template supabase needs the environment variable CLI_TEST_TEMPLATE_SECRET/,
    );
  });

  test('the launcher that npm links as node_modules/.bin/gatehouse runs the built CLI', () => {
    const launcher = fileURLToPath(new URL('../bin/gatehouse.mjs', import.meta.url));
    const pkg = JSON.parse(readFileSync(fileURLToPath(new URL('../package.json', import.meta.url)), 'utf8')) as {
      bin: Record<string, string>;
    };
    assert.equal(pkg.bin.gatehouse, './bin/gatehouse.mjs', 'the bin is the committed launcher, not a build output');
    const run = spawnSync(process.execPath, [launcher, '--help'], { encoding: 'utf8', timeout: 60_000 });
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /^gatehouse: manage a Gatehouse instance/);
  });

  test('serve: a bad port is a usage error (2); help describes the endpoints', () => {
    assertUsage(gatehouse(['serve', '--port', '99999']), /--port must be a port number/);
    const help = gatehouse(['help', 'serve']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /\/\.well-known\/jwks\.json/);
    assert.match(help.stdout, /GATEHOUSE_SERVICE_URL/);
  });

  test('no output ever held the password, a token, the development secret or a password hash', () => {
    const secret = readFileSync(join(dir, 'data', 'dev-secret'), 'utf8').trim();
    const all = outputs.join('\n');
    assert.ok(all.length > 0);
    assert.equal(all.includes(PASSWORD), false, 'password');
    assert.equal(all.includes(secret), false, 'development secret');
    assert.doesNotMatch(all, /\$argon2/);
    assert.equal(tokens.length, 2);
    for (const token of tokens) assert.equal(all.includes(token), false, 'a token');
    assert.doesNotMatch(all, /eyJ[A-Za-z0-9_-]{10,}\./, 'a JWT');
    assert.doesNotMatch(all, /client_[a-z2-7]{26}\./, 'a client token');
    assert.doesNotMatch(all, /private_jwk|privateMetadata|private_metadata|"d":/i);
  });
});
