// Instance settings at run time: stored in the database over the configured defaults, validated, audited, and picked up by every running instance.

import { GatehouseError, type RequestContext } from '@gatehouse/core';
import { z } from 'zod';
import { BACKEND_CONTEXT } from '../sessions/session-core.js';
import type { Store } from '../store/types.js';

/** What an operator can change while instances run. */
export interface InstanceSettingsValues {
  /** A session's maximum lifetime; applies to sessions started after the change. */
  sessionLifetimeSeconds: number;
  /** Sign a session out after this long without activity; null: off. */
  inactivityTimeoutSeconds: number | null;
  /** Several signed-in users per browser, one of them active. */
  multiSession: boolean;
  /** Every session needs an active organization (else it is pending until one is chosen). */
  organizationsRequired: boolean;
  /** Every user needs a second factor (authenticator app or passkey); without one a session is pending until they add one. */
  secondFactorRequired: boolean;
  /** Origins besides the API's own that may call its state-changing endpoints (CSRF check). */
  allowedOrigins: string[];
  /** When not empty, a session token's `azp` must be one of these origins. */
  authorizedParties: string[];
  /** Sign-up waits until the address is verified by a mailed code or link (default on; off reveals taken addresses with a 409). */
  emailVerificationRequired: boolean;
  /** A password reset signs the user's other sessions out (default on). */
  signOutOnPasswordReset: boolean;
}

export interface InstanceSettingsView {
  /** What the instance uses now: the stored values over the defaults. */
  settings: InstanceSettingsValues;
  /** The configuration's (or environment's) values. */
  defaults: InstanceSettingsValues;
  /** The fields stored in the database (those that override a default). */
  overridden: (keyof InstanceSettingsValues)[];
}

export interface InstanceSettings {
  /** The settings as stored now (read from the database, so a change made by another process shows). */
  get(): Promise<InstanceSettingsView>;
  /**
   * Stores the given fields (validated together with the rest) and applies them at once; other
   * instances pick them up within a few seconds. Audited as `settings.updated` with the changes.
   * @throws GatehouseError `bad_request`
   */
  update(
    changes: Partial<InstanceSettingsValues>,
    options?: { actorId?: string | null; ctx?: RequestContext },
  ): Promise<InstanceSettingsView>;
  /**
   * Drops stored values (all, or the named fields) so the defaults apply again. Audited like update.
   * @throws GatehouseError `bad_request` for an unknown field
   */
  reset(
    fields?: readonly (keyof InstanceSettingsValues)[],
    options?: { actorId?: string | null; ctx?: RequestContext },
  ): Promise<InstanceSettingsView>;
  /** The values in effect in this process (no database read). */
  current(): InstanceSettingsValues;
  /** Re-reads the database now (a pub/sub message or a test can call this). */
  reload(): Promise<void>;
  stop(): void;
}

const SETTINGS_KEY = 'settings';
const CHECK_EVERY_MS = 5_000;
const MAX_SECONDS = 10 * 365 * 24 * 60 * 60;
const MAX_ORIGINS = 50;

const origin = z
  .string()
  .max(255)
  .refine((value) => {
    try {
      const url = new URL(value);
      return (url.protocol === 'https:' || url.protocol === 'http:') && url.origin === value;
    } catch {
      return false;
    }
  }, 'Use an origin like https://app.example.com (scheme, host and port only)');
const seconds = z.number().int().min(60).max(MAX_SECONDS);

/** The settings fields, each validated as a whole. */
export const InstanceSettingsFields = z
  .object({
    sessionLifetimeSeconds: seconds,
    inactivityTimeoutSeconds: seconds.nullable(),
    multiSession: z.boolean(),
    organizationsRequired: z.boolean(),
    secondFactorRequired: z.boolean(),
    allowedOrigins: z.array(origin).max(MAX_ORIGINS),
    authorizedParties: z.array(origin).max(MAX_ORIGINS),
    emailVerificationRequired: z.boolean(),
    signOutOnPasswordReset: z.boolean(),
  })
  .strict();
/** A change: any of the fields; unknown fields are refused. */
export const InstanceSettingsChanges = InstanceSettingsFields.partial();

const FIELDS = Object.keys(InstanceSettingsFields.shape) as (keyof InstanceSettingsValues)[];

function invalid(error: z.ZodError): GatehouseError {
  const detail = error.issues
    .slice(0, 3)
    .map((i) => `${i.path.join('.') || 'settings'}: ${i.message}`)
    .join('; ');
  return new GatehouseError('bad_request', `The settings are invalid (${detail}).`);
}

/** Stored values that no longer validate are ignored one by one (with a warning): the defaults apply. */
function readStored(raw: string | null, log: (line: string) => void): Partial<InstanceSettingsValues> {
  if (!raw) return {};
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    log('gatehouse: WARNING: the stored instance settings are not JSON; using the defaults');
    return {};
  }
  if (typeof value !== 'object' || value === null) return {};
  const stored: Record<string, unknown> = {};
  for (const field of FIELDS) {
    if (!Object.hasOwn(value, field)) continue;
    const parsed = InstanceSettingsFields.shape[field].safeParse((value as Record<string, unknown>)[field]);
    if (parsed.success) stored[field] = parsed.data;
    else log(`gatehouse: WARNING: ignoring the stored setting ${field}: invalid`);
  }
  return stored as Partial<InstanceSettingsValues>;
}

function checkTogether(settings: InstanceSettingsValues): void {
  if (settings.inactivityTimeoutSeconds !== null && settings.inactivityTimeoutSeconds > settings.sessionLifetimeSeconds)
    throw new GatehouseError('bad_request', 'The settings are invalid (inactivityTimeoutSeconds: longer than the session lifetime).');
}

/**
 * Loads the stored settings over `defaults` and calls `apply` with the values in effect, now and
 * after every change (made here or noticed in the database, checked every few seconds).
 */
export async function createInstanceSettings(deps: {
  store: Store;
  defaults: InstanceSettingsValues;
  apply: (settings: InstanceSettingsValues) => void;
  now: () => number;
  log: (line: string) => void;
  checkEveryMs?: number;
}): Promise<InstanceSettings> {
  const { store, defaults, apply, now, log } = deps;
  let raw = await store.getInstanceValue(SETTINGS_KEY);
  let stored = readStored(raw, log);
  let effective: InstanceSettingsValues = { ...defaults, ...stored };
  apply(effective);

  const view = (): InstanceSettingsView => ({
    settings: structuredClone(effective),
    defaults: structuredClone(defaults),
    overridden: FIELDS.filter((f) => Object.hasOwn(stored, f)),
  });

  function adopt(nextRaw: string | null): void {
    if (nextRaw === raw) return;
    raw = nextRaw;
    stored = readStored(nextRaw, log);
    effective = { ...defaults, ...stored };
    apply(effective);
  }

  const reload = async () => adopt(await store.getInstanceValue(SETTINGS_KEY));
  const timer = setInterval(
    () => void reload().catch((e: unknown) => log(`gatehouse: could not reload settings: ${e instanceof Error ? e.message : 'unknown'}`)),
    deps.checkEveryMs ?? CHECK_EVERY_MS,
  );
  timer.unref?.();

  /** Writes the new stored set and its audit row in one transaction, then applies it here. */
  async function write(
    change: (current: Partial<InstanceSettingsValues>) => Partial<InstanceSettingsValues>,
    options: { actorId?: string | null; ctx?: RequestContext },
  ): Promise<InstanceSettingsView> {
    const ctx = options.ctx ?? BACKEND_CONTEXT;
    const nextRaw = await store.transaction(async (tx) => {
      const before = readStored(await tx.getInstanceValue(SETTINGS_KEY), log);
      const next = change(before);
      const previous = { ...defaults, ...before };
      const after = { ...defaults, ...next };
      checkTogether(after);
      const changes = Object.fromEntries(
        FIELDS.filter((f) => JSON.stringify(previous[f]) !== JSON.stringify(after[f])).map((f) => [f, { from: previous[f], to: after[f] }]),
      );
      const serialized = JSON.stringify(next);
      await tx.setInstanceValue(SETTINGS_KEY, serialized);
      if (Object.keys(changes).length > 0) {
        await tx.appendAudit({
          at: now(),
          action: 'settings.updated',
          actor_id: options.actorId ?? null,
          subject_id: null,
          ip: ctx.ip,
          user_agent: ctx.userAgent,
          data: JSON.stringify({ changes }),
        });
      }
      return serialized;
    });
    adopt(nextRaw);
    return view();
  }

  return {
    async get() {
      await reload();
      return view();
    },
    update(changes, options = {}) {
      const parsed = InstanceSettingsChanges.safeParse(changes);
      if (!parsed.success) return Promise.reject(invalid(parsed.error));
      return write((current) => ({ ...current, ...(parsed.data as Partial<InstanceSettingsValues>) }), options);
    },
    reset(fields = FIELDS, options = {}) {
      const unknown = fields.find((f) => !FIELDS.includes(f));
      if (unknown !== undefined)
        return Promise.reject(new GatehouseError('bad_request', `There is no setting named ${String(unknown).slice(0, 40)}.`));
      return write(
        (current) => Object.fromEntries(Object.entries(current).filter(([f]) => !fields.includes(f as keyof InstanceSettingsValues))),
        options,
      );
    },
    current: () => structuredClone(effective),
    reload,
    stop: () => clearInterval(timer),
  };
}
