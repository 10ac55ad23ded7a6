// What every CLI command shares: its shape, usage errors, opening the instance like the embedded app, tables and secrets from stdin.

import type { ParseArgsConfig } from 'node:util';
import { gatehouseOptionsFromEnv } from '../instance/embedded.js';
import { createGatehouse, type Gatehouse } from '../instance/instance.js';
import type { GatehouseOptions } from '../instance/options.js';
import { createLogger, logLevel } from '../observability/logger.js';

/** A mistake in how the command was called: exit code 2 with the command's usage. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
  /** What to print after the message instead of the command's usage line. */
  readonly hint: string | undefined;

  constructor(message: string, hint?: string) {
    super(message);
    this.hint = hint;
  }
}

/** Whether `value` is a {@link UsageError} (by name: checked across module copies too). */
export function isUsageError(value: unknown): value is UsageError {
  return value instanceof Error && value.name === 'UsageError';
}

export interface Io {
  readonly env: NodeJS.ProcessEnv;
  out(text: string): void;
  /** Diagnostics and the instance's own log lines: stdout stays parseable (`--json`). */
  err(text: string): void;
  stdin: NodeJS.ReadStream;
  /**
   * Opens the instance once (the embedded app's options from the environment); closed when the
   * command ends. Only a command that mints tokens (`serve`) passes `mints`: the others start
   * without JWT-template secrets, which they never use.
   */
  open(use?: OpenUse): Promise<Gatehouse>;
}

/** `mints`: the command mints tokens (template secrets needed); `jsonLogs`: the instance logs JSON lines (pino) to stdout, request lines included (`serve`). */
export interface OpenUse {
  mints: boolean;
  jsonLogs?: boolean;
}

export type Values = Record<string, string | boolean | undefined>;

export interface Command {
  /** `migrate`, `users list`, … */
  name: string;
  summary: string;
  /** The synopsis after `gatehouse `. */
  usage: string;
  /** Extra lines for `gatehouse help <command>`. */
  details?: string[];
  options?: NonNullable<ParseArgsConfig['options']>;
  /** How many positional arguments it takes. */
  args?: { min: number; max: number };
  run(values: Values, positionals: string[], io: Io): Promise<void>;
}

/** The instance's options exactly as the embedded app reads them, with its log lines on stderr. */
export function cliOptions(io: Pick<Io, 'env' | 'err'>, use: OpenUse = { mints: false }): GatehouseOptions {
  const base = gatehouseOptionsFromEnv(io.env, { deferTemplateSecrets: !use.mints });
  const options: GatehouseOptions = use.jsonLogs
    ? { ...base, logger: createLogger({ level: logLevel(io.env) }) }
    : { ...base, log: (line) => io.err(line) };
  // `serve` (the one command that mints) serves sign-ups: it delivers mail, and refuses to start in production without a mailer.
  if (use.mints) options.mail = { ...options.mail, worker: io.env.GATEHOUSE_MAIL_WORKER !== '0' };
  return options;
}

export function createIo(env: NodeJS.ProcessEnv): Io & { close(): Promise<void> } {
  let opened: Promise<Gatehouse> | null = null;
  const io: Io & { close(): Promise<void> } = {
    env,
    out: (text) => void process.stdout.write(text.endsWith('\n') ? text : `${text}\n`),
    err: (text) => void process.stderr.write(text.endsWith('\n') ? text : `${text}\n`),
    stdin: process.stdin,
    open(use) {
      opened ??= createGatehouse(cliOptions(io, use)).then((gatehouse) => {
        io.err(gatehouse.databaseFile ? `gatehouse: SQLite database at ${gatehouse.databaseFile}` : 'gatehouse: PostgreSQL database');
        return gatehouse;
      });
      return opened;
    },
    async close() {
      const gatehouse = await opened?.catch(() => null);
      await gatehouse?.close();
    },
  };
  return io;
}

/** An ISO time, or `-`. */
export function time(ms: number | null | undefined): string {
  return ms === null || ms === undefined ? '-' : new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Rows as aligned columns under a header. */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}

export function asJson(value: unknown): string {
  return JSON.stringify(value, null, 2);
}

const MAX_SECRET_BYTES = 4096;

/**
 * Reads a secret from stdin: piped, everything up to the end (one trailing newline dropped); from a
 * terminal, a prompt on stderr without echo, asked twice. Never from argv, where the process list
 * and shell history would show it.
 */
export async function readSecret(io: Io, prompt: string): Promise<string> {
  if (io.stdin.isTTY) {
    const first = await promptHidden(io, `${prompt}: `);
    const again = await promptHidden(io, `${prompt} (again): `);
    if (first !== again) throw new Error('The two entries differ.');
    return first;
  }
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of io.stdin) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    total += bytes.byteLength;
    if (total > MAX_SECRET_BYTES) throw new Error(`stdin holds more than ${MAX_SECRET_BYTES} bytes.`);
    chunks.push(bytes);
  }
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

function promptHidden(io: Io, prompt: string): Promise<string> {
  const { stdin } = io;
  process.stderr.write(prompt);
  return new Promise((resolve, reject) => {
    let value = '';
    const finish = () => {
      stdin.off('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
      process.stderr.write('\n');
    };
    const onData = (chunk: Buffer | string) => {
      for (const ch of chunk.toString()) {
        if (ch === '\r' || ch === '\n' || ch === '\u0004') {
          finish();
          resolve(value);
          return;
        }
        if (ch === '\u0003') {
          finish();
          reject(new Error('Cancelled.'));
          return;
        }
        value = ch === '\u007f' || ch === '\b' ? value.slice(0, -1) : value + ch;
      }
    };
    stdin.setRawMode(true);
    stdin.resume();
    stdin.on('data', onData);
  });
}
