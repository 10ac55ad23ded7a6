// The visitor's look: light or dark, English or French (cookies set by /preferences), as the provider's props.
import { cookies } from 'next/headers';
import { dark } from '@gatehouse/nextjs/themes';
import { frFR } from '@gatehouse/nextjs/localizations';

export const THEMES = ['light', 'dark'] as const;
export const LANGUAGES = ['en', 'fr'] as const;
export type ThemeName = (typeof THEMES)[number];
export type LanguageName = (typeof LANGUAGES)[number];

export async function readPreferences(): Promise<{ theme: ThemeName; lang: LanguageName }> {
  const jar = await cookies();
  const theme = jar.get('theme')?.value === 'dark' ? 'dark' : 'light';
  const lang = jar.get('lang')?.value === 'fr' ? 'fr' : 'en';
  return { theme, lang };
}

/** GatehouseProvider's `appearance` and `localization` for these preferences. */
export function providerLook({ theme, lang }: { theme: ThemeName; lang: LanguageName }) {
  return {
    ...(theme === 'dark' ? { appearance: { baseTheme: dark } } : {}),
    ...(lang === 'fr' ? { localization: frFR } : {}),
  };
}
