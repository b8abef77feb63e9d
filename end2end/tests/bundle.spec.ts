import { test, expect, Page, APIRequestContext } from '@playwright/test';
import { hydrated, LoginPage } from './pages';

// The wasm is split by route (scripts/build.sh: `cargo leptos build --split`):
// a page downloads the shell (the files its HTML names) plus its own lazy
// route's modules, as the split manifest lists them. The benchmark's
// per-route byte counts (bench/src/bundle.rs) are computed the same way;
// this checks that a real browser fetches exactly those files.

const SPLIT_JS = '__wasm_split.______________________.js';

/** The `/pkg` files a page's HTML names. */
function named(html: string): string[] {
  return [...html.matchAll(/\/pkg\/([A-Za-z0-9._-]+)/g)].map((m) => m[1]);
}

async function manifest(request: APIRequestContext): Promise<Record<string, string[]>> {
  const resp = await request.get('/pkg/__wasm_split_manifest.json');
  expect(resp.ok()).toBe(true);
  return resp.json();
}

/** The modules the lazy route `route` (e.g. `list_route`) needs beyond the shell. */
function routeModules(m: Record<string, string[]>, route: string): string[] {
  const key = Object.keys(m).find((k) => k.startsWith(`__${route}_view_`));
  expect(key, `lazy route ${route} in the split manifest`).toBeTruthy();
  return [...m[key!].map((f) => `${f}.wasm`), SPLIT_JS];
}

/** Opens `path`; returns the `/pkg` files the browser fetched and the ones its HTML names. */
async function open(page: Page, path: string) {
  const fetched = new Set<string>();
  const listener = (r: { url(): string }) => {
    const u = new URL(r.url());
    if (u.pathname.startsWith('/pkg/')) fetched.add(u.pathname.slice(5));
  };
  page.on('request', listener);
  const resp = await page.goto(path);
  await hydrated(page);
  page.off('request', listener);
  return { fetched: [...fetched].sort(), named: named(await resp!.text()) };
}

const sorted = (xs: Iterable<string>) => [...new Set(xs)].sort();

test('a page fetches the shell and its own route modules, and later routes load theirs on demand', async ({ page, request }) => {
  const m = await manifest(request);

  // The sign-in page ships no wasm: the page itself fetches its stylesheet
  // only (its service worker fetches the shell in the background).
  const login = await open(page, '/login');
  expect(login.named).toEqual(['shopfloor.css']);
  expect(login.fetched).toEqual(['shopfloor.css']);

  await new LoginPage(page).signIn('maintenance');
  const list = await open(page, '/maintenance');
  expect(list.fetched).toEqual(sorted([...list.named, ...routeModules(m, 'list_route')]));
  // The sign-in page's own lazy module (for sign-in from inside the app) is
  // not part of the list's download.
  const loginOnly = routeModules(m, 'login_route').filter((f) => !routeModules(m, 'list_route').includes(f));
  expect(loginOnly.length).toBeGreaterThan(0);
  expect(list.fetched.filter((f) => loginOnly.includes(f))).toEqual([]);
  await expect(page.getByTestId('request-row').first()).toBeVisible();

  // Moving within the app fetches the next route's missing modules, and it works.
  const later = new Set<string>();
  page.on('request', (r) => {
    const u = new URL(r.url());
    if (u.pathname.startsWith('/pkg/')) later.add(u.pathname.slice(5));
  });
  await page.getByTestId('new-request').click();
  await expect(page).toHaveURL(/\/maintenance\/new$/);
  await expect(page.getByRole('heading', { name: 'Report a problem' })).toBeVisible();
  const missing = routeModules(m, 'new_request_route').filter((f) => !list.fetched.includes(f));
  expect(sorted(later)).toEqual(sorted(missing));
});
