// The providers Gatehouse knows by name (Google, GitHub, Microsoft Entra ID, GitLab) and connection settings from the environment.

import { z } from 'zod';

export type PresetName = 'google' | 'github' | 'microsoft' | 'gitlab';

/** How a provider is reached: an OpenID issuer (found by discovery), or GitHub's plain OAuth 2 endpoints. */
export interface Preset {
  name: string;
  /** OpenID Connect: the issuer whose discovery document names the endpoints. */
  issuer?: string;
  /** Plain OAuth 2 (GitHub): the endpoints, the user endpoint and the verified-emails endpoint. */
  github?: { authorizationEndpoint: string; tokenEndpoint: string; apiBase: string };
  scopes: string[];
}

export const PRESETS: Readonly<Record<PresetName, Preset>> = {
  google: { name: 'Google', issuer: 'https://accounts.google.com', scopes: ['openid', 'email', 'profile'] },
  github: {
    name: 'GitHub',
    github: {
      authorizationEndpoint: 'https://github.com/login/oauth/authorize',
      tokenEndpoint: 'https://github.com/login/oauth/access_token',
      apiBase: 'https://api.github.com',
    },
    scopes: ['read:user', 'user:email'],
  },
  // Multi-tenant: ID tokens name the user's tenant as issuer; see the issuer check in provider-client.ts.
  microsoft: { name: 'Microsoft', issuer: 'https://login.microsoftonline.com/common/v2.0', scopes: ['openid', 'email', 'profile'] },
  gitlab: { name: 'GitLab', issuer: 'https://gitlab.com', scopes: ['openid', 'email', 'profile'] },
};

/** A connection as configured (environment, config file, dashboard, backend API); the secret never leaves the server. */
export interface ConnectionConfig {
  /** Lowercase letters, digits and `_`: the strategy is `oauth_<id>` for a preset of that name, else `oauth_custom_<id>`. */
  id: string;
  name?: string | undefined;
  preset?: PresetName | undefined;
  issuer?: string | undefined;
  clientId: string;
  clientSecret?: string | undefined;
  scopes?: string[] | undefined;
  /** GitHub stand-ins and GitHub Enterprise: where the preset's endpoints live instead. */
  baseUrl?: string | undefined;
}

export const CONNECTION_ID = /^[a-z][a-z0-9_]{0,39}$/;

export const ConnectionConfigSchema = z
  .object({
    id: z.string().regex(CONNECTION_ID, 'Use lowercase letters, digits and _ (at most 40), starting with a letter'),
    name: z.string().trim().min(1).max(64).optional(),
    preset: z.enum(['google', 'github', 'microsoft', 'gitlab']).optional(),
    issuer: z.url().max(2048).optional(),
    clientId: z.string().min(1).max(512),
    clientSecret: z.string().min(1).max(2048).optional(),
    scopes: z
      .array(z.string().regex(/^[\x21\x23-\x5b\x5d-\x7e]{1,128}$/))
      .max(30)
      .optional(),
    baseUrl: z.url().max(2048).optional(),
  })
  .strict()
  .refine((c) => Boolean(c.preset) !== Boolean(c.issuer), {
    message: 'Give either a preset or an issuer',
  });

/**
 * The connections named by `GATEHOUSE_OAUTH_<ID>_ISSUER` (or `_PRESET`), `_CLIENT_ID`,
 * `_CLIENT_SECRET`, and optionally `_NAME`, `_SCOPES` (space or comma separated) and `_BASE_URL`.
 * @throws TypeError naming the variable that is missing or wrong (a bad configuration stops the start)
 */
export function connectionsFromEnv(env: NodeJS.ProcessEnv): ConnectionConfig[] {
  const ids = new Set<string>();
  for (const key of Object.keys(env)) {
    const m = /^GATEHOUSE_OAUTH_([A-Z0-9_]+?)_(ISSUER|PRESET|CLIENT_ID|CLIENT_SECRET|NAME|SCOPES|BASE_URL)$/.exec(key);
    if (m?.[1] && env[key]) ids.add(m[1]);
  }
  return [...ids].sort().map((upper) => {
    const read = (suffix: string) => env[`GATEHOUSE_OAUTH_${upper}_${suffix}`] || undefined;
    const scopes = read('SCOPES')
      ?.split(/[\s,]+/)
      .filter(Boolean);
    const raw = {
      id: upper.toLowerCase(),
      name: read('NAME'),
      preset: read('PRESET')?.toLowerCase(),
      issuer: read('ISSUER'),
      clientId: read('CLIENT_ID'),
      clientSecret: read('CLIENT_SECRET'),
      scopes,
      baseUrl: read('BASE_URL'),
    };
    const parsed = ConnectionConfigSchema.safeParse(Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== undefined)));
    if (!parsed.success) {
      const detail = parsed.error.issues.map((i) => `${i.path.join('.') || 'connection'}: ${i.message}`).join('; ');
      throw new TypeError(`GATEHOUSE_OAUTH_${upper}_*: ${detail}`);
    }
    return parsed.data;
  });
}

/** The Clerk strategy of a connection: `oauth_google` for the Google preset under its own name, else `oauth_custom_<id>`. */
export function strategyOf(connection: Pick<ConnectionConfig, 'id' | 'preset'>): string {
  return connection.preset && connection.preset === connection.id ? `oauth_${connection.id}` : `oauth_custom_${connection.id}`;
}
