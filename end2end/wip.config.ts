import { defineConfig } from '@playwright/test';
import * as os from 'os';
import * as path from 'path';
import * as fs from 'fs';

// The server under test: the release build unless SHOPFLOOR_E2E_BIN says
// otherwise, on its own port and a fresh SQLite database with the demo plant.
const bin = process.env.SHOPFLOOR_E2E_BIN ?? path.resolve(__dirname, '../target/release/shopfloor');
const port = Number(process.env.SHOPFLOOR_E2E_PORT ?? 3100);
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'shopfloor-e2e-'));
export const baseURL = `http://127.0.0.1:${port}`;

export const chromiumArgs = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

export default defineConfig({
  testDir: './wip',
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [['list']],
  outputDir: './test-results-wip',
  use: {
    baseURL,
    launchOptions: { executablePath: '/usr/bin/chromium', args: chromiumArgs },
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
  },
  projects: [
    { name: 'desktop-1280', use: { viewport: { width: 1280, height: 800 } } },
    { name: 'phone-480', use: { viewport: { width: 480, height: 900 }, hasTouch: true, isMobile: true } },
  ],
  webServer: {
    command: `"${bin}"`,
    cwd: path.resolve(__dirname, '..'),
    url: `${baseURL}/readyz`,
    timeout: 60_000,
    reuseExistingServer: false,
    stdout: 'pipe',
    env: {
      DATABASE_URL: `sqlite://${dataDir}/e2e.db`,
      SHOPFLOOR_BIND: `127.0.0.1:${port}`,
      SHOPFLOOR_DEMO: 'true',
      SHOPFLOOR_ADMIN_PASSWORD: 'admin-e2e-password',
      SHOPFLOOR_LOG: 'warn',
      LEPTOS_SITE_ROOT: 'target/site',
    },
  },
});
