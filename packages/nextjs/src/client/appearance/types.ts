// The `appearance` prop (Clerk's shape): a base theme, design variables, and class names or styles per element.

import type { CSSProperties } from 'react';

/** Clerk's design variables, with the names of both Clerk generations (`colorText` and `colorForeground`, …). */
export interface AppearanceVariables {
  colorPrimary?: string;
  colorTextOnPrimaryBackground?: string;
  colorPrimaryForeground?: string;
  colorDanger?: string;
  colorSuccess?: string;
  colorWarning?: string;
  colorNeutral?: string;
  colorText?: string;
  colorForeground?: string;
  colorTextSecondary?: string;
  colorMutedForeground?: string;
  colorBackground?: string;
  colorInputBackground?: string;
  colorInput?: string;
  colorInputText?: string;
  colorInputForeground?: string;
  colorBorder?: string;
  colorRing?: string;
  colorShadow?: string;
  fontFamily?: string;
  fontFamilyButtons?: string;
  fontSize?: string;
  fontWeight?: { normal?: number; medium?: number; bold?: number };
  borderRadius?: string;
  spacingUnit?: string;
  spacing?: string;
}

/** A class name (added next to Gatehouse's) or a style object (applied inline, so it wins) per element key. */
export type AppearanceElements = Partial<Record<string, string | CSSProperties>>;

export interface Theme {
  variables?: AppearanceVariables;
  elements?: AppearanceElements;
  /** `dark`: native controls (selects, scrollbars) follow. */
  colorScheme?: 'light' | 'dark';
}

export interface Appearance extends Theme {
  /** A theme from `@gatehouse/nextjs/themes` (or an array, later ones winning) under `variables` and `elements`. */
  baseTheme?: Theme | readonly Theme[];
  /**
   * Clerk's cascade layer name for its styles. Accepted so a Clerk appearance object type-checks;
   * Gatehouse's stylesheet is scoped under `.gh-root` instead, and `elements` classes apply as given.
   */
  cssLayerName?: string;
}
