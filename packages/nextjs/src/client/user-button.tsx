'use client';
// UserButton: the signed-in user's avatar and email, opening a panel with the session list, "Sign out" and "Sign out of all devices".

import { useState } from 'react';
import { useGatehouse } from './provider.js';
import { SessionList } from './session-list.js';
import { useDisclosure, type Disclosure } from './use-disclosure.js';
import { useSessionList } from './use-session-list.js';
import { isReverificationCancelledError, useReverification } from './use-reverification.js';
import { useUser } from './use-auth.js';
import { StyledRoot, useStyling } from './appearance/appearance.js';
import { Avatar, Chevron, ErrorRegion, SpokenLabel } from './appearance/parts.js';
import type { Appearance } from './appearance/types.js';

export interface UserButtonProps {
  afterSignOutUrl?: string;
  /** A link to the account page (`<UserProfile />`); left out when not given. */
  userProfileUrl?: string;
  /** Show the email next to the avatar (default true). */
  showName?: boolean;
  /** Clerk's `appearance` for this component (over the provider's). */
  appearance?: Appearance;
}

function UserPanel({
  panelProps,
  afterSignOutUrl,
  userProfileUrl,
  name,
}: Pick<UserButtonProps, 'afterSignOutUrl' | 'userProfileUrl'> & { panelProps: Disclosure['panelProps']; name: string }) {
  const { signOut, session } = useGatehouse();
  const styling = useStyling();
  const { el, t, errorText } = styling;
  const { sessions, error } = useSessionList();
  const [failure, setFailure] = useState<string | null>(null);
  const redirect = afterSignOutUrl ? { redirectUrl: afterSignOutUrl } : {};
  // Other devices' sessions end too: the server may ask for a fresh verification first (the dialog).
  const signOutEverywhere = useReverification(() => signOut({ scope: 'everywhere', ...redirect }));
  const run = (action: () => Promise<void>) => async () => {
    setFailure(null);
    try {
      await action();
    } catch (e) {
      setFailure(e instanceof Error ? e.message : errorText('generic'));
    }
  };
  return (
    <div
      {...panelProps}
      role="group"
      aria-label={t.userButton.popoverLabel}
      {...el('userButtonPopoverCard', 'gh-popover gatehouse-popover')}
    >
      <div {...el('userPreview', 'gh-popover-section')}>
        <div className="gh-row">
          <Avatar styling={styling} name={name} />
          <span {...el('userPreviewTextContainer', 'gh-list-main')}>
            <strong {...el('userPreviewMainIdentifier')}>{name}</strong>
            {session && name !== session.user.email ? <span className="gh-muted">{session.user.email}</span> : null}
          </span>
        </div>
      </div>
      <div {...el('userButtonPopoverActions', 'gh-popover-section')}>
        {userProfileUrl ? (
          <a {...el('userButtonPopoverActionButton__manageAccount', 'gh-item')} href={userProfileUrl}>
            {t.userButton.action__manageAccount}
          </a>
        ) : null}
        <button
          {...el('userButtonPopoverActionButton__signOut', 'gh-item')}
          type="button"
          onClick={run(() => signOut({ ...redirect, ...(session ? { sessionId: session.sessionId } : {}) }))}
        >
          {t.userButton.action__signOut}
        </button>
        <button
          {...el('userButtonPopoverActionButton__signOutAll', 'gh-item gh-item-danger')}
          type="button"
          onClick={run(async () => {
            await signOutEverywhere().catch((e: unknown) => {
              if (!isReverificationCancelledError(e)) throw e;
            });
          })}
        >
          {t.userButton.action__signOutAll}
        </button>
      </div>
      <div {...el('userButtonPopoverFooter', 'gh-popover-section')}>
        <p className="gh-popover-heading">{t.userProfile.start.activeDevicesSection.listLabel}</p>
        {error ? (
          <ErrorRegion styling={styling} message={error.message} />
        ) : (
          <SessionList sessions={sessions} label={t.userProfile.start.activeDevicesSection.listLabel} />
        )}
      </div>
      <ErrorRegion styling={styling} message={failure} />
    </div>
  );
}

/**
 * The signed-in user's avatar and email as a button; it opens a panel with "Manage account", "Sign
 * out" (this session), "Sign out of all devices" and this user's sessions (device, last active, the
 * current one marked). Keyboard: Enter, Space or the arrow keys open it, arrows move, Escape closes.
 * Renders nothing when signed out. It hides UI only; the server decides who is signed in.
 */
export function UserButton({ afterSignOutUrl, userProfileUrl, showName = true, appearance }: UserButtonProps) {
  const { user } = useUser();
  const disclosure = useDisclosure();
  const styling = useStyling(appearance);
  if (!user) return null;
  const name = [user.firstName, user.lastName].filter(Boolean).join(' ') || user.email;
  return (
    <StyledRoot appearance={appearance} elementKey="userButtonBox" className="gh-anchor gatehouse-user-button" rootRef={disclosure.rootRef}>
      <button
        {...styling.el('userButtonTrigger', 'gh-trigger')}
        type="button"
        aria-haspopup="true"
        {...(showName ? {} : { 'aria-label': styling.format(styling.t.userButton.triggerLabel, { identifier: user.email }) })}
        {...disclosure.buttonProps}
      >
        <Avatar styling={styling} name={name} />
        {showName ? <SpokenLabel template={styling.t.userButton.triggerLabel} name="identifier" value={user.email} /> : null}
        <Chevron />
      </button>
      {disclosure.open ? (
        <UserPanel
          panelProps={disclosure.panelProps}
          name={name}
          {...(afterSignOutUrl ? { afterSignOutUrl } : {})}
          {...(userProfileUrl ? { userProfileUrl } : {})}
        />
      ) : null}
    </StyledRoot>
  );
}
