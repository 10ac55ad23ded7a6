// JWT templates: named claim sets minted as tokens for other services (Supabase, an internal API).

import { SignJWT } from 'jose';
import { secureRandom } from '../store/ids.js';
import {
  GatehouseError,
  RESERVED_TEMPLATE_CLAIMS,
  TEMPLATE_TOKEN_CATEGORY,
  assertClaimsTemplate,
  mintTemplateToken,
  renderClaimsTemplate,
  type RequestContext,
  type SigningKey,
} from '@gatehouse/core';
import type { Roles } from '../roles/roles.js';
import { userShortcodes } from './session-claims.js';
import type { Store } from '../store/types.js';
import type { UserRow } from '../users/user-store.js';

export interface JwtTemplateConfig {
  name: string;
  /** Claims with shortcodes; the reserved ones (sub, iss, iat, nbf, exp, jti, azp) are always ours. */
  claims: Record<string, unknown>;
  lifetimeSeconds?: number;
  allowedClockSkewSeconds?: number;
  /** A custom HMAC key (e.g. a Supabase project's JWT secret); by default the instance key (RS256, in JWKS). */
  signing?: {
    algorithm: 'HS256' | 'HS384' | 'HS512';
    secret: string;
    /** Set instead of a secret when its environment variable is unset (CLI commands that mint nothing): minting answers `setup_missing`. */
    missingEnv?: string;
  };
}

/** The `supabase` preset: HS256 with the project's JWT secret, `role: "authenticated"`. */
export function supabaseTemplate(secret: string, overrides: Partial<JwtTemplateConfig> = {}): JwtTemplateConfig {
  return {
    name: 'supabase',
    claims: {
      aud: 'authenticated',
      role: 'authenticated',
      email: '{{user.primary_email_address}}',
      org_id: '{{org.id}}',
      app_metadata: {},
      user_metadata: {},
    },
    signing: { algorithm: 'HS256', secret },
    ...overrides,
  };
}

export const TEMPLATE_NAME = /^[A-Za-z0-9_-]{1,64}$/;
const MIN_HMAC_SECRET_BYTES = 32;
/** A template's claims (with their shortcodes) as JSON: the same budget for configured and stored templates. */
export const MAX_TEMPLATE_CLAIMS_BYTES = 4096;

/**
 * Validates one template: name, claims (a JSON object of shortcodes, no reserved claim, at most
 * {@link MAX_TEMPLATE_CLAIMS_BYTES}), lifetime, clock skew and the HMAC secret's length.
 * @throws TypeError naming the template and the problem
 */
export function checkTemplate(config: JwtTemplateConfig): JwtTemplateConfig {
  if (!TEMPLATE_NAME.test(config.name))
    throw new TypeError(`JWT template names are 1-64 letters, digits, - or _: ${config.name.slice(0, 64)}`);
  assertClaimsTemplate(config.claims, RESERVED_TEMPLATE_CLAIMS);
  const size = new TextEncoder().encode(JSON.stringify(config.claims)).byteLength;
  if (size > MAX_TEMPLATE_CLAIMS_BYTES)
    throw new TypeError(`JWT template ${config.name}: the claims are ${size} bytes of JSON; the limit is ${MAX_TEMPLATE_CLAIMS_BYTES}`);
  const lifetime = config.lifetimeSeconds ?? 60;
  const skew = config.allowedClockSkewSeconds ?? 5;
  if (!Number.isInteger(lifetime) || lifetime < 30 || lifetime > 315_360_000)
    throw new TypeError(`JWT template ${config.name}: lifetime must be 30 s or more`);
  if (!Number.isInteger(skew) || skew < 0 || skew > 300) throw new TypeError(`JWT template ${config.name}: clock skew must be 0-300 s`);
  if (config.signing && !config.signing.missingEnv && new TextEncoder().encode(config.signing.secret).byteLength < MIN_HMAC_SECRET_BYTES) {
    throw new TypeError(`JWT template ${config.name}: the signing secret must be at least ${MIN_HMAC_SECRET_BYTES} bytes`);
  }
  return config;
}

/**
 * Validates templates at configuration time.
 * @throws TypeError naming the template and the problem
 */
export function compileTemplates(configs: readonly JwtTemplateConfig[]): Map<string, JwtTemplateConfig> {
  const templates = new Map<string, JwtTemplateConfig>();
  for (const config of configs) {
    if (templates.has(config.name)) throw new TypeError(`Two JWT templates are named ${config.name}`);
    templates.set(config.name, checkTemplate(config));
  }
  return templates;
}

/** A JWT template without its signing secret. */
export interface JwtTemplateInfo {
  name: string;
  claims: Record<string, unknown>;
  lifetimeSeconds: number;
  allowedClockSkewSeconds: number;
  /** RS256: the instance key (in JWKS); HS*: a custom secret. */
  signingAlgorithm: 'RS256' | 'HS256' | 'HS384' | 'HS512';
  customSigningKey: boolean;
  /** `configuration` (gatehouse.config.json, read-only at run time) or `database` (created at run time). */
  source: 'configuration' | 'database';
  readOnly: boolean;
  /** For a stored HS* template: the environment variable that holds the secret (never the secret); null otherwise. */
  signingSecretEnv: string | null;
  /** For templates stored in the database; null otherwise. */
  createdAt: number | null;
  updatedAt: number | null;
}

/** Where the templates come from: configuration and the database, kept current by the template admin. */
export interface TemplateRegistry {
  /** The template in effect now. */
  get(name: string): JwtTemplateConfig | undefined;
  /** Every template in effect, as an operator sees it. */
  infos(): JwtTemplateInfo[];
  /** Notices changes another process made (one small read, at most every few seconds). */
  check(): Promise<void>;
}

/** The operator's view of a template (no secret). */
export function templateInfo(
  t: JwtTemplateConfig,
  stored: { secretEnv: string | null; createdAt: number; updatedAt: number } | null,
): JwtTemplateInfo {
  return {
    name: t.name,
    claims: structuredClone(t.claims),
    lifetimeSeconds: t.lifetimeSeconds ?? 60,
    allowedClockSkewSeconds: t.allowedClockSkewSeconds ?? 5,
    signingAlgorithm: t.signing?.algorithm ?? 'RS256',
    customSigningKey: t.signing !== undefined,
    source: stored ? 'database' : 'configuration',
    readOnly: stored === null,
    signingSecretEnv: stored?.secretEnv ?? null,
    createdAt: stored?.createdAt ?? null,
    updatedAt: stored?.updatedAt ?? null,
  };
}

export interface TemplateDeps {
  store: Store;
  roles: Roles;
  issuer: string;
  signingKey: () => SigningKey;
  now: () => number;
}

export function createTemplates(deps: TemplateDeps, templates: TemplateRegistry) {
  /** A template's claims for `user` (with `organizationId` as `org` when they are a member): shortcodes rendered, reserved claims removed. */
  async function customClaims(
    claims: Record<string, unknown>,
    user: UserRow,
    organizationId: string | null,
  ): Promise<Record<string, unknown>> {
    let org: Record<string, unknown> | null = null;
    let membership: Record<string, unknown> | null = null;
    if (organizationId) {
      const orgRow = await deps.store.findOrganization(organizationId);
      const member = orgRow ? await deps.store.findMembership(orgRow.id, user.id) : null;
      if (orgRow && member) {
        org = {
          id: orgRow.id,
          name: orgRow.name,
          slug: orgRow.slug,
          role: member.role.replace(/^org:/, ''),
          public_metadata: JSON.parse(orgRow.public_metadata),
        };
        membership = { permissions: deps.roles.permissionsOf(member.role), public_metadata: JSON.parse(member.public_metadata) };
      }
    }
    const custom = renderClaimsTemplate(claims, { user: userShortcodes(user), org, org_membership: membership });
    for (const claim of RESERVED_TEMPLATE_CLAIMS) delete custom[claim];
    return custom;
  }

  return {
    names: () => templates.infos().map((t) => t.name),
    /** Every template as an operator sees it: claims, lifetime, skew and algorithm, never a signing secret. */
    list: (): JwtTemplateInfo[] => templates.infos(),

    /**
     * The custom claims `name` would carry for a user (with `organizationId` as the active
     * organization), without minting: what an operator checks before using a template.
     * @throws GatehouseError `not_found` (no such template or user)
     */
    async preview(name: string, userId: string, organizationId: string | null = null): Promise<Record<string, unknown>> {
      await templates.check();
      const template = templates.get(name);
      if (!template) throw new GatehouseError('not_found', `No JWT template named ${name}.`);
      const user = await deps.store.findUserById(userId);
      if (!user) throw new GatehouseError('not_found', 'No such user.');
      return customClaims(template.claims, user, organizationId);
    },

    /**
     * Like {@link preview} for claims not saved as a template (a draft being edited in the
     * dashboard), validated as a template would be, with `sub`, `iss` and `iat` as a token would
     * carry them. Nothing is signed or written.
     * @throws GatehouseError `not_found` (no such user), `bad_request` (the claims are not a valid template)
     */
    async previewClaims(
      claims: Record<string, unknown>,
      userId: string,
      organizationId: string | null = null,
    ): Promise<Record<string, unknown>> {
      try {
        checkTemplate({ name: 'preview', claims });
      } catch (error) {
        throw new GatehouseError('bad_request', error instanceof Error ? error.message : 'The claims are not a valid template.');
      }
      const user = await deps.store.findUserById(userId);
      if (!user) throw new GatehouseError('not_found', 'No such user.');
      const iat = Math.floor(deps.now() / 1000);
      return { ...(await customClaims(claims, user, organizationId)), sub: user.id, iss: deps.issuer, iat };
    },

    /**
     * Mints `name` for the session's user, with the session's active organization as `org`.
     * @throws GatehouseError `not_found` (no such template, or the session is not live)
     */
    async mint(name: string, actor: { userId: string; sessionId: string }, ctx: RequestContext): Promise<string> {
      await templates.check();
      const template = templates.get(name);
      if (!template) throw new GatehouseError('not_found', `No JWT template named ${name}.`);
      const session = await deps.store.findSession(actor.sessionId);
      const user = await deps.store.findUserById(actor.userId);
      if (!session || !user || session.user_id !== user.id || (session.status !== 'active' && session.status !== 'pending')) {
        throw new GatehouseError('not_found', 'No such session.');
      }
      const custom = await customClaims(template.claims, user, session.active_organization_id);
      const iat = Math.floor(deps.now() / 1000);
      const claims: Record<string, unknown> = {
        ...custom,
        sub: user.id,
        iss: deps.issuer,
        iat,
        nbf: iat - (template.allowedClockSkewSeconds ?? 5),
        exp: iat + (template.lifetimeSeconds ?? 60),
        jti: secureRandom(10).toString('hex'),
      };
      if (ctx.origin) claims.azp = ctx.origin;
      if (template.signing) {
        if (template.signing.missingEnv)
          throw new GatehouseError(
            'setup_missing',
            `JWT template ${template.name} needs the environment variable ${template.signing.missingEnv}`,
          );
        return new SignJWT(claims)
          .setProtectedHeader({ alg: template.signing.algorithm, typ: 'JWT', cat: TEMPLATE_TOKEN_CATEGORY })
          .sign(new TextEncoder().encode(template.signing.secret));
      }
      return mintTemplateToken(claims, deps.signingKey());
    },
  };
}

export type Templates = ReturnType<typeof createTemplates>;
