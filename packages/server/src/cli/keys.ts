// `gatehouse keys …`: the signing keys (public facts only) and rotating them.

import { asJson, table, time, type Command } from './command.js';

export const keyCommands: Command[] = [
  {
    name: 'keys list',
    summary: 'List the signing keys (never their private parts)',
    usage: 'keys list [--json]',
    details: ['active: signs new tokens; previous: still verifies until RETIRE AT; retired: verifies nothing.'],
    options: { json: { type: 'boolean' } },
    async run(values, _positionals, io) {
      const rows = await (await io.open()).store.listSigningKeys();
      // Only these fields: the sealed private key never leaves the database, not even encrypted.
      const keys = rows.map((row) => ({
        kid: row.id,
        alg: row.alg,
        status: row.status,
        createdAt: Number(row.created_at),
        retireAt: row.retire_at === null ? null : Number(row.retire_at),
      }));
      if (values.json) return io.out(asJson(keys));
      io.out(
        table(
          ['KID', 'ALG', 'STATUS', 'CREATED', 'RETIRE AT'],
          keys.map((k) => [k.kid, k.alg, k.status, time(k.createdAt), time(k.retireAt)]),
        ),
      );
    },
  },
  {
    name: 'keys rotate',
    summary: 'Make a new signing key the active one',
    usage: 'keys rotate',
    details: [
      'The previous key keeps verifying until every token it signed has expired, so nobody is signed out.',
      'Running instances start signing with the new key within a minute (at once when they meet its kid).',
    ],
    async run(_values, _positionals, io) {
      const gatehouse = await io.open();
      const kid = await gatehouse.keys.rotate();
      const previous = (await gatehouse.store.listSigningKeys()).find((row) => row.status === 'previous' && row.retire_at !== null);
      io.out(`Rotated the signing key: ${kid} is now active.`);
      if (previous) io.out(`The previous key ${previous.id} keeps verifying until ${time(Number(previous.retire_at))}.`);
    },
  },
];
