#!/usr/bin/env node
// The `gatehouse` command: finds the command, parses its arguments, runs it; exit 0 on success, 1 when the operation fails, 2 on a usage error.

import { readFileSync } from 'node:fs';
import { parseArgs, parseEnv } from 'node:util';
import { isGatehouseError } from '@gatehouse/core';
import { createIo, isUsageError, UsageError, type Command } from './command.js';
import { auditCommands } from './audit.js';
import { keyCommands } from './keys.js';
import { migrateCommands } from './migrate.js';
import { migrateCodeCommands } from './migrate-code.js';
import { roleCommands } from './roles.js';
import { serveCommands } from './serve.js';
import { sessionCommands } from './sessions.js';
import { userCommands } from './users.js';
import { accountCommands } from './accounts.js';
import { webhookCommands } from './webhooks.js';
import { initCommands } from './init.js';
import { orgCommands } from './orgs.js';
import { templateCommands } from './templates.js';
import { settingsCommands } from './settings.js';
import { auditLogCommands } from './audit-log.js';
import { machineCommands } from './machines.js';
import { importCommands } from './import.js';

const COMMANDS: readonly Command[] = [
  ...initCommands,
  ...migrateCommands,
  ...migrateCodeCommands,
  ...userCommands,
  ...accountCommands,
  ...orgCommands,
  ...roleCommands,
  ...templateCommands,
  ...keyCommands,
  ...sessionCommands,
  ...machineCommands,
  ...settingsCommands,
  ...auditLogCommands,
  ...webhookCommands,
  ...serveCommands,
  ...auditCommands,
  ...importCommands,
];
const GROUPS = [...new Set(COMMANDS.filter((c) => c.name.includes(' ')).map((c) => c.name.split(' ')[0] ?? ''))];

const ENVIRONMENT = [
  'Environment (the same as the app):',
  '  GATEHOUSE_DATABASE_FILE   SQLite file (default .gatehouse/gatehouse.db)',
  '  DATABASE_URL              PostgreSQL instead of SQLite',
  '  GATEHOUSE_SECRET          the master secret (GATEHOUSE_DEV_SECRET=1: the generated development one)',
  '  GATEHOUSE_CONFIG          gatehouse.config.json (roles, templates; default ./gatehouse.config.json)',
  '  REDIS_URL                 Redis: revocations between instances, shared rate limits',
  'A .env file in the working directory (as `gatehouse init` writes it) is read too; the environment wins.',
];

function overview(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    'gatehouse: manage a Gatehouse instance (users, organizations, roles, templates, keys, sessions, API keys, machines, settings, audit log, webhooks).',
    '',
    'Usage: gatehouse <command> [options]',
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Run `gatehouse help <command>` (or `gatehouse <command> --help`) for its options.',
    '',
    ...ENVIRONMENT,
    '',
    'Exit codes: 0 done, 1 the operation failed, 2 usage error.',
  ].join('\n');
}

function commandHelp(command: Command): string {
  return [`Usage: gatehouse ${command.usage}`, '', command.summary + '.', ...(command.details ? ['', ...command.details] : [])].join('\n');
}

function groupHelp(group: string): string {
  const commands = COMMANDS.filter((c) => c.name.startsWith(`${group} `));
  return ['Usage:', ...commands.map((c) => `  gatehouse ${c.usage}`), '', 'Run `gatehouse help <command>` for details.'].join('\n');
}

/** The command named by the first words of `argv`, and the rest. */
function find(argv: readonly string[]): { command: Command; rest: string[] } {
  const [first = '', second = ''] = argv;
  const single = COMMANDS.find((c) => c.name === first);
  if (single) return { command: single, rest: argv.slice(1) };
  if (GROUPS.includes(first)) {
    const command = COMMANDS.find((c) => c.name === `${first} ${second}`);
    if (command) return { command, rest: argv.slice(2) };
    const choices = COMMANDS.filter((c) => c.name.startsWith(`${first} `)).map((c) => c.name.split(' ')[1]);
    throw new UsageError(
      second === ''
        ? `${first}: which one? ${choices.join(', ')}`
        : `${first}: unknown command ${second.slice(0, 40)} (one of ${choices.join(', ')})`,
      `Run \`gatehouse help ${first}\` for their usage.`,
    );
  }
  throw new UsageError(`unknown command: ${first.slice(0, 40)}`);
}

function version(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: string };
    return pkg.version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

/** The environment with `.env` of the working directory under it (as the app reads it); the real environment wins. */
function withDotEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  let text: string;
  try {
    text = readFileSync('.env', 'utf8');
  } catch {
    return env;
  }
  return { ...parseEnv(text), ...env };
}

export async function main(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const io = createIo(withDotEnv(env));
  let command: Command | null = null;
  try {
    const [first] = argv;
    if (first === undefined) {
      io.err(overview());
      return 2;
    }
    if (first === '--help' || first === '-h') {
      io.out(overview());
      return 0;
    }
    if (first === '--version' || first === '-v') {
      io.out(version());
      return 0;
    }
    if (first === 'help') {
      const topic = argv.slice(1);
      if (topic.length === 0) io.out(overview());
      else if (topic.length === 1 && GROUPS.includes(topic[0] ?? '')) io.out(groupHelp(topic[0] ?? ''));
      else io.out(commandHelp(find(topic).command));
      return 0;
    }
    const found = find(argv);
    command = found.command;
    if (found.rest.some((arg) => arg === '--password' || arg.startsWith('--password='))) {
      throw new UsageError(
        'passwords are never taken from the command line (the process list and shell history keep it): use --password-stdin',
      );
    }
    let parsed;
    try {
      parsed = parseArgs({
        args: found.rest,
        options: { ...command.options, help: { type: 'boolean', short: 'h' } },
        allowPositionals: true,
        strict: true,
      });
    } catch (error) {
      throw new UsageError(error instanceof Error ? (error.message.split('\n')[0] ?? 'invalid arguments') : 'invalid arguments');
    }
    if (parsed.values.help) {
      io.out(commandHelp(command));
      return 0;
    }
    const { min, max } = command.args ?? { min: 0, max: 0 };
    if (parsed.positionals.length < min) throw new UsageError(`${command.name}: missing argument`);
    if (parsed.positionals.length > max)
      throw new UsageError(`${command.name}: unexpected argument ${parsed.positionals[max]?.slice(0, 40)}`);
    await command.run(parsed.values as Record<string, string | boolean | undefined>, parsed.positionals, io);
    return 0;
  } catch (error) {
    if (isUsageError(error)) {
      io.err(`gatehouse: ${error.message}`);
      io.err(error.hint ?? (command ? `Usage: gatehouse ${command.usage}` : 'Run `gatehouse --help` for the commands.'));
      return 2;
    }
    // One line: expected errors carry a message written for people (never a secret); anything else its message only.
    const message = isGatehouseError(error) || error instanceof Error ? error.message : 'unknown error';
    io.err(`gatehouse: ${message.split('\n')[0]}`);
    return 1;
  } finally {
    await io.close();
  }
}

process.exitCode = await main(process.argv.slice(2));
