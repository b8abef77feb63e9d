import { test, expect, Page, APIRequestContext } from '@playwright/test';
import { DEMO_PASSWORD, hydrated, pageScrollsSideways } from './pages';

// Master data comes through the master-data REST API (module master; the
// maintenance role may create it). Codes are unique per run.
const run = `${Date.now() % 100000}`;
const code = (what: string) => `${what}-${run}`;

async function token(request: APIRequestContext, username: string) {
  const res = await request.post('/api/v1/auth/login', { data: { username, password: DEMO_PASSWORD } });
  expect(res.status()).toBe(200);
  return (await res.json()).token as string;
}

async function seedMaster(request: APIRequestContext) {
  const t = await token(request, 'maintenance');
  const post = async (path: string, data: object) => {
    const res = await request.post(`/api/v1/master/${path}`, { data, headers: { Authorization: `Bearer ${t}` } });
    const body = await res.text();
    // 201 created; a unit the demo plant already has is refused on its code.
    const exists = res.status() === 422 && body.includes('exists');
    expect(res.status() === 201 || exists, `${path}: ${res.status()} ${body}`).toBe(true);
  };
  await post('units', { code: 'EA', name: 'Each' });
  await post('embroidery-designs', { code: code('FACE'), name: 'Bear face', stitch_count: 6000, colour_changes: 2, thread_colours: ['black'], hoop: 'H-10X10' });
  await post('work-centres', {
    code: code('EMB'), name: 'Embroidery', kind: 'embroidery', parallel_capacity: 1, labour_rate_minor_per_hour: 1200,
    calendar: { minutes_per_weekday: [480, 480, 480, 480, 480, 0, 0], day_start_minute: 420 },
  });
  await post('machines', { code: code('EMB-M'), name: 'Embroidery machine', work_centre: code('EMB'), stitches_per_minute: 600, heads: 4 });
  const colours = [{ name: 'colour', values: ['brown', 'white'] }];
  await post('items', { code: code('BEAR'), name: 'Bear', kind: 'finished', unit: 'EA', standard_cost_minor: 0, attributes: colours });
  await post('items', { code: code('HEAD'), name: 'Bear head', kind: 'component', unit: 'EA', standard_cost_minor: 0, attributes: [] });
  await post('items', { code: code('FUR'), name: 'Fur', kind: 'raw', unit: 'EA', standard_cost_minor: 250, attributes: colours });
  await post('items', { code: code('EYE'), name: 'Eye', kind: 'raw', unit: 'EA', standard_cost_minor: 10, attributes: [] });
}

/** Console errors the page logs (a CSP refusal, a hydration panic). */
function consoleErrors(page: Page) {
  const errors: string[] = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text().slice(0, 200)); });
  page.on('pageerror', (e) => errors.push(e.message.slice(0, 200)));
  return errors;
}

async function signInAsWarehouse(page: Page) {
  await page.goto('/login');
  await hydrated(page);
  await page.getByLabel('Username').fill('warehouse');
  await page.getByLabel('Password').fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(/\/warehouse\/bom/);
  await hydrated(page);
}

async function startBom(page: Page, item: string) {
  await page.goto(`/warehouse/bom/new?item=${item}`);
  await hydrated(page);
  await expect(page.getByTestId('bom-title')).toContainText(item);
}

async function addLine(page: Page, component: string, qty: string) {
  await page.getByTestId('add-line').click();
  const row = page.getByTestId('bom-line').last();
  await row.getByTestId('line-component').fill(component);
  await row.getByTestId('line-component').blur();
  await row.getByTestId('line-qty').fill(qty);
  await row.getByTestId('line-qty').blur();
  return row;
}

async function save(page: Page) {
  await page.getByTestId('bom-save').click();
}

test('build a two-level BOM with a variant rule and an embroidery step, then see a cycle refused', async ({ page, request }, info) => {
  await seedMaster(request);
  const errors = consoleErrors(page);
  await signInAsWarehouse(page);

  // Level 2: the head, two eyes and an embroidered face.
  await startBom(page, code('HEAD'));
  await addLine(page, code('EYE'), '2');
  await page.getByTestId('add-op').click();
  const op = page.getByTestId('bom-op').last();
  await op.getByTestId('op-wc').fill(code('EMB'));
  await op.getByTestId('op-wc').blur();
  await op.getByTestId('op-run-kind').selectOption('embroidery');
  await op.getByTestId('op-run').fill(code('FACE'));
  await op.getByTestId('op-run').blur();
  await save(page);
  await expect(page).toHaveURL(/\/warehouse\/bom\/\d+$/);
  await expect(page.getByTestId('toast').filter({ hasText: 'Saved' })).toBeVisible();
  const headUrl = page.url();

  // Level 1: the bear, its fur following the bear's colour, and the head.
  await startBom(page, code('BEAR'));
  const fur = await addLine(page, code('FUR'), '0.5');
  await fur.getByTestId('add-rule').click(); // colour follows colour
  await addLine(page, code('HEAD'), '1');
  await save(page);
  await expect(page).toHaveURL(/\/warehouse\/bom\/\d+$/);
  await expect(page.getByTestId('attr-rule')).toHaveCount(1);
  // The head expands read-only below its line, with a link to its own BOM.
  await page.getByTestId('line-expand').first().click();
  await expect(page.getByTestId('bom-subtree')).toContainText(code('EYE'));
  // The cost roll-up is beside the tree, for a chosen variant.
  await page.getByTestId('cost-variant').selectOption('colour=white');
  await expect(page.getByTestId('cost-total')).not.toHaveText('');
  await page.screenshot({ path: info.outputPath('bom-editor.png'), fullPage: true });
  expect(await pageScrollsSideways(page)).toBe(false);

  // The head now uses the bear: BEAR → HEAD → BEAR is refused, at its line.
  await page.goto(headUrl);
  await hydrated(page);
  await addLine(page, code('BEAR'), '1');
  await save(page);
  const issue = page.getByTestId('bom-issue').filter({ hasText: '→' });
  await expect(issue).toContainText(`${code('HEAD')} → ${code('BEAR')} → ${code('HEAD')}`);
  await expect(issue).toHaveAttribute('data-field', 'lines[1].component');
  await expect(page.getByTestId('toast').filter({ hasText: 'Not saved' })).toBeVisible();
  // Nothing was saved: reloading shows one line.
  await page.reload();
  await hydrated(page);
  await expect(page.getByTestId('bom-line')).toHaveCount(1);
  expect(errors).toEqual([]);
});

test('the BOM list finds a style by a component and operations reorder with the buttons', async ({ page, request }) => {
  await seedMaster(request);
  // Its own BOM (a failed test restarts the worker with new codes): the head, two eyes, one step.
  const t = await token(request, 'warehouse');
  const res = await request.post('/api/v1/warehouse/bom', {
    headers: { Authorization: `Bearer ${t}` },
    data: {
      item: code('HEAD'), version: 1,
      lines: [{ line_no: 1, component: code('EYE'), qty: { kind: 'fixed', qty: '2' } }],
      operations: [{ seq: 10, work_centre: code('EMB'), setup_minutes: '5', run: { kind: 'per_unit', minutes: '1' } }],
    },
  });
  // Created here, or already made by the test before (same codes in the same worker).
  expect([201, 409, 422], await res.text()).toContain(res.status());
  await signInAsWarehouse(page);
  await page.goto('/warehouse/bom');
  await hydrated(page);
  await page.getByTestId('bom-search').fill(code('EYE'));
  await expect(page.getByTestId('bom-row').first()).toBeVisible();
  await page.getByTestId('bom-row').first().getByRole('link').click();
  await hydrated(page);
  await page.getByTestId('add-op').click();
  await expect(page.getByTestId('bom-op')).toHaveCount(2);
  const last = page.getByTestId('bom-op').last();
  await last.getByTestId('op-wc').fill('CUT');
  await last.getByTestId('op-wc').blur();
  await last.getByTestId('op-up').click();
  await expect(page.getByTestId('bom-op').first().getByTestId('op-wc')).toHaveValue('CUT');
  // Dragging the handle moves it back below the other step.
  await page.getByTestId('bom-op').first().getByTestId('op-drag').dragTo(page.getByTestId('bom-op').last());
  await expect(page.getByTestId('bom-op').last().getByTestId('op-wc')).toHaveValue('CUT');
  await expect(page.getByTestId('bom-op').first()).toHaveAttribute('data-seq', '10');
  // The tables scroll inside their cards at 480 px; the page itself does not.
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(1);
});
