import { test, expect, Page } from '@playwright/test';
import { LoginPage, hydrated } from './pages';

// The service worker keeps the app shell (wasm, js, css, icons, manifest and
// the offline page) and nothing else: a signed-in page holds a user's data,
// so it is never stored on the device (issue 7, finding 6).

const SHELL = ['/offline.html', '/pkg/shopfloor.css', '/pkg/shopfloor.js', '/pkg/shopfloor.wasm', '/manifest.webmanifest'];
const isShellPath = (p: string) =>
  p.startsWith('/pkg/') || p.startsWith('/icons/') || p === '/manifest.webmanifest' || p === '/offline.html';

/** Every path held in the page's Cache Storage, whatever the cache's name. */
async function cachedPaths(page: Page): Promise<string[]> {
  return page.evaluate(async () => {
    const out: string[] = [];
    for (const name of await caches.keys()) {
      const cache = await caches.open(name);
      for (const req of await cache.keys()) out.push(new URL(req.url).pathname);
    }
    return out;
  });
}

/** Waits until the service worker is installed (shell cached) and controls the page. */
async function controlled(page: Page) {
  await page.evaluate(async () => { await navigator.serviceWorker.ready; });
  await page.reload();
  await hydrated(page);
  await expect.poll(() => page.evaluate(() => !!navigator.serviceWorker.controller)).toBe(true);
}

test('offline, a visited page opens the app shell with the offline banner, not a stored copy of its data', async ({ page, context }) => {
  await new LoginPage(page).signIn('operator');
  await controlled(page);
  await page.goto('/maintenance');
  await hydrated(page);
  await expect(page.getByTestId('request-row').first()).toBeVisible();

  // The shell is cached; no page (and no API answer) is.
  await expect.poll(() => cachedPaths(page)).toEqual(expect.arrayContaining(SHELL));
  const paths = await cachedPaths(page);
  expect(paths.filter((p) => !isShellPath(p))).toEqual([]);

  await context.setOffline(true);
  try {
    await page.reload();
    // The shell answers: its banner, styled by the cached stylesheet.
    await expect(page.getByTestId('offline-banner')).toBeVisible();
    await expect(page.getByTestId('offline-shell')).toBeVisible();
    await expect(page.getByTestId('request-row')).toHaveCount(0);
    const styled = await page.evaluate(() =>
      [...document.styleSheets].some((s) => { try { return s.cssRules.length > 0; } catch { return false; } }));
    expect(styled).toBe(true);
  } finally {
    await context.setOffline(false);
  }
  // Back online, the page comes back with its data.
  await page.goto('/maintenance');
  await hydrated(page);
  await expect(page.getByTestId('request-row').first()).toBeVisible();
});

test('after sign-out, the signed-in page seen before is not served from any cache', async ({ page, context }) => {
  await new LoginPage(page).signIn('maintenance');
  await controlled(page);
  await page.goto('/maintenance');
  await hydrated(page);
  const row = page.getByTestId('request-row').first();
  await expect(row).toBeVisible();
  const title = (await row.locator('.row-title').innerText()).trim();
  expect(title.length).toBeGreaterThan(3);

  // Sign out from the account page: the answer carries Clear-Site-Data.
  await page.goto('/account');
  await hydrated(page);
  const logout = page.waitForResponse((r) => r.url().includes('/sfn/auth/logout'));
  await page.getByRole('button', { name: 'Sign out' }).click();
  const res = await logout;
  // headers() leaves out security headers such as this one; allHeaders() has them all.
  expect((await res.allHeaders())['clear-site-data']).toBe('"cache", "storage"');
  await page.waitForURL(/\/login/);
  await hydrated(page);
  // Whatever the worker (re-registered by the sign-in page) holds is shell only.
  expect((await cachedPaths(page)).filter((p) => !isShellPath(p))).toEqual([]);

  await context.setOffline(true);
  try {
    // Either the worker's offline page or the browser's own network error:
    // never the page as it was while signed in.
    await page.goto('/maintenance').catch(() => undefined);
    await expect(page.getByTestId('request-row')).toHaveCount(0);
    expect(await page.content()).not.toContain(title);
  } finally {
    await context.setOffline(false);
  }
});
