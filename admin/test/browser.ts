import { mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { AxeBuilder } from '@axe-core/playwright';
import sparticuz from '@sparticuz/chromium';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, expect } from 'vitest';
import { KIT_ADMIN_PASSWORD, type TestKit } from '../../server/test/kit.ts';

// The admin UI in a real browser against the real server: the test kit's app
// (real PostgreSQL, fake Postmark) on a real HTTP port, driven by the
// Chromium that ships inside the @sparticuz/chromium npm package (so a fresh
// machine needs no browser and no download) through playwright-core.

export const SCREENSHOTS = fileURLToPath(new URL('./screenshots/', import.meta.url));

export interface BrowserHarness {
  url: string;
  browser: Browser;
  newPage(options?: { width?: number; height?: number }): Promise<Page>;
}

/** `app`: another app on the kit's database (e.g. with the local mailbox) instead of the kit's; `locale`: the browser's language (navigator.languages). */
export function useBrowser(kit: TestKit, options: { app?: () => TestKit['app']; locale?: string } = {}): BrowserHarness {
  const harness = {} as BrowserHarness;
  let server: Server | undefined;
  beforeAll(async () => {
    // The kit's clock starts on a fixed morning; sessions expire by it, the
    // browser by its own clock: make them agree.
    kit.clock.advance(Date.now() - kit.clock.now().getTime());
    server = createServer(options.app?.() ?? kit.app);
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    harness.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    harness.browser = await chromium.launch({ executablePath: await sparticuz.executablePath(), args: sparticuz.args, headless: true });
    // Chromium runs with --single-process (sparticuz.args), where a second
    // browser context does not load reliably: every test gets the one page,
    // signed out (its storage cleared), at the size it asks for.
    const page = await (await harness.browser.newContext({ baseURL: harness.url, reducedMotion: 'reduce', locale: options.locale ?? 'en-US' })).newPage();
    page.setDefaultTimeout(10_000);
    page.on('console', (message) => {
      if (message.type() === 'error' || message.type() === 'warning') console.log(`[browser ${message.type()}] ${message.text()}`);
    });
    page.on('pageerror', (error) => console.log(`[browser page error] ${error.message}`));
    let visitor = 0;
    harness.newPage = async ({ width = 1280, height = 860 } = {}) => {
      // Sign-ins are rate-limited per network address: each test comes from
      // an address of its own (the kit's app trusts X-Forwarded-For).
      await page.setExtraHTTPHeaders({ 'x-forwarded-for': `198.51.100.${++visitor}` });
      await page.context().clearCookies();
      await page.goto('/admin/sign-in');
      await page.evaluate(() => localStorage.clear());
      await page.setViewportSize({ width, height });
      return page;
    };
    mkdirSync(SCREENSHOTS, { recursive: true });
  });
  afterAll(async () => {
    await harness.browser?.close();
    await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  });
  return harness;
}

export async function signIn(page: Page, email: string, password = KIT_ADMIN_PASSWORD) {
  await page.goto('/admin/');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Profiles', level: 1 }).waitFor();
}

/**
 * Opens the admin UI already signed in with a session the kit made (sign-ins
 * are rate-limited per account: the sign-in form itself is clicked in a few
 * tests only): its token goes where the server's sign-in puts it, the
 * HttpOnly session cookie.
 */
export async function openSignedIn(page: Page, session: { sessionToken: string }, path = '/admin/profiles') {
  await page
    .context()
    .addCookies([{ name: 'parkpass_session', value: session.sessionToken, url: new URL(page.url()).origin, httpOnly: true, sameSite: 'Strict' }]);
  await page.goto(path);
  await page.getByRole('heading', { level: 1 }).first().waitFor();
}

/** No serious or critical accessibility violation on the page as it is now (axe-core). */
export async function expectAccessible(page: Page, what: string) {
  const results = await new AxeBuilder({ page }).analyze();
  const serious = results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map(
      (v) =>
        `${v.id} (${v.impact}): ${v.help} — ${v.nodes
          .map((n) => n.target.join(' '))
          .slice(0, 3)
          .join(' | ')} — ${[...(v.nodes[0]?.any ?? []), ...(v.nodes[0]?.all ?? [])].map((check) => check.message).join(' ')}`,
    );
  expect(serious, `accessibility of ${what}`).toEqual([]);
}

export async function screenshot(page: Page, name: string) {
  await page.screenshot({ path: `${SCREENSHOTS}${name}.png`, fullPage: true });
}

/** The focused element's name as a person hears it: its aria-label, its label, or its text. */
export function focusedName(page: Page): Promise<string> {
  return page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    if (!el || el === document.body) return '';
    const labelledBy = el.getAttribute('aria-labelledby');
    const label =
      el.getAttribute('aria-label') ??
      (labelledBy ? document.getElementById(labelledBy.split(' ')[0]!)?.textContent : null) ??
      (el as HTMLInputElement).labels?.[0]?.textContent ??
      el.textContent ??
      '';
    return label.replace(/\s+/g, ' ').trim();
  });
}

/** Whether the focus is inside the open dialog. */
export const focusInDialog = (page: Page) => page.evaluate(() => Boolean(document.activeElement?.closest('[role="dialog"]')));

/** Presses Tab (or Shift+Tab) until the focused element is named `name`, and checks the focus is visible there. */
export async function tabTo(page: Page, name: string | RegExp, { backwards = false, max = 80 } = {}) {
  const seen: string[] = [];
  for (let i = 0; i < max; i++) {
    await page.keyboard.press(backwards ? 'Shift+Tab' : 'Tab');
    const now = await focusedName(page);
    seen.push(now);
    if (typeof name === 'string' ? now === name : name.test(now)) {
      await expectVisibleFocus(page);
      return;
    }
  }
  throw new Error(`Tab never reached ${name}; it went through: ${seen.join(' | ')}`);
}

/** The focused element shows it: an outline (Mantine's focus ring or the app's :focus-visible) or a box shadow. */
export async function expectVisibleFocus(page: Page) {
  const ring = await page.evaluate(() => {
    const el = document.activeElement as HTMLElement;
    const style = getComputedStyle(el);
    return (style.outlineStyle !== 'none' && Number.parseFloat(style.outlineWidth) > 0) || style.boxShadow !== 'none';
  });
  expect(ring, `visible focus on "${await focusedName(page)}"`).toBe(true);
}
