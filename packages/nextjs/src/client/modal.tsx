'use client';
// The prebuilt components' modal (Clerk's modal mode): a dialog over the page, closed by Escape, the backdrop or its close button.

import { useEffect, useId, useRef, type ReactNode } from 'react';
import { StyledRoot, useStyling } from './appearance/appearance.js';

const FOCUSABLE =
  'input:not([type="hidden"]):not([disabled]), select:not([disabled]), button:not([disabled]), a[href], [tabindex]:not([tabindex="-1"])';

/** The open dialogs, the topmost last (the verification dialog can open over a profile modal): only the topmost handles keys. */
const openBoxes: HTMLElement[] = [];

/** Tab from the last control goes to the first, Shift+Tab from the first to the last: focus stays in the dialog. */
function keepFocusInside(box: HTMLElement, event: KeyboardEvent): void {
  const controls = [...box.querySelectorAll<HTMLElement>(FOCUSABLE)];
  const first = controls[0];
  const last = controls[controls.length - 1];
  if (!first || !last) return;
  const inside = box.contains(document.activeElement);
  if (event.shiftKey && (document.activeElement === first || !inside)) {
    event.preventDefault();
    last.focus();
  } else if (!event.shiftKey && (document.activeElement === last || !inside)) {
    event.preventDefault();
    first.focus();
  }
}

/** A modal dialog with its content; focus moves into it on opening, stays in it (Tab wraps), and goes back to the page on closing. */
export function Modal({ label, onClose, children }: { label: string; onClose: () => void; children: ReactNode }) {
  const { el, t } = useStyling();
  const box = useRef<HTMLDivElement>(null);
  const titleId = useId();
  // The latest onClose, so the effect below runs once per opening (its place on the stack stays put).
  const close = useRef(onClose);
  close.current = onClose;
  useEffect(() => {
    const before = document.activeElement as HTMLElement | null;
    const mine = box.current;
    if (mine) openBoxes.push(mine);
    box.current?.querySelector<HTMLElement>('input, select, button, a[href]')?.focus();
    const onKey = (event: KeyboardEvent) => {
      if (!mine || openBoxes[openBoxes.length - 1] !== mine) return;
      if (event.key === 'Escape') close.current();
      if (event.key === 'Tab') keepFocusInside(mine, event);
    };
    document.addEventListener('keydown', onKey);
    return () => {
      document.removeEventListener('keydown', onKey);
      if (mine) openBoxes.splice(openBoxes.indexOf(mine), 1);
      before?.focus?.();
    };
  }, []);
  return (
    <div
      {...el('modalBackdrop', 'gh-modal-backdrop')}
      // Positioning inline: the modal must sit over the page whatever the host's CSS (a Tailwind reset included).
      style={{ position: 'fixed', inset: 0, zIndex: 2147483000, background: 'rgba(0,0,0,0.45)', overflowY: 'auto' }}
      onMouseDown={(event) => {
        if (event.target === event.currentTarget) onClose();
      }}
    >
      <div
        ref={box}
        {...el('modalContent', 'gh-modal')}
        role="dialog"
        aria-modal="true"
        aria-labelledby={titleId}
        style={{ position: 'relative', margin: '10vh auto', width: 'fit-content', maxWidth: 'calc(100vw - 2rem)' }}
      >
        <span id={titleId} hidden>
          {label}
        </span>
        <StyledRoot elementKey="modalRoot">
          <button
            {...el('modalCloseButton', 'gh-btn gh-btn-sm')}
            type="button"
            aria-label={t.modalCloseButton}
            onClick={onClose}
            style={{ position: 'absolute', top: 8, right: 8, zIndex: 1 }}
          >
            ×
          </button>
          {children}
        </StyledRoot>
      </div>
    </div>
  );
}
