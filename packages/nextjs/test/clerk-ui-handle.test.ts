// Clerk's starter layout passes `<ClerkProvider ui={ui} appearance={{ cssLayerName, … }}>` with `ui` from `@clerk/ui`: the
// codemod points that import at @gatehouse/nextjs/themes, whose `ui` marker the provider accepts (the components are built in).

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createElement as h } from 'react';
import { renderToString } from 'react-dom/server';
import { AppRouterContext } from 'next/dist/shared/lib/app-router-context.shared-runtime.js';
import { ClerkProvider } from '@gatehouse/nextjs';
import { ui, type Appearance } from '@gatehouse/nextjs/themes';

const router = { push() {}, replace() {}, refresh() {}, back() {}, forward() {}, prefetch() {} };

describe('the @clerk/ui counterpart in @gatehouse/nextjs/themes', () => {
  test('`ui` is a frozen marker; the provider takes it and a Clerk appearance with cssLayerName, and renders its children', () => {
    assert.ok(Object.isFrozen(ui));
    const appearance = {
      cssLayerName: 'clerk',
      variables: { colorPrimary: '#000000' },
      elements: { card: 'bg-[#fafafa]' },
    } satisfies Appearance;
    const html = renderToString(
      h(AppRouterContext.Provider, { value: router as never }, h(ClerkProvider, { ui, appearance }, h('p', null, 'the page'))),
    );
    assert.match(html, /<p>the page<\/p>/);
  });
});
