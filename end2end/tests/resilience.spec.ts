import { test, expect } from '@playwright/test';
import { spawn, ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { LoginPage, RequestDetail } from './pages';

// A server of our own for this file, so it can be stopped mid-test.
const bin = process.env.SHOPFLOOR_E2E_BIN ?? path.resolve(__dirname, '../../target/release/shopfloor');
const port = 3150 + Math.floor(Math.random() * 40);
const base = `http://127.0.0.1:${port}`;

async function startServer(dataDir: string): Promise<ChildProcess> {
  const child = spawn(bin, [], {
    cwd: path.resolve(__dirname, '../..'),
    env: {
      ...process.env,
      DATABASE_URL: `sqlite://${dataDir}/e2e.db`,
      SHOPFLOOR_BIND: `127.0.0.1:${port}`,
      SHOPFLOOR_DEMO: 'true',
      SHOPFLOOR_ADMIN_PASSWORD: 'admin-e2e-password',
      SHOPFLOOR_LOG: 'warn',
      SHOPFLOOR_REQUEST_TIMEOUT_MS: '3000',
      SHOPFLOOR_RETRIES: '2',
      LEPTOS_SITE_ROOT: 'target/site',
    },
    stdio: 'ignore',
  });
  for (let i = 0; i < 100; i++) {
    try {
      const r = await fetch(`${base}/readyz`);
      if (r.ok) return child;
    } catch {}
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error('server did not start');
}

test('with the server stopped, the user gets a toast within the timeout, not a hang', async ({ page }) => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'shopfloor-e2e-down-'));
  let server = await startServer(dataDir);
  try {
    // Sign in against this file's own server.
    await page.goto(base + '/login');
    await page.waitForSelector('body[data-hydrated="true"]');
    await page.getByLabel('Username').fill('maintenance');
    await page.getByLabel('Password').fill('shopfloor-demo');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(/\/maintenance/);
    await page.waitForSelector('body[data-hydrated="true"]');
    await page.getByTestId('request-row').first().click();
    await expect(page.getByTestId('do-acknowledge')).toBeVisible();

    server.kill('SIGKILL');
    await new Promise((r) => setTimeout(r, 300));
    const started = Date.now();
    await page.getByTestId('do-acknowledge').click();
    const toast = page.getByTestId('toast').filter({ hasText: /Cannot reach the server|did not answer/ });
    await expect(toast).toBeVisible({ timeout: 12_000 });
    // Timeout 3 s × (1 + 2 retries) plus back-off is the worst case.
    expect(Date.now() - started).toBeLessThan(12_000);
    // The button is usable again: nothing is stuck.
    await expect(page.getByTestId('do-acknowledge')).toBeEnabled();
    // The live channel noticed too.
    await expect(page.getByTestId('offline-banner')).toBeVisible();

    // Back up: the same click now works, and the banner goes.
    server = await startServer(dataDir);
    await page.getByTestId('do-acknowledge').click();
    await expect(new RequestDetail(page).status()).toHaveText('Acknowledged');
    await expect(page.getByTestId('offline-banner')).toHaveCount(0, { timeout: 10_000 });
  } finally {
    server.kill('SIGKILL');
  }
});

test('a dropped network shows the offline banner and a toast', async ({ page, context }) => {
  await new LoginPage(page).signIn('maintenance');
  await page.getByTestId('request-row').first().click();
  await expect(page.getByTestId('do-start')).toBeVisible();
  await context.setOffline(true);
  await expect(page.getByTestId('offline-banner')).toBeVisible();
  await page.getByTestId('do-start').click();
  await expect(page.getByTestId('toast').filter({ hasText: /Cannot reach the server|did not answer/ })).toBeVisible({ timeout: 45_000 });
  await context.setOffline(false);
  await expect(page.getByTestId('offline-banner')).toHaveCount(0, { timeout: 10_000 });
});
