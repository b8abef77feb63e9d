import { test, expect } from '@playwright/test';
import { DEMO_PASSWORD, LoginPage, OrderForm, hydrated, pageScrollsSideways } from './pages';

// Needs the master demo data (seeded with the demo flag): the finished style
// TB-30 in sizes S, M, L and colours brown, white, pink, and the customer TOYLAND.

test('enter a sales order with the size × colour grid; totals add up as you type', async ({ page }, info) => {
  await new LoginPage(page).signIn('planner', DEMO_PASSWORD, /\/orders/);
  const form = new OrderForm(page);
  await form.open();
  await form.pickCustomer('TOYLAND');
  await form.dueDate('2026-12-01');
  await page.getByLabel('Customer reference').fill(`PO-${Date.now() % 100000}`);
  await form.addItem('TB-30');

  // Sizes across, colours down; tab goes along the row.
  await expect(form.grid().locator('thead th')).toContainText(['colour \\ size', 'S', 'M', 'L', 'Total']);
  await expect(form.cell('brown', 'S')).toHaveAttribute('inputmode', 'numeric');
  await form.cell('brown', 'S').fill('10');
  await page.keyboard.press('Tab');
  await expect(form.cell('brown', 'M')).toBeFocused();
  await page.keyboard.type('5');
  await form.cell('white', 'M').fill('4');
  await form.cell('pink', 'L').fill('2');

  // Row, column and grand totals follow the typing.
  await expect(form.rowTotal('brown')).toHaveText('15');
  await expect(form.rowTotal('white')).toHaveText('4');
  await expect(form.colTotal('M')).toHaveText('9');
  await expect(form.colTotal('L')).toHaveText('2');
  await expect(form.total()).toHaveText('21');
  await form.cell('pink', 'L').fill('7');
  await expect(form.total()).toHaveText('26');
  await page.getByTestId('unit-price').last().fill('125.00');

  // At 480 px the grid scrolls inside its card; the page never sideways.
  expect(await pageScrollsSideways(page)).toBe(false);
  await page.screenshot({ path: info.outputPath('order-form.png'), fullPage: true });

  await form.save();
  await expect(page).toHaveURL(/\/orders\/\d+$/);
  await expect(page.getByTestId('order-number')).toHaveText(/^SO-\d{4}-\d{4,}$/);
  await expect(page.getByTestId('order-status').first()).toHaveText('Draft');
  await expect(page.getByTestId('grid-view-total')).toHaveText('26');
  await expect(page.getByTestId('order-line')).toHaveCount(4);
  await expect(page.getByTestId('order-total-qty')).toHaveText('26');
  expect(await pageScrollsSideways(page)).toBe(false);

  // Confirm: a spinner while it runs, then each line shows its pinned BOM.
  await page.getByTestId('do-confirm').click();
  await expect(page.getByTestId('order-status').first()).toHaveText('Confirmed');
  for (const bom of await page.getByTestId('line-bom').all()) {
    await expect(bom).not.toHaveText('pinned on confirmation');
  }
  await expect(page.getByTestId('do-start')).toBeVisible();
  await expect(page.getByTestId('do-ship')).toHaveCount(0);
  await page.screenshot({ path: info.outputPath('order-confirmed.png'), fullPage: true });

  // Plan production: one manufacturing order for the style, its sizes ×
  // colours kept, linked back to the sales order.
  await page.getByTestId('plan-production').click();
  const planned = page.getByTestId('planned-mos');
  await expect(planned).toContainText(/MO-\d{4}-\d{4,}/);
  await planned.getByRole('link').first().click();
  await expect(page).toHaveURL(/\/ppic\/orders\/\d+$/);
  await hydrated(page);
  await expect(page.getByTestId('mo-qty-total')).toHaveText('26');
  await expect(page.getByTestId('mo-status').first()).toHaveText('Draft');
  await expect(page.getByRole('link', { name: /^#\d+$/ })).toBeVisible();
});

test('a size the style does not come in cannot be typed; a bad quantity is marked at its cell', async ({ page }) => {
  await new LoginPage(page).signIn('planner', DEMO_PASSWORD, /\/orders/);
  const form = new OrderForm(page);
  await form.open();
  await form.pickCustomer('TOYLAND');
  await form.dueDate('2026-12-01');
  await form.addItem('TB-30');
  await expect(form.grid().getByTestId('cell-brown-XL')).toHaveCount(0);
  await form.cell('brown', 'L').fill('x');
  await expect(form.cell('brown', 'L')).toHaveClass(/bad/);
  await form.cell('brown', 'L').fill('');
  await form.cell('white', 'S').fill('1.5');
  await form.save();
  // Pieces are whole numbers: the server names the cell and the grid marks it.
  await expect(page.getByTestId('form-error')).toContainText('lines[0].cells[3].qty');
  await expect(form.cell('white', 'S')).toHaveClass(/bad/);
  await expect(page).toHaveURL(/\/orders\/new$/);
});

test('the order list filters by status chip and search', async ({ page }) => {
  await new LoginPage(page).signIn('planner', DEMO_PASSWORD, /\/orders/);
  await expect(page.getByRole('heading', { name: 'Sales orders' })).toBeVisible();
  await page.getByTestId('chip-draft').click();
  await expect(page.getByTestId('chip-draft')).toHaveAttribute('aria-pressed', 'true');
  for (const row of await page.getByTestId('order-row').all()) {
    await expect(row.getByTestId('order-status')).toHaveText('Draft');
  }
  expect(await pageScrollsSideways(page)).toBe(false);
});
