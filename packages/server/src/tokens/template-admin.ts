// JWT templates at run time: configured templates (read-only) plus the database's, the backend API that changes the database's, and noticing changes other processes made.

import { GatehouseError, type RequestContext } from '@gatehouse/core';
import { newSecret } from '../store/ids.js';
import { audit } from '../organizations/org-access.js';
import { BACKEND_CONTEXT } from '../sessions/session-core.js';
import type { Store } from '../store/types.js';
import type { JwtTemplateRow } from './token-store.js';
import {
  TEMPLATE_NAME,
  checkTemplate,
  templateInfo,
  type JwtTemplateConfig,
  type JwtTemplateInfo,
  type TemplateRegistry,
} from './templates.js';

export const HMAC_ALGORITHMS = ['HS256', 'HS384', 'HS512'] as const;
/** Environment variable names a stored template may reference for its HMAC secret. */
export const SECRET_ENV_NAME = /^[A-Z_][A-Z0-9_]{0,127}$/;

export interface JwtTemplateInput {
  name: string;
  claims: Record<string, unknown>;
  lifetimeSeconds?: number | undefined;
  allowedClockSkewSeconds?: number | undefined;
  /** HS*: the secret is read from the named environment variable (never stored); without it, the instance key (RS256). */
  signing?: { algorithm: (typeof HMAC_ALGORITHMS)[number]; secretEnv: string } | null | undefined;
}

export interface TemplateChangeOptions {
  /** The user who asked (an instance admin), or null for server code and the CLI. */
  actorId?: string | null;
  ctx?: RequestContext;
  /** `create`: refused (409) when the template exists; `update`: refused (404) when it does not. Default: either. */
  mode?: 'create' | 'update';
}

export interface TemplateAdmin {
  /** What the template use cases read. */
  readonly registry: TemplateRegistry;
  /** The templates in effect (configured, then stored), after checking for changes elsewhere. */
  list(): Promise<JwtTemplateInfo[]>;
  /**
   * Creates or replaces a stored template, validated like configured ones.
   * @throws GatehouseError `bad_request` (invalid; the secret's environment variable is unset or
   *   too short), `conflict` (a configured template has the name)
   */
  upsert(
    input: JwtTemplateInput,
    options?: TemplateChangeOptions,
  ): Promise<{ template: JwtTemplateInfo; created: boolean; changed: boolean }>;
  /** @throws GatehouseError `not_found`, `conflict` (a configured template) */
  remove(name: string, options?: TemplateChangeOptions): Promise<void>;
  /** Re-reads the stored templates (a pub/sub message can call this). */
  reload(): Promise<void>;
}

const REVISION_KEY = 'jwt_templates_revision';
const CHECK_EVERY_MS = 5_000;

const badRequest = (error: unknown): GatehouseError =>
  new GatehouseError('bad_request', error instanceof Error ? error.message : 'The template is invalid.', { cause: error });

/** What a stored row means, and how it compares with another definition (never comparing secrets, only their variable names). */
function shape(
  row: Pick<JwtTemplateRow, 'claims' | 'lifetime_seconds' | 'allowed_clock_skew_seconds' | 'signing_algorithm' | 'signing_secret_env'>,
) {
  return {
    claims: JSON.parse(row.claims) as unknown,
    lifetimeSeconds: Number(row.lifetime_seconds),
    allowedClockSkewSeconds: Number(row.allowed_clock_skew_seconds),
    signingAlgorithm: row.signing_algorithm,
    signingSecretEnv: row.signing_secret_env,
  };
}

export async function createTemplateAdmin(deps: {
  store: Store;
  /** The configured templates, validated by {@link compileTemplates}. */
  config: Map<string, JwtTemplateConfig>;
  now: () => number;
  log: (line: string) => void;
  /** Where HMAC secrets are read (default process.env). */
  env?: NodeJS.ProcessEnv;
  checkEveryMs?: number;
}): Promise<TemplateAdmin> {
  const { store, config, now, log } = deps;
  const env = (): NodeJS.ProcessEnv => deps.env ?? process.env;
  const checkEveryMs = deps.checkEveryMs ?? CHECK_EVERY_MS;

  /** A stored row as a template: validated again, with its secret read from the environment. */
  function toConfig(row: JwtTemplateRow): JwtTemplateConfig {
    const s = shape(row);
    const template: JwtTemplateConfig = {
      name: row.name,
      claims: s.claims as Record<string, unknown>,
      lifetimeSeconds: s.lifetimeSeconds,
      allowedClockSkewSeconds: s.allowedClockSkewSeconds,
    };
    if (s.signingAlgorithm !== 'RS256') {
      if (!(HMAC_ALGORITHMS as readonly string[]).includes(s.signingAlgorithm))
        throw new TypeError(`unknown algorithm ${s.signingAlgorithm}`);
      const secret = s.signingSecretEnv ? env()[s.signingSecretEnv] : undefined;
      if (!secret) throw new TypeError(`the environment variable ${s.signingSecretEnv ?? '(none)'} is not set`);
      template.signing = { algorithm: s.signingAlgorithm as (typeof HMAC_ALGORITHMS)[number], secret };
    }
    return checkTemplate(template);
  }

  let stored = new Map<string, { template: JwtTemplateConfig; row: JwtTemplateRow }>();
  let revision: string | null = null;
  let lastCheck = 0;

  async function load(): Promise<void> {
    const nextRevision = await store.getInstanceValue(REVISION_KEY);
    const next = new Map<string, { template: JwtTemplateConfig; row: JwtTemplateRow }>();
    for (const row of await store.listJwtTemplates()) {
      if (config.has(row.name)) continue; // configuration wins: the row has no effect
      try {
        next.set(row.name, { template: toConfig(row), row });
      } catch (error) {
        // Fail closed: the template is not minted until it is fixed.
        log(`gatehouse: WARNING: ignoring stored JWT template ${row.name}: ${error instanceof Error ? error.message : 'invalid'}`);
      }
    }
    stored = next;
    revision = nextRevision;
    lastCheck = Date.now();
  }

  let queue: Promise<void> = Promise.resolve();
  const serial = (fn: () => Promise<void>): Promise<void> => (queue = queue.catch(() => undefined).then(fn));
  const reload = () => serial(load);

  /** Reloads when another process changed the stored templates; forced, or at most every few seconds (real time: this paces database reads). */
  const check = (force = false): Promise<void> =>
    force || Date.now() - lastCheck >= checkEveryMs
      ? serial(async () => {
          lastCheck = Date.now();
          if ((await store.getInstanceValue(REVISION_KEY)) !== revision) await load();
        })
      : Promise.resolve();

  await load();

  const registry: TemplateRegistry = {
    get: (name) => config.get(name) ?? stored.get(name)?.template,
    infos: () => [
      ...[...config.values()].map((t) => templateInfo(t, null)),
      ...[...stored.values()].map(({ template, row }) =>
        templateInfo(template, { secretEnv: row.signing_secret_env, createdAt: Number(row.created_at), updatedAt: Number(row.updated_at) }),
      ),
    ],
    check: () =>
      check().catch((error: unknown) => {
        log(`gatehouse: could not reload JWT templates: ${error instanceof Error ? error.message : 'unknown'}`);
      }),
  };

  function refuseConfigured(name: string, doing: string): void {
    if (config.has(name))
      throw new GatehouseError(
        'conflict',
        `${name} is defined in the configuration: it cannot be ${doing} here (edit gatehouse.config.json).`,
      );
  }

  return {
    registry,

    async list() {
      await check(true);
      return registry.infos();
    },

    async upsert(input, options = {}) {
      if (!TEMPLATE_NAME.test(input.name)) throw new GatehouseError('bad_request', 'JWT template names are 1-64 letters, digits, - or _.');
      refuseConfigured(input.name, 'changed');
      const signing = input.signing ?? null;
      if (signing && !SECRET_ENV_NAME.test(signing.secretEnv))
        throw new GatehouseError('bad_request', 'The secret must be named by an environment variable (A-Z, 0-9, _).');
      const row = {
        name: input.name,
        claims: JSON.stringify(input.claims ?? null),
        lifetime_seconds: input.lifetimeSeconds ?? 60,
        allowed_clock_skew_seconds: input.allowedClockSkewSeconds ?? 5,
        signing_algorithm: signing?.algorithm ?? 'RS256',
        signing_secret_env: signing?.secretEnv ?? null,
      };
      try {
        toConfig({ ...row, created_at: 0, updated_at: 0 });
      } catch (error) {
        throw badRequest(error);
      }
      const result = await store.transaction(async (tx) => {
        const existing = (await tx.listJwtTemplates()).find((r) => r.name === input.name) ?? null;
        if (existing && options.mode === 'create') throw new GatehouseError('conflict', `A JWT template named ${input.name} exists.`);
        if (!existing && options.mode === 'update') throw new GatehouseError('not_found', 'No such JWT template.');
        const next = shape(row);
        if (existing && JSON.stringify(shape(existing)) === JSON.stringify(next)) return { created: false, changed: false };
        const t = now();
        await tx.saveJwtTemplate({ ...row, created_at: existing ? Number(existing.created_at) : t, updated_at: t });
        await tx.setInstanceValue(REVISION_KEY, newSecret());
        await audit(tx, options.ctx ?? BACKEND_CONTEXT, {
          at: t,
          action: existing ? 'jwt_template.updated' : 'jwt_template.created',
          actorId: options.actorId ?? null,
          subjectId: input.name,
          data: existing ? { from: shape(existing), to: next } : next,
        });
        return { created: existing === null, changed: true };
      });
      if (result.changed) await reload();
      const info = registry.infos().find((t) => t.name === input.name);
      if (!info) throw new GatehouseError('internal_error', 'The JWT template was saved but could not be loaded.');
      return { template: info, ...result };
    },

    async remove(name, options = {}) {
      if (!TEMPLATE_NAME.test(name)) throw new GatehouseError('not_found', 'No such JWT template.');
      refuseConfigured(name, 'deleted');
      await store.transaction(async (tx) => {
        const existing = (await tx.listJwtTemplates()).find((r) => r.name === name);
        if (!existing) throw new GatehouseError('not_found', 'No such JWT template.');
        await tx.deleteJwtTemplate(name);
        await tx.setInstanceValue(REVISION_KEY, newSecret());
        await audit(tx, options.ctx ?? BACKEND_CONTEXT, {
          at: now(),
          action: 'jwt_template.deleted',
          actorId: options.actorId ?? null,
          subjectId: name,
          data: shape(existing),
        });
      });
      await reload();
    },

    reload,
  };
}
