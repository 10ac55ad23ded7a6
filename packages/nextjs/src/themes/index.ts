// @gatehouse/nextjs/themes: base themes for the `appearance` prop (`appearance={{ baseTheme: dark }}`).

import type { Theme } from '../client/appearance/types.js';

export type { Appearance, AppearanceElements, AppearanceVariables, Theme } from '../client/appearance/types.js';

/** The default look, spelled out (useful as a base when switching themes at runtime). */
export const light: Theme = {
  colorScheme: 'light',
  variables: {
    colorPrimary: '#4338ca',
    colorTextOnPrimaryBackground: '#ffffff',
    colorDanger: '#b42318',
    colorSuccess: '#1a7f37',
    colorText: '#1b1f29',
    colorTextSecondary: '#576071',
    colorBackground: '#ffffff',
    colorInputBackground: '#ffffff',
    colorInputText: '#1b1f29',
    colorNeutral: '#1b1f29',
  },
};

/** Clerk's `dark`: light text on a dark card, a lighter primary. */
export const dark: Theme = {
  colorScheme: 'dark',
  variables: {
    colorPrimary: '#a5b4fc',
    colorTextOnPrimaryBackground: '#11162a',
    colorDanger: '#ff9b94',
    colorSuccess: '#6fdc8c',
    colorText: '#eef0f5',
    colorTextSecondary: '#a9b1c1',
    colorBackground: '#181b22',
    colorInputBackground: '#22262f',
    colorInputText: '#eef0f5',
    colorNeutral: '#eef0f5',
  },
};

/**
 * Clerk's UI bundle handle (`import { ui } from '@clerk/ui'`, passed as `<ClerkProvider ui={ui}>`).
 * Gatehouse's components ship inside @gatehouse/nextjs, so there is nothing to load: the provider
 * accepts the prop and this marker only keeps such a layout compiling unchanged.
 */
export const ui: { readonly gatehouse: 'built-in' } = Object.freeze({ gatehouse: 'built-in' });
