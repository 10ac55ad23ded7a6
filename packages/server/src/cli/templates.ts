// `gatehouse templates …`: the JWT templates in effect (defined in gatehouse.config.json), never their signing secrets.

import { asJson, table, type Command } from './command.js';

export const templateCommands: Command[] = [
  {
    name: 'templates list',
    summary: 'List the JWT templates (from gatehouse.config.json)',
    usage: 'templates list [--json]',
    details: ['Templates are defined in gatehouse.config.json (jwtTemplates) and validated when the instance starts.'],
    options: { json: { type: 'boolean' } },
    async run(values, _positionals, io) {
      const templates = (await io.open()).templates.list();
      if (values.json) return io.out(asJson(templates));
      if (templates.length === 0) return io.out('No JWT templates (add them to gatehouse.config.json under jwtTemplates).');
      io.out(
        table(
          ['NAME', 'ALG', 'LIFETIME', 'SKEW', 'CLAIMS'],
          templates.map((t) => [
            t.name,
            t.signingAlgorithm,
            `${t.lifetimeSeconds}s`,
            `${t.allowedClockSkewSeconds}s`,
            Object.keys(t.claims).join(',') || '-',
          ]),
        ),
      );
    },
  },
  {
    name: 'templates show',
    summary: "Show one JWT template's claims",
    usage: 'templates show <name>',
    args: { min: 1, max: 1 },
    async run(_values, [name = ''], io) {
      const template = (await io.open()).templates.list().find((t) => t.name === name);
      if (!template) throw new Error(`No JWT template named ${name.slice(0, 64)}.`);
      io.out(asJson(template));
    },
  },
];
