'use client';
// The list of a user's sessions (device, last active, this device), shared by UserButton and UserProfile.

import { useId, useState, type ReactNode } from 'react';
import type { SessionSummary } from '@gatehouse/server';
import { useStyling } from './appearance/appearance.js';
import { ErrorRegion } from './appearance/parts.js';
import { format } from '../localizations/merge.js';
import { isReverificationCancelledError } from './use-reverification.js';
import type { GatehouseLocalization } from '../localizations/en-us.js';

/** "just now", "5 minutes ago", "3 hours ago", or the date (in the language in effect). */
export function formatLastActive(at: number, t: SessionTexts, now: number = Date.now()): string {
  const minutes = Math.floor((now - at) / 60_000);
  if (minutes < 1) return t.justNow;
  if (minutes < 60) return minutes === 1 ? t.minuteAgo : format(t.minutesAgo, { count: minutes });
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return hours === 1 ? t.hourAgo : format(t.hoursAgo, { count: hours });
  return new Date(at).toLocaleString(t.locale);
}

type SessionTexts = GatehouseLocalization['sessionList'] & { locale: string };

export interface SessionListProps {
  sessions: SessionSummary[] | undefined;
  /** Show an end button per session (`Sign out` on this device's, `End session` on others). */
  onEnd?: (session: SessionSummary) => Promise<void>;
  label?: string;
}

function SessionItem({ session, onEnd }: { session: SessionSummary; onEnd: SessionListProps['onEnd'] }) {
  const labelId = useId();
  const styling = useStyling();
  const { el, t, errorText } = styling;
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const devices = t.userProfile.start.activeDevicesSection;
  let action: ReactNode = null;
  if (onEnd) {
    const end = async () => {
      setPending(true);
      setError(null);
      try {
        await onEnd(session);
      } catch (e) {
        // Closing the verification dialog is the person's choice, not a failure to show.
        if (!isReverificationCancelledError(e)) setError(e instanceof Error ? e.message : errorText('generic'));
      }
      setPending(false);
    };
    action = (
      <button
        {...el('activeDeviceListItemButton', session.current ? 'gh-btn gh-btn-sm' : 'gh-btn gh-btn-sm gh-btn-danger')}
        type="button"
        onClick={() => void end()}
        disabled={pending}
        aria-describedby={labelId}
      >
        {session.current ? devices.signOutAction : devices.destructiveAction}
      </button>
    );
  }
  return (
    <li {...el('activeDeviceListItem', 'gh-list-item gatehouse-session')} aria-current={session.current ? 'true' : undefined}>
      <span id={labelId} className="gh-list-main">
        <span>
          <strong>{session.device}</strong>
          {session.current ? (
            <span {...el('badge', 'gh-badge gatehouse-badge')}>
              <span className="gh-sr-only"> (</span>
              {t.badge__currentDevice}
              <span className="gh-sr-only">)</span>
            </span>
          ) : null}
        </span>
        <span className="gh-muted">
          {session.ip ? <>{session.ip} · </> : null}
          {format(t.sessionList.lastActive, { when: formatLastActive(session.lastActiveAt, { ...t.sessionList, locale: t.locale }) })}
        </span>
      </span>
      {action}
      {error ? <ErrorRegion styling={styling} message={error} /> : null}
    </li>
  );
}

/** The sessions, most recently active first, this device's marked "current". */
export function SessionList({ sessions, onEnd, label }: SessionListProps) {
  const { el, t } = useStyling();
  if (!sessions)
    return (
      <p className="gh-muted" aria-busy="true">
        {t.sessionList.loading}
      </p>
    );
  if (sessions.length === 0) return <p className="gh-muted">{t.sessionList.empty}</p>;
  return (
    <ul {...el('activeDeviceList', 'gh-list gatehouse-session-list')} aria-label={label ?? t.sessionList.defaultLabel}>
      {sessions.map((s) => (
        <SessionItem key={s.id} session={s} onEnd={onEnd} />
      ))}
    </ul>
  );
}
