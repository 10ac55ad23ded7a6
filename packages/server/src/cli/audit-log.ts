// `gatehouse audit-log …`: query the audit log with filters and a cursor, or export it as JSON Lines or CSV.

import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import type { AuditQueryInput } from '../audit/audit.js';
import { asJson, table, time, UsageError, type Command, type Values } from './command.js';

const FILTERS = {
  actor: { type: 'string' },
  action: { type: 'string' },
  target: { type: 'string' },
  org: { type: 'string' },
  since: { type: 'string' },
  until: { type: 'string' },
} as const;

const FILTER_HELP = [
  'Filters (all must match): --actor USER_ID, --action ACTION (or a family ending in ".", e.g. session.),',
  '--target ID, --org ORG_ID, --since/--until TIME (ISO 8601 or milliseconds; since inclusive, until exclusive).',
];

function filterOf(values: Values): AuditQueryInput {
  const pick = (name: keyof typeof FILTERS) => (typeof values[name] === 'string' ? (values[name] as string) : undefined);
  const filter: Record<string, string> = {};
  const set = (key: string, value: string | undefined) => {
    if (value !== undefined) filter[key] = value;
  };
  set('actorId', pick('actor'));
  set('action', pick('action'));
  set('targetId', pick('target'));
  set('organizationId', pick('org'));
  set('since', pick('since'));
  set('until', pick('until'));
  return filter;
}

export const auditLogCommands: Command[] = [
  {
    name: 'audit-log query',
    summary: 'Show audit events, newest first (a page at a time)',
    usage: 'audit-log query [--actor ID] [--action A] [--target ID] [--org ID] [--since T] [--until T] [--limit N] [--cursor C] [--json]',
    details: [...FILTER_HELP, 'The next page: the same command with --cursor (printed on stderr when there is one).'],
    options: { ...FILTERS, limit: { type: 'string' }, cursor: { type: 'string' }, json: { type: 'boolean' } },
    async run(values, _positionals, io) {
      const filter: AuditQueryInput = { ...filterOf(values) };
      if (typeof values.limit === 'string') {
        if (!/^\d+$/.test(values.limit)) throw new UsageError('--limit takes a whole number');
        filter.limit = Number(values.limit);
      }
      if (typeof values.cursor === 'string') filter.cursor = values.cursor;
      const page = await (await io.open()).audit.query(filter);
      if (values.json) return io.out(asJson(page));
      if (page.events.length === 0) io.out('No audit events match.');
      else
        io.out(
          table(
            ['TIME', 'ACTION', 'ACTOR', 'TARGET', 'ORG', 'IP'],
            page.events.map((e) => [time(e.at), e.action, e.actorId ?? '-', e.targetId ?? '-', e.organizationId ?? '-', e.ip ?? '-']),
          ),
        );
      if (page.nextCursor) io.err(`More: add --cursor ${page.nextCursor}`);
    },
  },
  {
    name: 'audit-log export',
    summary: 'Export every matching audit event as JSON Lines or CSV',
    usage: 'audit-log export [--format jsonl|csv] [--output FILE] [filters]',
    details: [
      ...FILTER_HELP,
      "CSV cells are quoted, and values a spreadsheet would run as a formula (=, +, -, @) are prefixed with '.",
      'Without --output the export goes to stdout.',
    ],
    options: { ...FILTERS, format: { type: 'string' }, output: { type: 'string' } },
    async run(values, _positionals, io) {
      const format = values.format ?? 'jsonl';
      if (format !== 'jsonl' && format !== 'csv') throw new UsageError('--format is jsonl or csv');
      const lines = (await io.open()).audit.export(filterOf(values), format);
      if (typeof values.output !== 'string') {
        for await (const line of lines) process.stdout.write(line);
        return;
      }
      // The log names users, addresses and IPs: the file is readable by its owner only.
      const file = createWriteStream(values.output, { mode: 0o600 });
      let count = format === 'csv' ? -1 : 0;
      for await (const line of lines) {
        count++;
        if (!file.write(line)) await once(file, 'drain');
      }
      file.end();
      await once(file, 'finish');
      io.out(`Wrote ${count} event(s) to ${values.output}.`);
    },
  },
];
