'use client';
// The list of a user's sessions (device, last active, this device), shared by UserButton and UserProfile.

import { useId, useState, type ReactNode } from 'react';
import type { SessionSummary } from '@gatehouse/server';

/** "just now", "5 minutes ago", "3 hours ago", or the date. */
export function formatLastActive(at: number, now: number = Date.now()): string {
  const minutes = Math.floor((now - at) / 60_000);
  if (minutes < 1) return 'just now';
  if (minutes < 60) return `${minutes} minute${minutes === 1 ? '' : 's'} ago`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `${hours} hour${hours === 1 ? '' : 's'} ago`;
  return new Date(at).toLocaleString();
}

export interface SessionListProps {
  sessions: SessionSummary[] | undefined;
  /** Show an end button per session (`Sign out` on this device's, `End session` on others). */
  onEnd?: (session: SessionSummary) => Promise<void>;
  label?: string;
}

function SessionItem({ session, onEnd }: { session: SessionSummary; onEnd: SessionListProps['onEnd'] }) {
  const labelId = useId();
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  let action: ReactNode = null;
  if (onEnd) {
    const end = async () => {
      setPending(true);
      setError(null);
      try {
        await onEnd(session);
      } catch (e) {
        setError(e instanceof Error ? e.message : 'The session could not be ended.');
      }
      setPending(false);
    };
    action = (
      <button type="button" onClick={() => void end()} disabled={pending} aria-describedby={labelId}>
        {session.current ? 'Sign out' : 'End session'}
      </button>
    );
  }
  return (
    <li className="gatehouse-session" aria-current={session.current ? 'true' : undefined}>
      <span id={labelId}>
        <strong>{session.device}</strong>
        {session.current ? <span className="gatehouse-badge"> (current)</span> : null}
        {session.ip ? <span> · {session.ip}</span> : null}
        <span> · last active {formatLastActive(session.lastActiveAt)}</span>
      </span>{' '}
      {action}
      {error ? (
        <span role="alert" className="gatehouse-error">
          {' '}
          {error}
        </span>
      ) : null}
    </li>
  );
}

/** The sessions, most recently active first, this device's marked "current". */
export function SessionList({ sessions, onEnd, label = 'Sessions' }: SessionListProps) {
  if (!sessions) return <p aria-busy="true">Loading sessions…</p>;
  if (sessions.length === 0) return <p>No active sessions.</p>;
  return (
    <ul className="gatehouse-session-list" aria-label={label}>
      {sessions.map((s) => (
        <SessionItem key={s.id} session={s} onEnd={onEnd} />
      ))}
    </ul>
  );
}
