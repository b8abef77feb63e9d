import { test, expect, Page } from '@playwright/test';
import { DEMO_PASSWORD, LoginPage, hydrated, pageScrollsSideways } from './pages';

// Needs the demo plant (seeded with the demo flag): the teddy bear TB-30
// (sizes S, M, L × colours brown, white, pink) whose BOM routes it over
// STUFF, FIN and PACK and makes its body BEAR-BODY (CUT, EMB, SEW) as a
// sub-assembly, plus the demo orders, two of them released. Each run (at
// 1280 and at 480 px, against one database) makes its own order.

/** A plant date `days` from today, `YYYY-MM-DD`. */
function dateAhead(days: number): string {
  const d = new Date();
  d.setDate(d.getDate() + days);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

async function signIn(page: Page) {
  await new LoginPage(page).signIn('planner', DEMO_PASSWORD, /\/orders/);
}

/** The list filtered to drafts: its count line once every row is a draft. */
async function draftCountText(page: Page) {
  await page.goto('/ppic/orders');
  await hydrated(page);
  await page.getByTestId('chip-draft').click();
  await expect(page.getByTestId('chip-draft')).toHaveAttribute('aria-pressed', 'true');
  await expect(page.getByTestId('mo-row').getByTestId('mo-status').filter({ hasNotText: 'Draft' })).toHaveCount(0);
  return (await page.getByTestId('mo-count').textContent()) ?? '';
}

test('a planner makes an order by hand, releases it into jobs and a child order, and asks for a promise date', async ({ page }, info) => {
  await signIn(page);
  const due = dateAhead(14);

  // From the list's button to the form.
  await page.goto('/ppic/orders');
  await hydrated(page);
  await expect(page.getByRole('heading', { name: 'Manufacturing orders' })).toBeVisible();
  await expect(page.getByTestId('mo-list')).toBeVisible();
  await page.getByTestId('new-mo').click();
  await expect(page).toHaveURL(/\/ppic\/orders\/new$/);
  await expect(page.getByRole('heading', { name: 'New manufacturing order' })).toBeVisible();

  await page.getByLabel('Item code').fill('TB-30');
  await page.getByLabel('Variant of row 1').fill('size=M,colour=brown');
  await page.getByLabel('Quantity of row 1').fill('12');
  await page.getByLabel('Due date').fill(due);
  await expect(page.getByTestId('mo-form-total')).toHaveText('Total 12');
  expect(await pageScrollsSideways(page)).toBe(false);
  await page.getByRole('button', { name: 'Create order' }).click();

  // The new order, a draft: no jobs yet.
  await expect(page).toHaveURL(/\/ppic\/orders\/\d+$/);
  const id = page.url().match(/\/ppic\/orders\/(\d+)$/)![1];
  await expect(page.getByTestId('mo-number')).toHaveText(/^MO-\d{4}-\d{4,}$/);
  const number = (await page.getByTestId('mo-number').textContent())!.trim();
  await expect(page.getByTestId('mo-status').first()).toHaveText('Draft');
  await expect(page.getByTestId('mo-item-code')).toHaveText('TB-30');
  await expect(page.getByTestId('mo-due-date')).toHaveText(due);
  await expect(page.getByTestId('variant-row')).toHaveCount(1);
  await expect(page.getByTestId('variant-row')).toContainText('colour=brown;size=M');
  await expect(page.getByTestId('variant-row')).toContainText('12');
  await expect(page.getByTestId('job-row')).toHaveCount(0);
  await expect(page.getByTestId('release-mo')).toBeVisible();

  // It is in the list, found by its number, as a draft with nothing made.
  await page.goto('/ppic/orders');
  await hydrated(page);
  await page.getByTestId('mo-search').fill(number.toLowerCase());
  const row = page.locator(`[data-testid="mo-row"][data-id="${id}"]`);
  await expect(row).toHaveCount(1);
  await expect(page.getByTestId('mo-row')).toHaveCount(1);
  await expect(row).toContainText('TB-30');
  await expect(row.getByTestId('mo-status')).toHaveText('Draft');
  await expect(row.getByTestId('mo-progress')).toContainText('0 / 12');
  expect(await pageScrollsSideways(page)).toBe(false);
  await row.getByRole('link', { name: number }).click();
  await expect(page).toHaveURL(new RegExp(`/ppic/orders/${id}$`));

  // Release: three jobs (STUFF, FIN, PACK) planned, the body as a child order, materials listed.
  await page.getByTestId('release-mo').click();
  await expect(page.getByTestId('mo-status').first()).toHaveText('Released');
  await expect(page.getByTestId('release-mo')).toHaveCount(0);
  const jobs = page.getByTestId('job-row');
  await expect(jobs).toHaveCount(3);
  await expect(jobs.nth(0)).toContainText('STUFF');
  await expect(jobs.nth(1)).toContainText('FIN');
  await expect(jobs.nth(2)).toContainText('PACK');
  await expect(page.getByTestId('mo-planned-end')).not.toHaveText('—');
  const child = page.getByTestId('child-mo');
  await expect(child).toHaveCount(1);
  await expect(child).toContainText('BEAR-BODY');
  await expect(child.getByRole('link')).toHaveAttribute('href', /\/ppic\/orders\/\d+$/);
  await expect(page.getByTestId('material-row').filter({ hasText: 'FIBRE-FILL' })).toHaveCount(1);
  await expect(page.getByTestId('mo-kanban')).toHaveAttribute('href', `/ppic/kanban?order=${id}`);
  expect(await pageScrollsSideways(page)).toBe(false);
  await page.screenshot({ path: info.outputPath('mo-released.png'), fullPage: true });

  // What if 50 more were wanted? The order's variant is offered; a date and the job count come back.
  await expect(page.getByTestId('promise-variant')).toHaveValue('colour=brown;size=M');
  await page.getByTestId('promise-qty').fill('50');
  await page.getByRole('button', { name: 'Work it out' }).click();
  const promise = page.getByTestId('promise-result');
  await expect(promise).toContainText('50 × TB-30');
  await expect(promise).toContainText('could be finished by');
  await expect(promise).toContainText(/\d{4}/);
  await expect(promise).toContainText('(6 jobs)');

  // The child order names its parent.
  await child.getByRole('link').click();
  await expect(page.getByTestId('mo-item-code')).toHaveText('BEAR-BODY');
  await expect(page.getByTestId('mo-parent')).toContainText(number);
  await expect(page.getByTestId('job-row')).toHaveCount(3);
  await expect(page.getByTestId('promise-result')).toHaveCount(0);
});

test('a quantity of 0 is marked at its own row and creates nothing', async ({ page }) => {
  await signIn(page);
  const before = await draftCountText(page);

  await page.goto('/ppic/orders/new');
  await hydrated(page);
  await page.getByLabel('Item code').fill('TB-30');
  await page.getByLabel('Variant of row 1').fill('size=S;colour=white');
  await page.getByLabel('Quantity of row 1').fill('5');
  await page.getByTestId('add-variant').click();
  await page.getByLabel('Variant of row 2').fill('size=M,colour=brown');
  await page.getByLabel('Quantity of row 2').fill('0');
  await page.getByLabel('Due date').fill(dateAhead(14));
  await page.getByRole('button', { name: 'Create order' }).click();

  // The server names variants[1].qty: the error sits at row 2's quantity, not at row 1.
  const rows = page.getByTestId('mo-variant-row');
  await expect(rows.nth(1).locator('.field-error')).toHaveText('must be more than zero');
  await expect(page.getByLabel('Quantity of row 2')).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByLabel('Quantity of row 1')).toHaveAttribute('aria-invalid', 'false');
  await expect(rows.nth(0).locator('.field-error')).toHaveCount(0);
  await expect(page.getByTestId('form-error')).toHaveCount(0);
  await expect(page).toHaveURL(/\/ppic\/orders\/new$/);
  expect(await pageScrollsSideways(page)).toBe(false);

  // Nothing was written: the drafts are as many as before.
  expect(await draftCountText(page)).toBe(before);
});

test('plan analytics: orders by status, planned against actual, load against capacity with the bottleneck', async ({ page }, info) => {
  await signIn(page);
  await page.goto('/ppic/analytics');
  await hydrated(page);
  await expect(page.getByRole('heading', { name: 'Plan analytics' })).toBeVisible();

  // Orders by status: a bar per status; the demo plant has released orders.
  const status = page.getByTestId('chart-status');
  await expect(status).toBeVisible();
  await expect(status.getByTestId('status-bar')).toHaveCount(6);
  const released = status.locator('[data-testid="status-bar"][data-status="released"]');
  await expect(released).toHaveCount(1);
  await expect(released).not.toHaveAttribute('data-count', '0');

  // Planned against actual: the period can be changed.
  const perf = page.getByTestId('chart-performance');
  await expect(perf).toBeVisible();
  await expect(perf.getByRole('heading', { name: 'By work centre' })).toBeVisible();
  await perf.getByTestId('perf-days').selectOption('7');
  await expect(perf).toContainText('in the last 7 days');

  // Load against capacity: one row per work centre, one cell per day; the bottleneck named.
  const load = page.getByTestId('chart-load');
  await expect(load).toBeVisible();
  const rows = load.getByTestId('load-row');
  await expect(rows.first()).toBeVisible();
  const centres = await rows.count();
  expect(centres).toBeGreaterThan(0);
  await expect(load.getByTestId('load-cell')).toHaveCount(centres * 14);
  const bottleneck = page.getByTestId('bottleneck');
  await expect(bottleneck).toContainText('Bottleneck:');
  const code = await bottleneck.getAttribute('data-code');
  expect(code).toBeTruthy();
  await expect(load.locator(`[data-testid="load-row"][data-code="${code}"]`)).toHaveCount(1);
  await expect(page.getByTestId('bottleneck-code')).toHaveText(code!);
  await expect(page.getByTestId('bottleneck-overload')).toHaveText(/(exceeds capacity by \d+\.\d hours|No single day is beyond its capacity)/);

  // Seven days: redrawn in the browser, tooltips still SVG titles.
  await load.getByTestId('load-days').selectOption('7');
  await expect(load.getByTestId('load-cell')).toHaveCount(centres * 7);
  const title = load.getByTestId('load-cell').first().locator('title');
  await expect(title).toHaveCount(1);
  await expect(title).toHaveText(/%\)$/);
  expect(await title.evaluate((t) => t.namespaceURI)).toBe('http://www.w3.org/2000/svg');
  expect(await pageScrollsSideways(page)).toBe(false);
  await page.screenshot({ path: info.outputPath('plan-analytics.png'), fullPage: true });
});

test('the drafts on the list are released together', async ({ page, request }, info) => {
  // Two drafts of our own (through the REST API), whatever the run left.
  const login = await request.post('/api/v1/auth/login', { data: { username: 'planner', password: DEMO_PASSWORD } });
  expect(login.status()).toBe(200);
  const headers = { Authorization: `Bearer ${(await login.json()).token}` };
  const made: number[] = [];
  for (const qty of ['6', '8']) {
    const res = await request.post('/api/v1/ppic/orders', {
      headers,
      data: { item: 'TB-30', variants: [{ variant: 'colour=brown;size=M', qty }], due_date: '2027-10-29' },
    });
    expect(res.status(), await res.text()).toBe(201);
    made.push((await res.json()).order.id);
  }

  await signIn(page);
  await page.goto('/ppic/orders');
  await hydrated(page);
  await page.getByTestId('chip-draft').click();
  await expect(page.getByTestId('chip-draft')).toHaveAttribute('aria-pressed', 'true');
  const rows = page.getByTestId('mo-row');
  await expect(rows.first()).toBeVisible();
  await expect(rows.getByTestId('mo-status').filter({ hasNotText: 'Draft' })).toHaveCount(0);
  const n = await rows.count();
  expect(n).toBeGreaterThanOrEqual(2);
  const button = page.getByTestId('release-shown');
  await expect(button).toHaveText(`Release these ${n} drafts`);
  page.once('dialog', (d) => d.accept());
  await button.click();
  await expect(page.getByTestId('toast').filter({ hasText: `${n} order(s) released` })).toBeVisible();
  await expect(page.getByTestId('mo-count')).toHaveText('No orders match.');
  await expect(button).toHaveCount(0);
  for (const id of made) {
    const res = await request.get(`/api/v1/ppic/orders/${id}`, { headers });
    const d = await res.json();
    expect(d.order.status).toBe('released');
    expect(d.jobs.length).toBeGreaterThan(0);
    expect(d.children.length).toBe(1);
  }
  expect(await pageScrollsSideways(page)).toBe(false);
  await page.screenshot({ path: info.outputPath('released-together.png'), fullPage: true });
});
