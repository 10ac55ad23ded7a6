// `gatehouse templates …`: the JWT templates in effect (configured in gatehouse.config.json or stored in the database), never their signing secrets; set and delete the stored ones.

import { readFileSync } from 'node:fs';
import { HMAC_ALGORITHMS, type JwtTemplateInput } from '../tokens/template-admin.js';
import { UsageError, asJson, table, type Command } from './command.js';

const ALGORITHMS = ['RS256', ...HMAC_ALGORITHMS] as const;

/** `--claims`: JSON, or @file holding JSON. */
function readClaims(value: string): Record<string, unknown> {
  let text = value;
  if (value.startsWith('@')) {
    try {
      text = readFileSync(value.slice(1), 'utf8');
    } catch {
      throw new UsageError(`cannot read ${value.slice(1, 200)}`);
    }
  }
  let claims: unknown;
  try {
    claims = JSON.parse(text);
  } catch {
    throw new UsageError('--claims is not valid JSON');
  }
  if (typeof claims !== 'object' || claims === null || Array.isArray(claims)) throw new UsageError('--claims must be a JSON object');
  return claims as Record<string, unknown>;
}

function seconds(value: unknown, option: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !/^\d{1,10}$/.test(value)) throw new UsageError(`${option} must be a whole number of seconds`);
  return Number(value);
}

export const templateCommands: Command[] = [
  {
    name: 'templates list',
    summary: 'List the JWT templates (from gatehouse.config.json)',
    usage: 'templates list [--json]',
    details: ['Templates are defined in gatehouse.config.json (jwtTemplates) and validated when the instance starts.'],
    options: { json: { type: 'boolean' } },
    async run(values, _positionals, io) {
      const templates = await (await io.open()).templateAdmin.list();
      if (values.json) return io.out(asJson(templates));
      if (templates.length === 0) return io.out('No JWT templates (add them to gatehouse.config.json under jwtTemplates).');
      io.out(
        table(
          ['NAME', 'SOURCE', 'ALG', 'LIFETIME', 'SKEW', 'CLAIMS'],
          templates.map((t) => [
            t.name,
            t.source,
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
      const template = (await (await io.open()).templateAdmin.list()).find((t) => t.name === name);
      if (!template) throw new Error(`No JWT template named ${name.slice(0, 64)}.`);
      io.out(asJson(template));
    },
  },
  {
    name: 'templates set',
    summary: 'Create a JWT template, or replace one stored in the database',
    usage: 'templates set <name> --claims <json|@file> [--lifetime S] [--skew S] [--alg RS256|HS256|HS384|HS512 --secret-env VAR]',
    details: [
      'Claims are a JSON object with shortcodes such as {{user.primary_email_address}} or {{org.id}};',
      'sub, iss, iat, nbf, exp, jti and azp are always set by Gatehouse. At most 4 KB of JSON.',
      'RS256 (default) signs with the instance key (in JWKS). HS* signs with a secret read from the',
      'environment variable named by --secret-env (at least 32 bytes; it must be set wherever tokens are',
      'minted): the secret itself is never stored or printed. Templates in gatehouse.config.json are read-only.',
      'Running instances notice a change made here within seconds.',
    ],
    options: {
      claims: { type: 'string' },
      lifetime: { type: 'string' },
      skew: { type: 'string' },
      alg: { type: 'string' },
      'secret-env': { type: 'string' },
      json: { type: 'boolean' },
    },
    args: { min: 1, max: 1 },
    async run(values, [name = ''], io) {
      if (typeof values.claims !== 'string') throw new UsageError('templates set needs --claims <json|@file>');
      const alg = typeof values.alg === 'string' ? values.alg : 'RS256';
      if (!(ALGORITHMS as readonly string[]).includes(alg)) throw new UsageError(`--alg must be one of ${ALGORITHMS.join(', ')}`);
      const secretEnv = values['secret-env'];
      if (alg === 'RS256' && secretEnv !== undefined) throw new UsageError('--secret-env is for HS256/HS384/HS512');
      if (alg !== 'RS256' && typeof secretEnv !== 'string') throw new UsageError(`--alg ${alg} needs --secret-env VAR`);
      const input: JwtTemplateInput = {
        name,
        claims: readClaims(values.claims),
        lifetimeSeconds: seconds(values.lifetime, '--lifetime'),
        allowedClockSkewSeconds: seconds(values.skew, '--skew'),
        signing: alg === 'RS256' ? null : { algorithm: alg as (typeof HMAC_ALGORITHMS)[number], secretEnv: String(secretEnv) },
      };
      const { template, created, changed } = await (await io.open()).templateAdmin.upsert(input);
      if (values.json) return io.out(asJson(template));
      if (!changed) return io.out(`JWT template ${template.name} is unchanged.`);
      io.out(
        `${created ? 'Created' : 'Updated'} JWT template ${template.name} (${template.signingAlgorithm}, ${template.lifetimeSeconds}s).`,
      );
    },
  },
  {
    name: 'templates delete',
    summary: 'Delete a JWT template stored in the database',
    usage: 'templates delete <name>',
    details: ['Templates in gatehouse.config.json are read-only.'],
    args: { min: 1, max: 1 },
    async run(_values, [name = ''], io) {
      await (await io.open()).templateAdmin.remove(name);
      io.out(`Deleted JWT template ${name}.`);
    },
  },
];
