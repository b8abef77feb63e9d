import { test, expect } from '@playwright/test';
import { LoginPage, hydrated, pageScrollsSideways } from './pages';

// Runs at 1280 and 480 px (the projects in playwright.config.ts).
// The admin's password in the test server's environment (playwright.config.ts).
const ADMIN_PASSWORD = 'admin-e2e-password';
const unique = (prefix: string) => `${prefix}-${Date.now() % 100000}${Math.floor(Math.random() * 90 + 10)}`;

test('create an item with sizes and colours', async ({ page }) => {
  await new LoginPage(page).signIn('maintenance');
  await page.goto('/master/items');
  await hydrated(page);
  const code = unique('TB');
  const form = page.getByTestId('item-form');
  await form.getByLabel('Code').fill(code);
  await form.getByLabel('Name').fill('Teddy bear, e2e');
  await form.getByLabel('Kind').selectOption('finished');
  await form.getByLabel('Unit').fill('PCS');
  await form.getByLabel('Standard cost (cents)').fill('1250');
  await form.getByTestId('add-attribute').click();
  await form.getByTestId('add-attribute').click();
  const rows = form.getByTestId('attribute-row');
  await rows.nth(0).getByLabel('Attribute').fill('size');
  await rows.nth(0).getByLabel('Values (comma-separated)').fill('S, M, L');
  await rows.nth(1).getByLabel('Attribute').fill('colour');
  await rows.nth(1).getByLabel('Values (comma-separated)').fill('brown, white');
  await form.getByRole('button', { name: 'Save item' }).click();
  await page.getByTestId('search').fill(code.toLowerCase());
  const row = page.getByTestId(`item-${code}`);
  await expect(row).toContainText('size: S/M/L × colour: brown/white');
  // The table scrolls inside its card; the page itself does not scroll sideways.
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(1);

  // A duplicate code is refused at the field.
  await form.getByLabel('Code').fill(code);
  await form.getByLabel('Name').fill('Another bear');
  await form.getByRole('button', { name: 'Save item' }).click();
  await expect(form.getByRole('alert').first()).toContainText('an item with this code exists');
});

test("a work centre's weekly calendar", async ({ page }) => {
  await new LoginPage(page).signIn('maintenance');
  await page.goto('/master/work-centres');
  await hydrated(page);
  const code = unique('WC');
  const form = page.getByTestId('work-centre-form');
  await form.getByLabel('Code').fill(code);
  await form.getByLabel('Name').fill('Sewing lines e2e');
  await form.getByLabel('Kind').fill('sewing');
  await form.getByLabel('Parallel capacity').fill('4');
  const calendar = form.getByTestId('calendar');
  await calendar.getByLabel('Fri').fill('6:30');
  await calendar.getByLabel('Sat').fill('4:00');
  await calendar.getByLabel('Holidays (YYYY-MM-DD, comma-separated)').fill('2026-12-25, 2026-12-26');
  await form.getByRole('button', { name: 'Save work centre' }).click();
  await page.getByTestId('search').fill(code.toLowerCase());
  const row = page.getByTestId(`work-centre-${code}`);
  await expect(row).toContainText('8:00 8:00 8:00 8:00 6:30 4:00 0:00');
  // The week's grid scrolls inside the form (the page does not) and each day's H:MM reads whole.
  expect(await pageScrollsSideways(page)).toBe(false);
  expect((await calendar.getByLabel('Fri').boundingBox())!.width).toBeGreaterThanOrEqual(56);
  await row.getByRole('button', { name: 'Edit' }).click();
  await expect(calendar.getByLabel('Holidays (YYYY-MM-DD, comma-separated)')).toHaveValue('2026-12-25, 2026-12-26');
  // A day longer than 24 hours is refused at the calendar.
  await calendar.getByLabel('Mon').fill('25:00');
  await form.getByRole('button', { name: 'Save work centre' }).click();
  await expect(calendar.getByRole('alert')).toContainText('at most 1440 minutes');
});

test('an embroidery design with its file', async ({ page }) => {
  await new LoginPage(page).signIn('maintenance');
  await page.goto('/master/embroidery-designs');
  await hydrated(page);
  const code = unique('FACE');
  const form = page.getByTestId('design-form');
  await form.getByLabel('Code').fill(code);
  await form.getByLabel('Name').fill('Bear face e2e');
  await form.getByLabel('Stitches').fill('6000');
  await form.getByLabel('Colour changes').fill('2');
  await form.getByLabel('Thread colours (comma-separated)').fill('black, pink');
  await form.getByLabel('Hoop').fill('H10');
  await form.getByRole('button', { name: 'Save design' }).click();
  await page.getByTestId('search').fill(code.toLowerCase());
  const row = page.getByTestId(`design-${code}`);
  await expect(row).toContainText('6000');
  await expect(row).toContainText('black, pink');

  // The design file: picked in the row, kept as an attachment, downloaded by its link.
  await row.getByTestId('design-file').setInputFiles({ name: 'bear face.dst', mimeType: 'application/octet-stream', buffer: Buffer.from('LA:bear face\n'.repeat(40)) });
  const link = row.getByRole('link', { name: 'bear_face.dst' });
  await expect(link).toBeVisible();
  const download = page.waitForEvent('download');
  await link.click();
  expect((await download).suggestedFilename()).toBe('bear_face.dst');
  // Too big a file is refused before it is sent, and said so.
  await row.getByTestId('design-file').setInputFiles({ name: 'huge.dst', mimeType: 'application/octet-stream', buffer: Buffer.alloc(5 * 1024 * 1024 + 1) });
  await expect(page.getByTestId('toast').filter({ hasText: 'larger than 5 MB' })).toBeVisible();
  await expect(row.getByRole('link', { name: 'bear_face.dst' })).toBeVisible();
});

test('an embroidery machine with its speed and heads', async ({ page }) => {
  await new LoginPage(page).signIn('admin', ADMIN_PASSWORD, /\/admin\/users/);
  await page.goto('/master/machines');
  await hydrated(page);
  const code = unique('EMB');
  const form = page.getByTestId('machine-form');
  await expect(form.getByRole('heading', { name: 'New machine' })).toBeVisible();
  await form.getByLabel('Code').fill(code);
  await form.getByLabel('Name').fill('Tajima 12-head e2e');
  // The work centres come from master data (the demo plant's embroidery is EMB).
  const centre = form.getByLabel('Work centre');
  await expect(centre.locator('option[value="EMB"]')).toHaveText('EMB — Embroidery');
  await centre.selectOption('EMB');
  await form.getByLabel('Stitches per minute').fill('850');
  await form.getByLabel('Heads').fill('6');
  await form.getByRole('button', { name: 'Save machine' }).click();
  await expect(page.getByTestId('toast').filter({ hasText: `Machine ${code} saved` })).toBeVisible();
  await page.getByTestId('search').fill(code.toLowerCase());
  const row = page.getByTestId(`machine-${code}`);
  await expect(row).toContainText('EMB — Embroidery');
  await expect(row.getByTestId('stitches-per-minute')).toHaveText('850');
  await expect(row.getByTestId('heads')).toHaveText('6');
  // The table scrolls inside its card; the page itself does not scroll sideways.
  expect(await pageScrollsSideways(page)).toBe(false);

  // Edit its heads.
  await row.getByRole('button', { name: 'Edit' }).click();
  await expect(form.getByRole('heading', { name: 'Edit machine' })).toBeVisible();
  await expect(centre).toHaveValue('EMB');
  await expect(form.getByLabel('Stitches per minute')).toHaveValue('850');
  await form.getByLabel('Heads').fill('12');
  await form.getByRole('button', { name: 'Save machine' }).click();
  await expect(row.getByTestId('heads')).toHaveText('12');
  await expect(row.getByTestId('stitches-per-minute')).toHaveText('850');

  // A speed without heads is refused, naming the heads, and nothing changes.
  await row.getByRole('button', { name: 'Edit' }).click();
  await expect(form.getByLabel('Heads')).toHaveValue('12');
  await form.getByLabel('Heads').fill('');
  await form.getByRole('button', { name: 'Save machine' }).click();
  await expect(form.getByRole('alert')).toHaveText("give an embroidery machine's heads with its speed");
  await expect(page.getByTestId('toast').filter({ hasText: 'check heads' })).toBeVisible();
  await form.getByRole('button', { name: 'Cancel' }).click();
  await expect(form.getByRole('heading', { name: 'New machine' })).toBeVisible();
  await expect(form.getByRole('alert')).toHaveCount(0);
  await expect(row.getByTestId('heads')).toHaveText('12');

  // Archived, it leaves the list, and comes back with "Show archived".
  await row.getByRole('button', { name: 'Archive' }).click();
  await expect(row).toHaveCount(0);
  await page.getByLabel('Show archived').check();
  await expect(row).toHaveClass(/archived/);
  await expect(row.getByRole('button', { name: 'Restore' })).toBeVisible();
});
