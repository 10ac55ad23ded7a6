// `gatehouse init`: a new project's gatehouse.config.json and .env (a generated master secret and backend secret key), never overwriting without --force.

import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { parseEnv } from 'node:util';
import { generateSecretKey } from '../backend/secret-keys.js';
import { createGatehouse, type Gatehouse } from '../instance/instance.js';
import { CLAIM_PATH, CLAIM_TTL_SECONDS } from '../admin-claim/admin-claim.js';
import { cliOptions, UsageError, type Command, type Io } from './command.js';

const CONFIG = {
  organizationsRequired: false,
  multiSession: false,
  roles: {
    roles: [{ key: 'org:editor', name: 'Editor', description: 'Can edit content', permissions: ['org:content:edit', 'org:content:read'] }],
  },
  jwtTemplates: [],
};

const DATABASE_FILE = '.gatehouse/gatehouse.db';
const HAS_ADMIN = 'this instance already has an admin, so there is no link (admins make others with `gatehouse users set-admin`).';

/** The app's origin for the link: --url, else http://localhost:$PORT (3000). @throws UsageError for anything but an http(s) origin */
function appOrigin(raw: string | boolean | undefined, env: NodeJS.ProcessEnv): string {
  const text = typeof raw === 'string' ? raw : `http://localhost:${env.PORT || '3000'}`;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError('init: --url must be the app origin, e.g. https://app.example.com');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError('init: --url must be an http(s) origin');
  return url.origin;
}

/**
 * The secrets of an existing `.env` whose database already exists: the signing keys in that database
 * are encrypted with its GATEHOUSE_SECRET, so `init --force` keeps both secrets rather than writing
 * new ones that could not open them. Null when there is no such pair (a new secret is generated).
 */
function keptSecrets(dir: string, envFile: string): { secret: string; secretKey: string; databaseFile: string } | null {
  if (!existsSync(envFile)) return null;
  const env = parseEnv(readFileSync(envFile, 'utf8'));
  const secret = env.GATEHOUSE_SECRET;
  const databaseFile = env.GATEHOUSE_DATABASE_FILE || DATABASE_FILE;
  if (!secret || !existsSync(resolve(dir, databaseFile))) return null;
  return { secret, secretKey: env.GATEHOUSE_SECRET_KEY || generateSecretKey(), databaseFile };
}

/** Prints a new first-admin link, or says why there is none. True when one was printed. */
async function printAdminLink(gatehouse: Gatehouse, origin: string, io: Pick<Io, 'out' | 'err'>): Promise<boolean> {
  const link = await gatehouse.adminClaims.mint(CLAIM_TTL_SECONDS);
  if (!link) return false;
  const url = `${origin}${gatehouse.basePath}${CLAIM_PATH}?token=${link.token}`;
  io.out(
    `\nTo become the first instance admin, sign in to the app and open (once, before ${new Date(link.expiresAt).toISOString()}):\n  ${url}\n`,
  );
  return true;
}

export const initCommands: Command[] = [
  {
    name: 'init',
    summary: 'Write gatehouse.config.json and a .env with generated secrets',
    usage: 'init [--dir DIR] [--force] [--url ORIGIN] [--no-link] | init --admin-link [--url ORIGIN]',
    details: [
      'gatehouse.config.json: roles, JWT templates and session options (edit it; the app reads it on start).',
      '.env (mode 0600): GATEHOUSE_SECRET (the master secret that encrypts the signing keys),',
      "GATEHOUSE_SECRET_KEY (gh_sk_…: server code calling a standalone service's backend API) and",
      'GATEHOUSE_DATABASE_FILE. Keep .env out of version control. Existing files are left alone unless --force;',
      "--force keeps the existing secrets when the .env's database exists (its signing keys are encrypted with them).",
      'Then it creates the database and prints a one-time link that makes the first instance admin: open it',
      'signed in (sign up first) within an hour; it works once, and only while the instance has no admin.',
      'Its token is stored only as a hash. --url is the app origin in the link (default http://localhost:$PORT or :3000);',
      '--no-link skips it. `init --admin-link` writes nothing and prints a new link for an existing project',
      '(the earlier unused link stops working).',
    ],
    options: {
      dir: { type: 'string' },
      force: { type: 'boolean' },
      url: { type: 'string' },
      'no-link': { type: 'boolean' },
      'admin-link': { type: 'boolean' },
    },
    async run(values, _positionals, io) {
      const origin = appOrigin(values.url, io.env);
      if (values['admin-link']) {
        if (values.force || values['no-link'] || values.dir) throw new UsageError('init --admin-link takes only --url');
        if (!(await printAdminLink(await io.open(), origin, io))) throw new Error(HAS_ADMIN);
        return;
      }
      const dir = resolve(typeof values.dir === 'string' ? values.dir : '.');
      const configFile = resolve(dir, 'gatehouse.config.json');
      const envFile = resolve(dir, '.env');
      const existing = [configFile, envFile].filter((file) => existsSync(file));
      if (existing.length > 0 && !values.force) {
        throw new Error(
          `${existing.join(' and ')} already exist${existing.length === 1 ? 's' : ''}: nothing written (use --force to overwrite).`,
        );
      }
      mkdirSync(dir, { recursive: true });
      const kept = keptSecrets(dir, envFile);
      const secret = kept?.secret ?? randomBytes(48).toString('base64url');
      const databaseFile = kept?.databaseFile ?? DATABASE_FILE;
      writeFileSync(configFile, `${JSON.stringify(CONFIG, null, 2)}\n`);
      const env = [
        '# Gatehouse (written by `gatehouse init`). Secrets: keep this file out of version control.',
        `GATEHOUSE_SECRET=${secret}`,
        `GATEHOUSE_SECRET_KEY=${kept?.secretKey ?? generateSecretKey()}`,
        `GATEHOUSE_DATABASE_FILE=${databaseFile}`,
        '',
      ].join('\n');
      writeFileSync(envFile, env, { mode: 0o600 });
      // Never the secrets themselves: only where they went.
      io.out(`Wrote ${configFile}`);
      io.out(`Wrote ${envFile} (GATEHOUSE_SECRET, GATEHOUSE_SECRET_KEY, GATEHOUSE_DATABASE_FILE; mode 0600)`);
      if (kept) {
        io.out(
          `Kept the existing GATEHOUSE_SECRET and GATEHOUSE_SECRET_KEY: the signing keys in ${resolve(dir, databaseFile)} are encrypted with that secret (remove the database for new ones).`,
        );
      }
      if (values['no-link']) {
        io.out('Next: add .env to .gitignore, then `gatehouse migrate` (the app also migrates on start).');
        return;
      }
      // The instance exactly as the app in DIR will open it: the .env just written, paths relative to DIR.
      const options = cliOptions({
        env: { ...io.env, GATEHOUSE_SECRET: secret, GATEHOUSE_DATABASE_FILE: resolve(dir, databaseFile) },
        err: io.err,
      });
      let gatehouse: Gatehouse;
      try {
        gatehouse = await createGatehouse(options);
      } catch (error) {
        io.err(
          `gatehouse: no admin link (${error instanceof Error ? error.message : 'the database cannot be opened'}); later: gatehouse init --admin-link`,
        );
        return;
      }
      try {
        if (!(await printAdminLink(gatehouse, origin, io))) io.err(`gatehouse: ${HAS_ADMIN}`);
      } finally {
        await gatehouse.close();
      }
      io.out('Next: add .env to .gitignore.');
    },
  },
];
