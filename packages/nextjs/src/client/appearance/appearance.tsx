'use client';
// The appearance and localization in effect: set on the provider, refined per component, read by every prebuilt component.

import { createContext, useCallback, useContext, useMemo, type CSSProperties, type ReactNode } from 'react';
import { format, mergeLocalization, type LocalizationResource } from '../../localizations/merge.js';
import type { GatehouseLocalization } from '../../localizations/en-us.js';
import { GATEHOUSE_CSS } from './styles.js';
import type { Appearance, AppearanceElements, AppearanceVariables, Theme } from './types.js';

interface AppearanceState {
  variables: AppearanceVariables;
  elements: AppearanceElements[];
  colorScheme: 'light' | 'dark';
  localization: GatehouseLocalization;
}

const DEFAULT_STATE: AppearanceState = { variables: {}, elements: [], colorScheme: 'light', localization: mergeLocalization() };
const AppearanceContext = createContext<AppearanceState>(DEFAULT_STATE);

function layersOf(appearance: Appearance | undefined): Theme[] {
  if (!appearance) return [];
  const base = appearance.baseTheme;
  const themes: Theme[] = Array.isArray(base) ? [...(base as readonly Theme[])] : base ? [base as Theme] : [];
  return [...themes, appearance];
}

/** `appearance` (its base themes first) and `localization` laid over what is already in effect. */
function refine(
  state: AppearanceState,
  appearance: Appearance | undefined,
  localization: LocalizationResource | undefined,
): AppearanceState {
  const layers = layersOf(appearance);
  if (layers.length === 0 && !localization) return state;
  let { variables, colorScheme } = state;
  const elements = [...state.elements];
  for (const layer of layers) {
    variables = { ...variables, ...layer.variables };
    if (layer.elements) elements.push(layer.elements);
    if (layer.colorScheme) colorScheme = layer.colorScheme;
  }
  return {
    variables,
    elements,
    colorScheme,
    localization: localization ? mergeLocalization(state.localization, localization) : state.localization,
  };
}

/** Clerk variable (either generation's name) → custom property of the stylesheet. */
const VARIABLE_MAP: readonly (readonly [string, readonly (keyof AppearanceVariables)[]])[] = [
  ['--gh-primary', ['colorPrimary']],
  ['--gh-on-primary', ['colorTextOnPrimaryBackground', 'colorPrimaryForeground']],
  ['--gh-danger', ['colorDanger']],
  ['--gh-success', ['colorSuccess']],
  ['--gh-warning', ['colorWarning']],
  ['--gh-text', ['colorText', 'colorForeground']],
  ['--gh-text-2', ['colorTextSecondary', 'colorMutedForeground']],
  ['--gh-bg', ['colorBackground']],
  ['--gh-input-bg', ['colorInputBackground', 'colorInput']],
  ['--gh-input-text', ['colorInputText', 'colorInputForeground']],
  ['--gh-neutral', ['colorNeutral']],
  ['--gh-border', ['colorBorder']],
  ['--gh-ring', ['colorRing']],
  ['--gh-shadow', ['colorShadow']],
  ['--gh-font', ['fontFamily']],
  ['--gh-font-buttons', ['fontFamilyButtons', 'fontFamily']],
  ['--gh-font-size', ['fontSize']],
  ['--gh-radius', ['borderRadius']],
  ['--gh-space', ['spacingUnit', 'spacing']],
];

/** Only values that cannot end the declaration or open another (a variable is a value, never CSS). */
const SAFE_VALUE = /^[^;{}<>\\]{1,200}$/;

function cssVariables(state: AppearanceState): CSSProperties {
  const out: Record<string, string> = { colorScheme: state.colorScheme };
  const v = state.variables;
  for (const [property, names] of VARIABLE_MAP) {
    const value = names.map((n) => v[n]).find((x): x is string => typeof x === 'string' && SAFE_VALUE.test(x));
    if (value) out[property] = value;
  }
  const weights = v.fontWeight ?? {};
  if (weights.normal) out['--gh-w-normal'] = String(weights.normal);
  if (weights.medium) out['--gh-w-medium'] = String(weights.medium);
  if (weights.bold) out['--gh-w-bold'] = String(weights.bold);
  return out as CSSProperties;
}

export interface Styling {
  /**
   * Props for one element: Gatehouse's classes (`base`), Clerk's `cl-<key>` class (so selectors written
   * for Clerk keep working), and the `elements[key]` of every appearance in effect (class names, or
   * style objects applied inline).
   */
  el: (key: string, base?: string) => { className: string; style?: CSSProperties };
  /** Every text, in the language in effect. */
  t: GatehouseLocalization;
  /** Fills `{{name}}` placeholders. */
  format: typeof format;
  /** A known error code's text, else the given fallback message. */
  errorText: (code: string | undefined, fallback?: string) => string;
  /**
   * A thrown error's text: its code's text when the localization has one (`rename` maps a code to
   * the key that fits the context, e.g. `code_invalid` → `passkey_failed`), else its own message.
   */
  failure: (error: unknown, rename?: Record<string, string>) => string;
}

function stylingOf(state: AppearanceState): Styling {
  const errorText: Styling['errorText'] = (code, fallback) => {
    const known = code ? state.localization.unstable__errors[code] : undefined;
    return known ?? fallback ?? state.localization.unstable__errors.generic ?? 'Something went wrong. Try again.';
  };
  return {
    el(key, base = '') {
      let className = `${base} cl-${key}`.trim();
      let style: CSSProperties | undefined;
      for (const elements of state.elements) {
        const value = elements[key];
        if (typeof value === 'string') className += ` ${value}`;
        else if (value && typeof value === 'object') style = { ...style, ...value };
      }
      return style ? { className, style } : { className };
    },
    t: state.localization,
    format,
    errorText,
    failure(error, rename = {}) {
      const code = (error as { code?: unknown } | null)?.code;
      const key = typeof code === 'string' ? (rename[code] ?? code) : undefined;
      return errorText(key, error instanceof Error ? error.message : undefined);
    },
  };
}

/** Sets the appearance and localization for everything inside (GatehouseProvider uses it). */
export function AppearanceProvider({
  appearance,
  localization,
  children,
}: {
  appearance?: Appearance | undefined;
  localization?: LocalizationResource | undefined;
  children?: ReactNode;
}) {
  const parent = useContext(AppearanceContext);
  const state = useMemo(() => refine(parent, appearance, localization), [parent, appearance, localization]);
  return <AppearanceContext.Provider value={state}>{children}</AppearanceContext.Provider>;
}

/**
 * Wraps an element rendered in a separate React root (the verification dialog) in the appearance
 * and localization in effect where the hook runs, so it looks and reads like the component that opened it.
 */
export function useAppearanceCarrier(): (children: ReactNode) => ReactNode {
  const state = useContext(AppearanceContext);
  return useCallback((children: ReactNode) => <AppearanceContext.Provider value={state}>{children}</AppearanceContext.Provider>, [state]);
}

/** The styling of a component given its own `appearance` prop (over the provider's). */
export function useStyling(appearance?: Appearance): Styling {
  const parent = useContext(AppearanceContext);
  const state = useMemo(() => refine(parent, appearance, undefined), [parent, appearance]);
  return useMemo(() => stylingOf(state), [state]);
}

export interface StyledRootProps {
  /** The component's own `appearance` prop. */
  appearance?: Appearance | undefined;
  /** The element key of the outer box (Clerk: `rootBox`). */
  elementKey?: string;
  /** Extra classes of the outer box (e.g. `gh-box`, `gh-anchor`). */
  className?: string;
  as?: 'div' | 'section' | 'span';
  children?: ReactNode;
  /** Attributes of the outer element (role, aria-*, data-*). */
  attributes?: Record<string, string | undefined>;
  rootRef?: React.Ref<HTMLDivElement>;
}

/**
 * The outer box of every prebuilt component: the scope class the stylesheet is written under, the
 * variables in effect as custom properties, and the stylesheet itself (React puts it in the head once).
 * Components inside (the session list in the user button) inherit this component's appearance.
 */
export function StyledRoot({
  appearance,
  elementKey = 'rootBox',
  className = '',
  as = 'div',
  children,
  attributes,
  rootRef,
}: StyledRootProps) {
  const parent = useContext(AppearanceContext);
  const state = useMemo(() => refine(parent, appearance, undefined), [parent, appearance]);
  const styling = useMemo(() => stylingOf(state), [state]);
  const own = styling.el(elementKey, `gh-root ${className}`);
  const Tag = as;
  return (
    <AppearanceContext.Provider value={state}>
      <style href="gatehouse-components" precedence="medium">
        {GATEHOUSE_CSS}
      </style>
      <Tag
        {...attributes}
        ref={rootRef as React.Ref<HTMLDivElement & HTMLElement>}
        className={own.className}
        style={{ ...cssVariables(state), ...own.style }}
        data-gatehouse-theme={state.colorScheme}
        lang={state.localization.locale}
      >
        {children}
      </Tag>
    </AppearanceContext.Provider>
  );
}
