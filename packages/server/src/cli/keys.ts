// `gatehouse keys …`: the signing keys (public facts only) and rotating them.

import { asJson, table, time, type Command } from './command.js';

export const keyCommands: Command[] = [
  {
    name: 'keys list',
    summary: 'List the signing keys (never their private parts)',
    usage: 'keys list [--json]',
    details: [
      'next: published, signs from its activation on; active: signs new tokens; previous: still verifies until RETIRE AT; retired: verifies nothing.',
    ],
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
    summary: 'Rotate the signing key (published first, then signing)',
    usage: 'keys rotate [--now]',
    details: [
      'The new key is published in the JWKS at once and signs one JWKS max-age later, so verifiers that cache the JWKS have it first.',
      '--now: sign with it at once (a suspected compromise of the current key); verifiers that cache the JWKS refuse new tokens until they refetch.',
      'The replaced key keeps verifying until every token it signed has expired, so nobody is signed out.',
    ],
    options: { now: { type: 'boolean' } },
    async run(values, _positionals, io) {
      const gatehouse = await io.open();
      const immediately = values.now === true;
      const kid = await gatehouse.keys.rotate({ immediately });
      const rows = await gatehouse.store.listSigningKeys();
      const waiting = rows.find((row) => row.id === kid && row.status === 'next');
      if (waiting) {
        io.out(`Rotated the signing key: ${kid} is published now and signs from ${time(Number(waiting.activate_at))}.`);
        return;
      }
      const previous = rows.find((row) => row.status === 'previous' && row.retire_at !== null);
      io.out(`Rotated the signing key: ${kid} is now active.`);
      if (previous) io.out(`The previous key ${previous.id} keeps verifying until ${time(Number(previous.retire_at))}.`);
    },
  },
];
