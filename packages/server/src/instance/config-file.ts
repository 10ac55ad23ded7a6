// gatehouse.config.json: what does not fit in environment variables (roles, JWT templates, claims).

import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { z } from 'zod';
import type { GatehouseOptions } from './options.js';
import { ConnectionConfigSchema } from '../oauth/presets.js';

/** A secret written as `{ "env": "NAME" }` is read from the environment, so the file holds none. */
const Secret = z.union([z.string(), z.object({ env: z.string().min(1) }).strict()]);

const ConfigFile = z
  .object({
    $schema: z.string().optional(),
    organizationsRequired: z.boolean().optional(),
    secondFactorRequired: z.boolean().optional(),
    multiSession: z.boolean().optional(),
    roles: z
      .object({
        roles: z
          .array(
            z.object({ key: z.string(), name: z.string(), description: z.string().optional(), permissions: z.array(z.string()) }).strict(),
          )
          .optional(),
        creatorRole: z.string().optional(),
        defaultRole: z.string().optional(),
      })
      .strict()
      .optional(),
    rateLimits: z
      .partialRecord(
        z.enum(['signInIp', 'signInIdentifier', 'signUpIp', 'verifyIp', 'verifyIdentifier']),
        z.union([z.literal(false), z.object({ limit: z.number().int().min(1), windowSeconds: z.number().positive() }).strict()]),
      )
      .optional(),
    sessionClaims: z.record(z.string(), z.unknown()).optional(),
    oauth: z
      .object({
        // Validated fully (with the secret read) by the connection schema below.
        connections: z.array(z.object({ clientSecret: Secret.optional() }).loose()).optional(),
        timeoutSeconds: z.number().positive().max(120).optional(),
      })
      .strict()
      .optional(),
    jwtTemplates: z
      .array(
        z
          .object({
            name: z.string(),
            claims: z.record(z.string(), z.unknown()),
            lifetimeSeconds: z.number().int().optional(),
            allowedClockSkewSeconds: z.number().int().optional(),
            signing: z
              .object({ algorithm: z.enum(['HS256', 'HS384', 'HS512']), secret: Secret })
              .strict()
              .optional(),
          })
          .strict(),
      )
      .optional(),
  })
  .strict();

export interface ConfigFileOptions {
  /**
   * A template whose secret variable is unset still loads, and refuses to mint (`setup_missing`)
   * instead of stopping the start: for CLI commands that mint nothing (listing users needs no
   * Supabase secret). Apps and `gatehouse serve` leave it off, so a missing secret stops them.
   */
  deferTemplateSecrets?: boolean;
}

/**
 * Reads `GATEHOUSE_CONFIG` (or `gatehouse.config.json` in the working directory, when present).
 * @throws TypeError naming the file and what is wrong (a bad configuration must stop the start)
 */
export function readConfigFile(env: NodeJS.ProcessEnv = process.env, reading: ConfigFileOptions = {}): Partial<GatehouseOptions> {
  const file = env.GATEHOUSE_CONFIG ? resolve(env.GATEHOUSE_CONFIG) : resolve('gatehouse.config.json');
  if (!existsSync(file)) {
    if (env.GATEHOUSE_CONFIG) throw new TypeError(`GATEHOUSE_CONFIG names ${file}, which does not exist`);
    return {};
  }
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (cause) {
    throw new TypeError(`${file} is not valid JSON`, { cause });
  }
  const parsed = ConfigFile.safeParse(raw);
  if (!parsed.success) {
    const detail = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new TypeError(`${file} is invalid: ${detail}`);
  }
  const { $schema: _schema, jwtTemplates, oauth, ...rest } = parsed.data;
  const options: Partial<GatehouseOptions> = { ...rest } as Partial<GatehouseOptions>;
  if (oauth) {
    const connections = (oauth.connections ?? []).map((raw, i) => {
      const secret = raw.clientSecret;
      const clientSecret = typeof secret === 'object' ? env[secret.env] : secret;
      if (typeof secret === 'object' && !clientSecret)
        throw new TypeError(`${file}: oauth.connections[${i}] needs the environment variable ${secret.env}`);
      const checked = ConnectionConfigSchema.safeParse({ ...raw, ...(clientSecret ? { clientSecret } : {}) });
      if (!checked.success)
        throw new TypeError(
          `${file}: oauth.connections[${i}] is invalid: ${checked.error.issues.map((x) => `${x.path.join('.')}: ${x.message}`).join('; ')}`,
        );
      return checked.data;
    });
    options.oauth = { connections, ...(oauth.timeoutSeconds ? { timeoutSeconds: oauth.timeoutSeconds } : {}) };
  }
  if (jwtTemplates) {
    options.jwtTemplates = jwtTemplates.map(({ signing, ...template }) => {
      if (!signing) return template;
      const secret = typeof signing.secret === 'string' ? signing.secret : env[signing.secret.env];
      if (!secret) {
        const variable = (signing.secret as { env: string }).env;
        if (reading.deferTemplateSecrets)
          return { ...template, signing: { algorithm: signing.algorithm, secret: '', missingEnv: variable } };
        throw new TypeError(`${file}: JWT template ${template.name} needs the environment variable ${variable}`);
      }
      return { ...template, signing: { algorithm: signing.algorithm, secret } };
    });
  }
  return options;
}
