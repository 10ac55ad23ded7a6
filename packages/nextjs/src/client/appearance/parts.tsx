'use client';
// Pieces every prebuilt component is made of: a labelled field, the live error region, an avatar, a chevron.

import { useId, type InputHTMLAttributes, type ReactNode } from 'react';
import type { Styling } from './appearance.js';

/**
 * The live region for a component's errors: always in the page (so screen readers announce what
 * appears in it), showing the message when there is one. Empty, it takes no space.
 */
export function ErrorRegion({ styling, message, id }: { styling: Styling; message: string | null | undefined; id?: string }) {
  return (
    <div {...styling.el('alertBox', 'gh-live')} role="alert" aria-live="assertive" aria-atomic="true" id={id}>
      {message ? <p {...styling.el('alert', 'gh-alert gatehouse-error')}>{message}</p> : null}
    </div>
  );
}

/** A polite live region for confirmations ("Invitation sent"). */
export function StatusRegion({ styling, message }: { styling: Styling; message: string | null | undefined }) {
  return (
    <div {...styling.el('statusBox', 'gh-live')} role="status" aria-live="polite" aria-atomic="true">
      {message ? <p {...styling.el('notice', 'gh-notice')}>{message}</p> : null}
    </div>
  );
}

/** A label above its input (`formField`, `formFieldLabel`, `formFieldInput`); `errorId` marks it invalid and described by the error. */
export function Field({
  styling,
  label,
  errorId,
  inputKey = 'formFieldInput',
  ...input
}: { styling: Styling; label: ReactNode; errorId?: string | null; inputKey?: string } & InputHTMLAttributes<HTMLInputElement>) {
  const id = useId();
  return (
    <div {...styling.el('formField', 'gh-field')}>
      <label {...styling.el('formFieldLabel', 'gh-label')} htmlFor={id}>
        {label}
      </label>
      <input
        {...input}
        id={id}
        {...styling.el(inputKey, 'gh-input')}
        {...(errorId ? { 'aria-invalid': true, 'aria-describedby': errorId } : {})}
      />
    </div>
  );
}

/** The input of a mailed verification code (sign-up, password reset, a new address): six digits, offered from the mail by the device. */
export const MAILED_CODE_INPUT = {
  name: 'code',
  inputMode: 'numeric',
  autoComplete: 'one-time-code',
  maxLength: 6,
  required: true,
} as const satisfies InputHTMLAttributes<HTMLInputElement>;

/** Initials in a circle (`avatarBox`): the first letter of up to two words of `name`. */
export function Avatar({ styling, name, square = false }: { styling: Styling; name: string; square?: boolean }) {
  const initials =
    name
      .split(/[\s@._-]+/)
      .filter(Boolean)
      .slice(0, 2)
      .map((w) => w[0])
      .join('') || '?';
  return (
    <span {...styling.el('avatarBox', square ? 'gh-avatar gh-avatar-square' : 'gh-avatar')} aria-hidden="true">
      {initials}
    </span>
  );
}

export function Chevron() {
  return (
    <svg className="gh-chevron" viewBox="0 0 12 12" aria-hidden="true" focusable="false">
      <path d="M3 4.5 6 7.5 9 4.5" fill="none" stroke="currentColor" strokeWidth="1.5" strokeLinecap="round" strokeLinejoin="round" />
    </svg>
  );
}

/**
 * `template` (e.g. "Account: {{identifier}}") with the placeholder shown and the words around it for
 * screen readers only: the accessible name is the whole sentence and contains the visible text.
 */
export function SpokenLabel({ template, name, value, visible }: { template: string; name: string; value: string; visible?: string }) {
  const [before = '', after = ''] = template.split(`{{${name}}}`);
  if (visible !== undefined) {
    // The reverse: the words are shown ("Select") and the value is for screen readers ("Select Acme").
    return (
      <>
        {visible}
        <span className="gh-sr-only">{` ${value}${after}`}</span>
      </>
    );
  }
  return (
    <>
      {before ? <span className="gh-sr-only">{before}</span> : null}
      <span className="gh-trigger-text">{value}</span>
      {after ? <span className="gh-sr-only">{after}</span> : null}
    </>
  );
}
