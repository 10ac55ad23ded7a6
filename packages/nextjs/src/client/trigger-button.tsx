'use client';
// The prebuilt buttons' trigger: the default button, or the app's own single child element with the action added to its onClick.

import { Children, cloneElement, isValidElement, type MouseEvent, type ReactElement, type ReactNode } from 'react';

export function TriggerButton({ label, onClick: go, children }: { label: string; onClick: () => void; children?: ReactNode }) {
  const onClick = (event: MouseEvent) => {
    event.preventDefault();
    go();
  };
  const only =
    children === undefined ? null : Children.only(typeof children === 'string' ? <button type="button">{children}</button> : children);
  if (only && isValidElement(only)) {
    const element = only as ReactElement<{ onClick?: (e: MouseEvent) => void }>;
    return cloneElement(element, {
      onClick: (event: MouseEvent) => {
        element.props.onClick?.(event);
        onClick(event);
      },
    });
  }
  return (
    <button type="button" onClick={onClick}>
      {label}
    </button>
  );
}

/**
 * Clerk's routing props of its page components (its views move through sub-paths such as
 * `path/security`). Gatehouse's components keep every view on one URL, so any routing works; they
 * are accepted so Clerk's pages compile unchanged. `fallback` shows until the session is known.
 */
export interface RoutingProps {
  routing?: 'path' | 'hash' | 'virtual';
  path?: string;
  fallback?: ReactNode;
}
