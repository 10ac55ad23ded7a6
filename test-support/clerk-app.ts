// One public Clerk app fixture (apps/clerk-*) in its production build with one Chromium page, for the end-to-end tests of
// those apps. Not a test: call useClerkApp() inside a describe(); it registers the suite's before/after.

import { after, before } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { AppServer, AppServerOptions } from './app-server.js';
import { startAppWithBrowser } from './browser-app.js';

export interface ClerkApp {
  readonly server: AppServer;
  readonly context: BrowserContext;
  readonly page: Page;
  /** The browser's __session cookie, if any. */
  sessionCookie(): Promise<{ httpOnly: boolean } | undefined>;
  /** Runs `body`; a failure carries the page's address and the server's output. */
  step(body: () => Promise<void>): Promise<void>;
}

export function useClerkApp(app: NonNullable<AppServerOptions['app']>, env?: Record<string, string>): ClerkApp {
  let server: AppServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  before(async () => {
    ({ server, browser } = await startAppWithBrowser({ app, ...(env ? { env } : {}) }));
    context = await browser.newContext({ baseURL: server.baseUrl });
    context.setDefaultTimeout(20_000);
    page = await context.newPage();
  });
  after(async () => {
    await Promise.all([browser?.close(), server?.stop()]);
  });
  return {
    get server() {
      return server;
    },
    get context() {
      return context;
    },
    get page() {
      return page;
    },
    sessionCookie: async () => (await context.cookies()).find((c) => c.name === '__session'),
    async step(body) {
      try {
        await body();
      } catch (error) {
        if (error instanceof Error) error.message += `\n--- page: ${page.url()}\n--- server output ---\n${server.output()}`;
        throw error;
      }
    },
  };
}
