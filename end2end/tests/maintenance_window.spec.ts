import { test, expect } from '@playwright/test';
import { DEMO_PASSWORD, LoginPage, hydrated } from './pages';

const DAY = 86_400_000;
const OFFSET = 2 * 3_600_000; // the demo plant's time zone: Johannesburg, UTC+2

/** `YYYY-MM-DDTHH:MM` in plant time, `days` working days from today at `hour`. */
function plantLocal(days: number, hour: number): string {
  let day = Math.floor((Date.now() + OFFSET) / DAY) + days;
  // 1970-01-01 was a Thursday: (day + 3) % 7 is 5 or 6 on weekends.
  while ((day + 3) % 7 > 4) day += 1;
  return new Date(day * DAY + hour * 3_600_000).toISOString().slice(0, 16);
}

test('maintenance plans a preventive window; it shows on the request and takes capacity on the Gantt', async ({ page }, info) => {
  await new LoginPage(page).signIn('maintenance', DEMO_PASSWORD);
  await page.goto('/maintenance/new');
  await hydrated(page);
  const machine = page.getByLabel('Machine');
  const value = await machine.locator('option', { hasText: 'EMB-01' }).getAttribute('value');
  await machine.selectOption(value!);
  await page.getByLabel('Kind').selectOption('preventive');
  await page.getByLabel('Priority').selectOption('low');
  const title = `Oil the hooks ${Date.now() % 100000}`;
  await page.getByLabel('What is wrong?').fill(title);
  // A start without a downtime: refused at the field.
  const start = plantLocal(3, 9);
  await page.getByTestId('planned-start').fill(start);
  await page.getByRole('button', { name: 'Report' }).click();
  await expect(page.locator('.field-error, [data-testid="field-error"]').first()).toContainText(/down/i);
  await page.getByTestId('estimated-minutes').fill('120');
  await page.screenshot({ path: info.outputPath('window-new.png'), fullPage: true });
  await page.getByRole('button', { name: 'Report' }).click();
  await expect(page).toHaveURL(/\/maintenance\/\d+$/);
  const card = page.getByTestId('window-card');
  await expect(card.getByTestId('window-facts')).toContainText('120 min');
  await expect(page.getByTestId('window-start')).toHaveValue(start);

  // Planned again, a day later, for 90 minutes.
  const later = plantLocal(4, 10);
  await page.getByTestId('window-start').fill(later);
  await page.getByTestId('window-minutes').fill('90');
  await card.getByRole('button', { name: 'Save window' }).click();
  await expect(page.getByTestId('toast').filter({ hasText: 'downtime is planned' })).toBeVisible();
  await expect(card.getByTestId('window-facts')).toContainText('90 min');
  await page.screenshot({ path: info.outputPath('window-detail.png'), fullPage: true });

  // The planner's Gantt shades it on the embroidery lane.
  await page.context().clearCookies();
  await new LoginPage(page).signIn('planner', DEMO_PASSWORD, /\/orders/);
  await page.goto('/ppic/gantt');
  await hydrated(page);
  await page.getByTestId('zoom-month').click();
  const shaded = page.locator('[data-testid="gantt-window"].maintenance', { hasText: title });
  await expect(shaded).toHaveCount(1);
});
