'use client';
// The prebuilt components' modal (Clerk's modal mode): a dialog over the page, closed by Escape, the backdrop or its close button.

import { useEffect, useId, useRef, type ReactNode } from 'react';
import { StyledRoot, useStyling } from './appearance/appearance.js';

/** A modal dialog with its content; focus moves into it on opening and back to the page on closing. */
export function Modal({ label, onClose, children }: { label: string; onClose: () => void; children: ReactNode }) {
  const { el, t } = useStyling();
  const box = useRef<HTMLDivElement>(null);
  const titleId = useId();
  useEffect(() => {
    const before = document.activeElement as HTMLElement | null;
    box.current?.querySelector<HTMLElement>('input, select, button, a[href]')?.focus();
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape') onClose();
    };
    document.addEventListener('keydown', onKey);
    return () => {
      document.removeEventListener('keydown', onKey);
      before?.focus?.();
    };
  }, [onClose]);
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
