'use client';
// The open/closed state of a button's popup panel, operable by keyboard: the first item takes focus on open, arrow keys,
// Home and End move between items, Escape and a click outside close it, focus returns to the button.

import { useCallback, useEffect, useId, useRef, useState, type KeyboardEvent } from 'react';

export interface Disclosure {
  open: boolean;
  setOpen: (open: boolean) => void;
  /** Spread on the toggle button. */
  buttonProps: {
    'aria-expanded': boolean;
    'aria-controls': string;
    onClick: () => void;
    onKeyDown: (event: KeyboardEvent<HTMLButtonElement>) => void;
    ref: React.RefObject<HTMLButtonElement | null>;
  };
  /** Spread on the panel. */
  panelProps: { id: string; ref: React.RefObject<HTMLDivElement | null>; onKeyDown: (event: KeyboardEvent<HTMLElement>) => void };
  /** The container holding the button and the panel (a click elsewhere closes). */
  rootRef: React.RefObject<HTMLDivElement | null>;
  panelId: string;
}

const ITEMS = 'a[href],button:not([disabled]),input:not([type="hidden"]):not([disabled]),select:not([disabled])';

function items(panel: HTMLElement | null): HTMLElement[] {
  return panel ? [...panel.querySelectorAll<HTMLElement>(ITEMS)] : [];
}

export function useDisclosure(): Disclosure {
  const [open, setOpenState] = useState(false);
  const panelId = useId();
  const rootRef = useRef<HTMLDivElement | null>(null);
  const buttonRef = useRef<HTMLButtonElement | null>(null);
  const panelRef = useRef<HTMLDivElement | null>(null);
  /** Which item takes focus once the panel is in the page: the first, the last, or none (opened by a pointer). */
  const focusOnOpen = useRef<'first' | 'last' | null>(null);

  const close = useCallback((refocus: boolean) => {
    setOpenState(false);
    if (refocus) buttonRef.current?.focus();
  }, []);

  useEffect(() => {
    if (!open) return;
    const target = focusOnOpen.current;
    focusOnOpen.current = null;
    if (target) {
      const list = items(panelRef.current);
      (target === 'first' ? list[0] : list[list.length - 1])?.focus();
    }
    const onKey = (event: globalThis.KeyboardEvent) => {
      if (event.key === 'Escape') close(true);
    };
    const onPointer = (event: PointerEvent) => {
      if (rootRef.current && !rootRef.current.contains(event.target as Node)) close(false);
    };
    const onFocus = (event: FocusEvent) => {
      // Tabbing out of the component closes the panel (focus has already moved on).
      if (rootRef.current && event.target instanceof Node && !rootRef.current.contains(event.target)) close(false);
    };
    document.addEventListener('keydown', onKey);
    document.addEventListener('pointerdown', onPointer);
    document.addEventListener('focusin', onFocus);
    return () => {
      document.removeEventListener('keydown', onKey);
      document.removeEventListener('pointerdown', onPointer);
      document.removeEventListener('focusin', onFocus);
    };
  }, [open, close]);

  const onButtonKeyDown = (event: KeyboardEvent<HTMLButtonElement>) => {
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      focusOnOpen.current = event.key === 'ArrowDown' ? 'first' : 'last';
      if (open) {
        const list = items(panelRef.current);
        (event.key === 'ArrowDown' ? list[0] : list[list.length - 1])?.focus();
        focusOnOpen.current = null;
      } else setOpenState(true);
    } else if (event.key === 'Enter' || event.key === ' ') {
      // A keyboard open puts focus on the first item (a click's open leaves it on the button).
      if (!open) focusOnOpen.current = 'first';
    }
  };

  const onPanelKeyDown = (event: KeyboardEvent<HTMLElement>) => {
    const list = items(panelRef.current);
    if (list.length === 0) return;
    const at = list.indexOf(document.activeElement as HTMLElement);
    let next: number | null = null;
    if (event.key === 'ArrowDown') next = at < 0 ? 0 : (at + 1) % list.length;
    else if (event.key === 'ArrowUp') next = at <= 0 ? list.length - 1 : at - 1;
    else if (event.key === 'Home') next = 0;
    else if (event.key === 'End') next = list.length - 1;
    // Arrow keys in a select or a text field keep their own meaning.
    const tag = (document.activeElement as HTMLElement | null)?.tagName;
    if (next === null || tag === 'SELECT' || tag === 'INPUT') return;
    event.preventDefault();
    list[next]?.focus();
  };

  return {
    open,
    setOpen: setOpenState,
    buttonProps: {
      'aria-expanded': open,
      'aria-controls': panelId,
      onClick: () => setOpenState((o) => !o),
      onKeyDown: onButtonKeyDown,
      ref: buttonRef,
    },
    panelProps: { id: panelId, ref: panelRef, onKeyDown: onPanelKeyDown },
    rootRef,
    panelId,
  };
}
