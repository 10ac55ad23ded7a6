// An app server and Chromium for one end-to-end suite, a fresh browser profile per test, and the
// form steps the browser tests share (fill the credentials, submit and land on a page).

import assert from 'node:assert/strict';
import { after, before } from 'node:test';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { startAppServer, type AppServer, type AppServerOptions } from './app-server.js';
import { launchChromium } from './chromium.js';

export interface BrowserApp {
  readonly server: AppServer;
  readonly browser: Browser;
  /** A fresh browser profile for `fn`, closed afterwards; a failure carries the page's address and the server's output. */
  withPage(fn: (context: BrowserContext, page: Page) => Promise<void>): Promise<void>;
  /** A fresh browser profile kept open until the suite ends. */
  newPage(): Promise<{ context: BrowserContext; page: Page }>;
}

/** Starts the server and Chromium side by side; when one fails, the other is stopped and the failure thrown. */
export async function startAppWithBrowser(options: AppServerOptions): Promise<{ server: AppServer; browser: Browser }> {
  const [s, b] = await Promise.allSettled([startAppServer(options), launchChromium()]);
  if (s.status === 'fulfilled' && b.status === 'fulfilled') return { server: s.value, browser: b.value };
  await Promise.allSettled([s.status === 'fulfilled' ? s.value.stop() : undefined, b.status === 'fulfilled' ? b.value.close() : undefined]);
  throw s.status === 'rejected' ? s.reason : (b as PromiseRejectedResult).reason;
}

/**
 * Registers the suite's before/after: the app server (options, or a function giving them once earlier
 * hooks have run) and Chromium. Call inside a describe().
 */
export function useBrowserApp(
  options: AppServerOptions | (() => AppServerOptions | Promise<AppServerOptions>),
  { timeoutMs = 15_000 } = {},
): BrowserApp {
  let server: AppServer;
  let browser: Browser;
  const kept: BrowserContext[] = [];
  const open = async () => {
    const context = await browser.newContext({ baseURL: server.baseUrl });
    context.setDefaultTimeout(timeoutMs);
    return { context, page: await context.newPage() };
  };
  before(async () => {
    ({ server, browser } = await startAppWithBrowser(typeof options === 'function' ? await options() : options));
  });
  after(async () => {
    await Promise.all(kept.map((context) => context.close().catch(() => undefined)));
    await Promise.all([browser?.close(), server?.stop()]);
  });
  return {
    get server() {
      return server;
    },
    get browser() {
      return browser;
    },
    async withPage(fn) {
      const { context, page } = await open();
      try {
        await fn(context, page);
      } catch (error) {
        if (error instanceof Error) error.message += `\n--- page: ${page.url()}\n--- server output ---\n${server.output()}`;
        throw error;
      } finally {
        await context.close();
      }
    },
    async newPage() {
      const opened = await open();
      kept.push(opened.context);
      return opened;
    },
  };
}

/** Fills the Email and Password fields of a form (or of the page's only form). */
export async function fillCredentials(scope: Page | Locator, email: string, password: string): Promise<void> {
  await scope.getByLabel('Email', { exact: true }).fill(email);
  await scope.getByLabel('Password', { exact: true }).fill(password);
}

/** Clicks and waits until the page is at `pathname`; an alert with text inside `scope` fails the test at once with that text. */
export async function clickAndLandOn(page: Page, button: Locator, pathname: string, scope: Page | Locator = page): Promise<void> {
  const landed = page.waitForURL((url) => url.pathname === pathname).then(() => null);
  const alert = scope.getByRole('alert').filter({ hasText: /\S/ });
  const failed = alert.waitFor({ state: 'visible' }).then(async () => (await alert.textContent()) ?? '');
  // Whichever loses the race rejects later (timeout or page closed); that is expected.
  landed.catch(() => undefined);
  failed.catch(() => undefined);
  await button.click();
  const error = await Promise.race([landed, failed]);
  assert.equal(error, null, `expected to land on ${pathname}, got the error: ${error}`);
}

/** Submits the form named like its button (`Sign up`, `Sign in`) and waits to land on `pathname`. */
export function submitAndLandOn(page: Page, form: 'Sign up' | 'Sign in', pathname: string): Promise<void> {
  return clickAndLandOn(page, page.getByRole('button', { name: form, exact: true }), pathname, page.getByRole('form', { name: form }));
}
