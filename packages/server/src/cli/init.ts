// `gatehouse init`: a new project's gatehouse.config.json and .env (a generated master secret and backend secret key), never overwriting without --force.

import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { generateSecretKey } from '../backend/secret-keys.js';
import type { Command } from './command.js';

const CONFIG = {
  organizationsRequired: false,
  multiSession: false,
  roles: {
    roles: [{ key: 'org:editor', name: 'Editor', description: 'Can edit content', permissions: ['org:content:edit', 'org:content:read'] }],
  },
  jwtTemplates: [],
};

export const initCommands: Command[] = [
  {
    name: 'init',
    summary: 'Write gatehouse.config.json and a .env with generated secrets',
    usage: 'init [--dir DIR] [--force]',
    details: [
      'gatehouse.config.json: roles, JWT templates and session options (edit it; the app reads it on start).',
      '.env (mode 0600): GATEHOUSE_SECRET (the master secret that encrypts the signing keys),',
      "GATEHOUSE_SECRET_KEY (gh_sk_…: server code calling a standalone service's backend API) and",
      'GATEHOUSE_DATABASE_FILE. Keep .env out of version control. Existing files are left alone unless --force.',
    ],
    options: { dir: { type: 'string' }, force: { type: 'boolean' } },
    async run(values, _positionals, io) {
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
      writeFileSync(configFile, `${JSON.stringify(CONFIG, null, 2)}\n`);
      const env = [
        '# Gatehouse (written by `gatehouse init`). Secrets: keep this file out of version control.',
        `GATEHOUSE_SECRET=${randomBytes(48).toString('base64url')}`,
        `GATEHOUSE_SECRET_KEY=${generateSecretKey()}`,
        'GATEHOUSE_DATABASE_FILE=.gatehouse/gatehouse.db',
        '',
      ].join('\n');
      writeFileSync(envFile, env, { mode: 0o600 });
      // Never the secrets themselves: only where they went.
      io.out(`Wrote ${configFile}`);
      io.out(`Wrote ${envFile} (GATEHOUSE_SECRET, GATEHOUSE_SECRET_KEY, GATEHOUSE_DATABASE_FILE; mode 0600)`);
      io.out('Next: add .env to .gitignore, then `gatehouse migrate` (the app also migrates on start).');
    },
  },
];
