import type { ReactNode } from 'react';
import Link from 'next/link';
import { GatehouseProvider, ImpersonationBanner, OrganizationSwitcher, Show, SignedIn, SignedOut, UserButton } from '@gatehouse/nextjs';
import { providerLook, readPreferences } from '@/lib/preferences';
import './globals.css';

export const metadata = { title: 'Gatehouse example', description: 'Sessions and route protection for Next.js' };

export default async function RootLayout({ children }: { children: ReactNode }) {
  const preferences = await readPreferences();
  const other = { theme: preferences.theme === 'dark' ? 'light' : 'dark', lang: preferences.lang === 'fr' ? 'en' : 'fr' };
  return (
    <html lang="en" data-theme={preferences.theme}>
      <body>
        <GatehouseProvider {...providerLook(preferences)}>
          {/* Shown only while an instance admin is signed in as this user (dashboard "Sign in as"). */}
          <ImpersonationBanner />
          <header className="nav">
            <Link href="/">Gatehouse example</Link>
            <nav aria-label="Main">
              <SignedIn>
                <Link href="/dashboard">Dashboard</Link>
                <Link href="/claims">Claims</Link>
                <Show when={{ permission: 'org:projects:read' }}>
                  <Link href="/reports">Reports</Link>
                </Show>
                {/* Navigation only: /admin refuses everyone but org admins on the server. */}
                <Show when={{ role: 'org:admin' }}>
                  <Link href="/admin">Admin</Link>
                  <Link href="/webhooks">Webhooks</Link>
                </Show>
                <OrganizationSwitcher createOrganizationUrl="/organizations/new" organizationProfileUrl="/organization" />
                <UserButton userProfileUrl="/user" />
              </SignedIn>
              <SignedOut>
                <Link href="/sign-in">Sign in</Link> <Link href="/sign-up">Sign up</Link>
              </SignedOut>
            </nav>
            <p className="theme-switch">
              <a href={`/preferences?theme=${other.theme}`}>{other.theme === 'dark' ? 'Dark theme' : 'Light theme'}</a>
              <a href={`/preferences?lang=${other.lang}`} hrefLang={other.lang} lang={other.lang}>
                {other.lang === 'fr' ? 'Français' : 'English'}
              </a>
            </p>
          </header>
          <main>{children}</main>
        </GatehouseProvider>
      </body>
    </html>
  );
}
