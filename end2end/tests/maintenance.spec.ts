import { test, expect, Browser, chromium } from '@playwright/test';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { chromiumArgs } from '../playwright.config';
import { LoginPage, MaintenanceList, NewRequestForm, RequestDetail, hydrated } from './pages';

let counter = 0;
const uniqueTitle = (what: string) => `${what} ${Date.now() % 100000}-${++counter}`;

test('sign in, report a breakdown and watch its countdown tick', async ({ page }, info) => {
  await new LoginPage(page).signIn('operator');
  await expect(page.getByTestId('who')).toHaveText('Olu Operator');
  const title = uniqueTitle('Needle bar jams');
  await new NewRequestForm(page).report({ machine: 'SEW-02', priority: 'critical', title });
  await expect(page).toHaveURL(/\/maintenance\/\d+$/);
  await expect(page.getByRole('heading', { name: new RegExp(title) })).toBeVisible();
  await expect(page.getByTestId('toast').filter({ hasText: 'reported' })).toBeVisible();

  const detail = new RequestDetail(page);
  await expect(detail.status()).toHaveText('Open');
  // Critical: 15 minutes to respond. The clock ticks every second.
  const clock = detail.responseClock();
  await expect(clock).toHaveText(/1[45]m \d\ds left/);
  const first = await clock.textContent();
  await expect.poll(async () => clock.textContent(), { timeout: 4000 }).not.toBe(first);
  await expect(clock).toHaveClass(/sla-ok/);
  // Operators report; they cannot move requests on.
  await expect(page.getByTestId('do-acknowledge')).toHaveCount(0);
  await page.screenshot({ path: info.outputPath('detail.png'), fullPage: true });
});

test('a technician moves a request through its states; waiting for parts pauses the clock', async ({ page }, info) => {
  await new LoginPage(page).signIn('maintenance');
  const title = uniqueTitle('Steam trap leaking');
  await new NewRequestForm(page).report({ machine: 'FIN-01', priority: 'high', title });
  const detail = new RequestDetail(page);
  await expect(detail.status()).toHaveText('Open');

  await detail.act('acknowledge');
  await expect(detail.status()).toHaveText('Acknowledged');
  await expect(detail.responseClock()).toHaveText(/met with/);

  await detail.act('start');
  await expect(detail.status()).toHaveText('In progress');

  await detail.act('wait_for_parts');
  await expect(detail.status()).toHaveText('Waiting for parts');
  const paused = detail.resolutionClock();
  await expect(paused).toHaveText(/paused/);
  await expect(paused).toHaveClass(/sla-paused/);
  const frozen = await paused.textContent();
  await page.waitForTimeout(2200);
  await expect(paused).toHaveText(frozen!);

  await detail.act('resume');
  await expect(detail.status()).toHaveText('In progress');
  await expect(detail.resolutionClock()).toHaveText(/left/);

  await detail.act('resolve');
  await expect(detail.status()).toHaveText('Resolved');
  await expect(detail.resolutionClock()).toHaveText(/met with/);

  await detail.act('close');
  await expect(detail.status()).toHaveText('Closed');
  await expect(page.getByTestId('do-close')).toHaveCount(0);
  const timeline = page.getByTestId('timeline');
  for (const step of ['Open → Acknowledged', 'Acknowledged → In progress', 'In progress → Waiting for parts', 'Waiting for parts → In progress', 'In progress → Resolved', 'Resolved → Closed']) {
    await expect(timeline).toContainText(step);
  }
  await page.screenshot({ path: info.outputPath('closed.png'), fullPage: true });
});

test('the submit shows a spinner and cannot be pressed twice while the call is pending', async ({ page }) => {
  await new LoginPage(page).signIn('supervisor');
  // Hold the create call for 1.5 s to see the pending state.
  let calls = 0;
  await page.route('**/sfn/maintenance/create', async (route) => {
    calls++;
    await new Promise((r) => setTimeout(r, 1500));
    await route.continue();
  });
  const title = uniqueTitle('Cutter head noisy');
  await new NewRequestForm(page).report({ machine: 'CUT-01', priority: 'medium', title });
  const button = page.getByRole('button', { name: /Reporting/ });
  await expect(button).toBeDisabled();
  await expect(button.getByTestId('spinner')).toBeVisible();
  await button.click({ force: true }).catch(() => {});
  await expect(page).toHaveURL(/\/maintenance\/\d+$/);
  expect(calls).toBe(1);
});

test('bad input is shown at the field', async ({ page }) => {
  await new LoginPage(page).signIn('operator');
  await page.getByTestId('new-request').click();
  await page.getByLabel('What is wrong?').fill('x');
  await page.getByRole('button', { name: 'Report' }).click();
  await expect(page.locator('.field-error')).toContainText('choose the machine');
  await expect(page.getByTestId('toast')).toContainText('machine id');
  await expect(page).toHaveURL(/\/maintenance\/new$/);
});

test("a second browser sees a change arrive without reloading", async ({ page, browser }) => {
  await new LoginPage(page).signIn('maintenance');
  const other = await browser.newContext({ viewport: { width: 480, height: 900 } });
  const watcher = await other.newPage();
  await new LoginPage(watcher).signIn('supervisor');
  const list = new MaintenanceList(watcher);
  const title = uniqueTitle('Overlocker skipping stitches');
  await expect(list.row(title)).toHaveCount(0);

  await new NewRequestForm(page).report({ machine: 'SEW-03', priority: 'low', title });
  await expect(page).toHaveURL(/\/maintenance\/\d+$/);
  // Pushed over SSE: no reload in the watching browser.
  await expect(list.row(title)).toHaveCount(1, { timeout: 3000 });
  await expect(list.row(title)).toContainText('Open');

  // And a transition shows up too.
  await new RequestDetail(page).act('acknowledge');
  await expect(list.row(title)).toContainText('Acknowledged', { timeout: 3000 });
  await other.close();
});

test('the app shell has a manifest and a service worker', async ({ page }) => {
  await new LoginPage(page).signIn('operator');
  const manifest = await page.request.get('/manifest.webmanifest');
  expect(manifest.ok()).toBeTruthy();
  const m = await manifest.json();
  expect(m.display).toBe('standalone');
  expect(m.icons.map((i: { sizes: string }) => i.sizes)).toEqual(expect.arrayContaining(['192x192', '512x512']));
  const sw = await page.evaluate(async () => {
    const reg = await navigator.serviceWorker.ready;
    return reg.active?.scriptURL ?? '';
  });
  expect(sw).toContain('/sw.js');
});

test('Chromium finds the app installable', async ({ baseURL }, info) => {
  // Chromium never offers installation in an incognito-like context, which
  // is what Playwright's contexts are; a real profile directory gives its
  // real verdict (the checks behind "Install Shopfloor" in the address bar).
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'shopfloor-profile-'));
  const ctx = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium',
    args: chromiumArgs,
    headless: true,
    viewport: info.project.use.viewport,
  });
  try {
    const page = await ctx.newPage();
    await page.goto(baseURL + '/login');
    await hydrated(page);
    await page.evaluate(async () => { await navigator.serviceWorker.ready; });
    const cdp = await ctx.newCDPSession(page);
    await expect.poll(async () => (await cdp.send('Page.getInstallabilityErrors')).installabilityErrors).toEqual([]);
    const manifest = await cdp.send('Page.getAppManifest');
    expect(manifest.errors).toEqual([]);
  } finally {
    await ctx.close();
    fs.rmSync(profile, { recursive: true, force: true });
  }
});

test('admin screens: users, roles and the audit log', async ({ page }, info) => {
  await page.goto('/login');
  await hydrated(page);
  await page.getByLabel('Username').fill('admin');
  await page.getByLabel('Password').fill('admin-e2e-password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  // An admin lands on their role's home, the users screen.
  await page.waitForURL(/\/admin\/users/);
  await page.goto('/admin/users');
  await hydrated(page);
  await expect(page.getByTestId('user-row').filter({ hasText: 'Olu Operator' })).toBeVisible();
  const name = `tester${Date.now() % 100000}`;
  await page.getByLabel('Username').fill(name);
  await page.getByLabel('Full name').fill('Test Person');
  await page.getByLabel('Password').fill('short');
  await page.getByRole('button', { name: 'Create user' }).click();
  await expect(page.locator('.field-error')).toContainText('at least 10 characters');
  await page.getByLabel('Password').fill('a-long-enough-password');
  await page.getByRole('button', { name: 'Create user' }).click();
  await expect(page.getByTestId('user-row').filter({ hasText: name })).toBeVisible();
  await page.screenshot({ path: info.outputPath('users.png'), fullPage: true });
  await page.goto('/admin/roles');
  await hydrated(page);
  const operatorRole = page.locator('details', { hasText: 'Machine operator' });
  await operatorRole.locator('summary').click();
  await expect(operatorRole.getByLabel('maintenance CREATE')).toBeChecked();
  await expect(operatorRole.getByLabel('maintenance APPROVE')).not.toBeChecked();
  await page.screenshot({ path: info.outputPath('roles.png'), fullPage: true });
  await page.goto('/admin/audit');
  await expect(page.locator('table')).toContainText('create user');
});
