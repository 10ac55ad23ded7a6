// `npm run screenshots`: regenerates the README's screenshots (docs/screenshots/*.png) from the
// example's production build with the demo data, in headless Chromium. Run `npm run build` first.

import { join, resolve } from 'node:path';
import { chromium, type Page } from 'playwright-core';
import { startAppServer } from '../tests/e2e/app-server.js';

const OUT = join(resolve(import.meta.dirname, '..'), 'docs', 'screenshots');
const CHROMIUM = process.env.GATEHOUSE_CHROMIUM ?? '/usr/bin/chromium';

const app = await startAppServer({ env: { GATEHOUSE_DEMO: '1' } });
const browser = await chromium.launch({
  executablePath: CHROMIUM,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'],
});
try {
  const shoot = (page: Page, name: string) => page.screenshot({ path: join(OUT, `${name}.png`) });
  const open = async () => {
    const context = await browser.newContext({ baseURL: app.baseUrl, viewport: { width: 900, height: 600 } });
    return context.newPage();
  };
  const signInAndSwitch = async (page: Page, email: string, org: string) => {
    await page.goto('/sign-in');
    await page.getByLabel('Email', { exact: true }).fill(email);
    await page.getByLabel('Password', { exact: true }).fill('gatehouse-demo');
    await Promise.all([page.waitForURL('**/dashboard'), page.getByRole('button', { name: 'Sign in', exact: true }).click()]);
    await page.getByRole('button', { name: 'Organization: Personal account' }).click();
    await page.getByRole('group', { name: 'Switch organization' }).getByRole('button', { name: org }).click();
    await page.getByRole('button', { name: `Organization: ${org}` }).waitFor();
    await page.getByTestId('org-slug').filter({ hasText: org.toLowerCase() }).waitFor();
  };

  const visitor = await open();
  await visitor.goto('/');
  await visitor.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Sign in' }).waitFor();
  await shoot(visitor, 'landing');
  await visitor.goto('/sign-in');
  await visitor.getByRole('button', { name: 'Sign in', exact: true }).waitFor();
  await shoot(visitor, 'sign-in');

  const alice = await open();
  await signInAndSwitch(alice, 'alice@example.com', 'Acme');
  await alice.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Admin' }).waitFor();
  await shoot(alice, 'dashboard-admin');
  await alice.goto('/admin');
  await alice.getByRole('heading', { name: 'Members' }).waitFor();
  await alice.getByRole('table').first().waitFor();
  await shoot(alice, 'admin');

  const carol = await open();
  await signInAndSwitch(carol, 'carol@example.com', 'Acme');
  await shoot(carol, 'dashboard-viewer');
  console.log(`Screenshots written to ${OUT}`);
} finally {
  await browser.close();
  await app.stop();
}
