'use client';
// The open/closed state of a button's popup panel: Escape and a click outside close it, focus returns to the button.

import { useCallback, useEffect, useId, useRef, useState } from 'react';

export interface Disclosure {
  open: boolean;
  setOpen: (open: boolean) => void;
  /** Spread on the toggle button. */
  buttonProps: { 'aria-expanded': boolean; 'aria-controls': string; onClick: () => void; ref: React.RefObject<HTMLButtonElement | null> };
  /** Spread on the panel's container (which holds the button and the panel). */
  rootRef: React.RefObject<HTMLDivElement | null>;
  panelId: string;
}

export function useDisclosure(): Disclosure {
  const [open, setOpen] = useState(false);
  const panelId = useId();
  const rootRef = useRef<HTMLDivElement | null>(null);
  const buttonRef = useRef<HTMLButtonElement | null>(null);

  const close = useCallback((refocus: boolean) => {
    setOpen(false);
    if (refocus) buttonRef.current?.focus();
  }, []);

  useEffect(() => {
    if (!open) return;
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape') close(true);
    };
    const onPointer = (event: PointerEvent) => {
      if (rootRef.current && !rootRef.current.contains(event.target as Node)) close(false);
    };
    document.addEventListener('keydown', onKey);
    document.addEventListener('pointerdown', onPointer);
    return () => {
      document.removeEventListener('keydown', onKey);
      document.removeEventListener('pointerdown', onPointer);
    };
  }, [open, close]);

  return {
    open,
    setOpen,
    buttonProps: { 'aria-expanded': open, 'aria-controls': panelId, onClick: () => setOpen((o) => !o), ref: buttonRef },
    rootRef,
    panelId,
  };
}
