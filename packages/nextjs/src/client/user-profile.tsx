'use client';
// UserProfile: the account page's content: who is signed in, connected accounts, and every device's session with a button to end it.

import { useState } from 'react';
import { SessionList } from './session-list.js';
import { ConnectedAccounts } from './connected-accounts.js';
import { AccountSettings } from './account-settings.js';
import { SecuritySection } from './security-section.js';
import { useSessionList } from './use-session-list.js';
import { isReverificationCancelledError } from './use-reverification.js';
import { useUser } from './use-auth.js';
import { StyledRoot, useStyling } from './appearance/appearance.js';
import { Avatar, ErrorRegion } from './appearance/parts.js';
import type { Appearance } from './appearance/types.js';
import type { RoutingProps } from './trigger-button.js';

export interface UserProfileProps extends RoutingProps {
  /** Clerk's `appearance` for this component (over the provider's). */
  appearance?: Appearance;
}

/**
 * The signed-in user's email and name, their connected accounts, and their sessions on every device
 * (device, last active, this one marked "current") with a button to end each, and "Sign out of all
 * devices". Renders nothing when signed out. It hides UI only; the server checks every ending.
 */
export function UserProfile({ appearance, fallback = null }: UserProfileProps = {}) {
  const { isLoaded, user } = useUser();
  const { sessions, error, endSession, signOutEverywhere } = useSessionList();
  const [failure, setFailure] = useState<string | null>(null);
  const styling = useStyling(appearance);
  const { el, t, errorText } = styling;
  if (!isLoaded) return <>{fallback}</>;
  if (!user) return null;
  const name = [user.firstName, user.lastName].filter(Boolean).join(' ');
  const texts = t.userProfile.start;
  return (
    <StyledRoot appearance={appearance} className="gh-box-wide">
      <section {...el('card', 'gh-card gatehouse-user-profile')} aria-labelledby="gatehouse-user-profile-title">
        <div {...el('header', 'gh-header')}>
          <h2 {...el('headerTitle', 'gh-title')} id="gatehouse-user-profile-title">
            {t.userProfile.title}
          </h2>
        </div>
        <section {...el('profileSection__profile', 'gh-section')} aria-labelledby="gatehouse-user-profile-profile">
          <h3 {...el('profileSectionTitle', 'gh-section-title')} id="gatehouse-user-profile-profile">
            {texts.profileSection.title}
          </h3>
          <div className="gh-row">
            <Avatar styling={styling} name={name || user.email} />
            <dl {...el('profileSectionContent', 'gh-facts')}>
              <dt>{texts.profileSection.email}</dt>
              <dd>{user.email}</dd>
              {name ? (
                <>
                  <dt>{texts.profileSection.name}</dt>
                  <dd>{name}</dd>
                </>
              ) : null}
            </dl>
          </div>
        </section>
        <ConnectedAccounts />
        <AccountSettings />
        <SecuritySection />
        <section {...el('profileSection__activeDevices', 'gh-section')} aria-labelledby="gatehouse-user-profile-devices">
          <h3 {...el('profileSectionTitle', 'gh-section-title')} id="gatehouse-user-profile-devices">
            {texts.activeDevicesSection.title}
          </h3>
          {error ? (
            <ErrorRegion styling={styling} message={error.message} />
          ) : (
            <SessionList sessions={sessions} label={texts.activeDevicesSection.listLabel} onEnd={(s) => endSession(s.id)} />
          )}
          <div className="gh-row">
            <button
              {...el('profileSectionPrimaryButton__signOutAll', 'gh-btn gh-btn-danger')}
              type="button"
              onClick={() => {
                setFailure(null);
                signOutEverywhere().catch((e: unknown) => {
                  if (!isReverificationCancelledError(e)) setFailure(e instanceof Error ? e.message : errorText('generic'));
                });
              }}
            >
              {texts.activeDevicesSection.signOutAll}
            </button>
          </div>
          <ErrorRegion styling={styling} message={failure} />
        </section>
      </section>
    </StyledRoot>
  );
}
