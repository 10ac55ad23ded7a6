// A partial localization laid over the built-in English, key by key.

import { enUS, type GatehouseLocalization } from './en-us.js';

type DeepPartial<T> = { [K in keyof T]?: T[K] extends string ? string : DeepPartial<T[K]> };

/** What the `localization` prop takes: any subset of the keys (the rest stay English). */
export type LocalizationResource = DeepPartial<GatehouseLocalization>;

function mergeInto(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) {
    if (value === undefined || value === null) continue;
    const current = out[key];
    out[key] =
      typeof value === 'object' && typeof current === 'object' && current !== null
        ? mergeInto(current as Record<string, unknown>, value as Record<string, unknown>)
        : typeof value === typeof current || current === undefined
          ? value
          : current;
  }
  return out;
}

/** The complete texts: `layers` in order (later wins) over English; keys of the wrong type are ignored. */
export function mergeLocalization(...layers: (LocalizationResource | undefined)[]): GatehouseLocalization {
  let out = enUS as unknown as Record<string, unknown>;
  for (const layer of layers) if (layer) out = mergeInto(out, layer as Record<string, unknown>);
  return out as unknown as GatehouseLocalization;
}

/** Fills `{{name}}` placeholders (Clerk's `{{provider|titleize}}` modifiers are accepted and ignored). */
export function format(text: string, values: Record<string, string | number> = {}): string {
  return text.replace(/\{\{\s*([a-zA-Z_]+)(?:\|[a-zA-Z]+)?\s*\}\}/g, (whole, name: string) =>
    Object.hasOwn(values, name) ? String(values[name]) : whole,
  );
}
