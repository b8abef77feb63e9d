import { test, expect, APIRequestContext } from '@playwright/test';
import { LoginPage, hydrated, pageScrollsSideways } from './pages';

// The CSV import screen (/import-export), at 1280 and 480 px. The admin may
// import both kinds (items need CREATE and UPDATE on master, BOMs on
// warehouse). Codes are unique per run and per project (both projects share
// one server and database).
const ADMIN_PASSWORD = 'admin-e2e-password';
const unique = (prefix: string) => `${prefix}${Date.now() % 100000}${Math.floor(Math.random() * 90 + 10)}`;

async function adminToken(request: APIRequestContext) {
  const res = await request.post('/api/v1/auth/login', { data: { username: 'admin', password: ADMIN_PASSWORD } });
  expect(res.status()).toBe(200);
  return (await res.json()).token as string;
}

/** Whether an item with exactly this code exists (through the REST API). */
async function itemExists(request: APIRequestContext, token: string, code: string) {
  const res = await request.get(`/api/v1/master/items?q=${encodeURIComponent(code)}`, {
    headers: { Authorization: `Bearer ${token}` },
  });
  expect(res.status()).toBe(200);
  const page = await res.json();
  return (page.rows as { code: string }[]).some((r) => r.code === code);
}

test('import items with a dry run that finds a bad row, then their BOM', async ({ page, request }) => {
  const p = unique('IM');
  const [bear, fur, eye] = [`${p}-BEAR`, `${p}-FUR`, `${p}-EYE`];
  const header = 'code,name,kind,unit,standard_cost_minor,attributes';
  const bad = [
    header,
    `${bear},Imported bear,finished,PCS,1250,size=S|M; colour=brown|white`,
    `${fur},Imported fur,cloth,M,1850,colour=brown|white`,
    `${eye},Imported eye,raw,PCS,8,`,
    '',
  ].join('\n');
  const good = bad.replace(',cloth,', ',raw,');

  await new LoginPage(page).signIn('admin', ADMIN_PASSWORD, /\/admin\/users/);
  await page.goto('/import-export');
  await hydrated(page);
  await expect(page.getByRole('heading', { name: 'Import from CSV' })).toBeVisible();
  await expect(page.getByTestId('kind-items')).toHaveAttribute('aria-pressed', 'true');
  await expect(page.getByTestId('no-permission')).toHaveCount(0);

  // The expected columns and a template to download.
  await page.getByTestId('import-columns').locator('summary').click();
  await expect(page.getByTestId('import-column').first()).toContainText('code');
  await expect(page.getByTestId('import-template')).toContainText('code,name,kind,unit');
  await expect(page.getByTestId('import-template-download')).toHaveAttribute('download', 'items-template.csv');
  await expect(page.getByTestId('import-template-download')).toHaveAttribute('href', /^data:text\/csv/);

  // A picked file is read in the browser into the text.
  await page.getByTestId('import-file').setInputFiles({ name: 'items.csv', mimeType: 'text/csv', buffer: Buffer.from(bad) });
  await expect(page.getByTestId('import-text')).toHaveValue(bad);
  await expect(page.getByTestId('import-size')).toContainText('from items.csv');
  await expect(page.getByTestId('import-commit')).toBeDisabled();

  // The dry run names the bad row and column, and writes nothing.
  await page.getByTestId('import-check').click();
  const report = page.getByTestId('import-report');
  await expect(report).toHaveAttribute('data-outcome', 'problems');
  await expect(report).toHaveAttribute('data-rows', '3');
  await expect(page.getByTestId('import-summary')).toContainText('Nothing was written');
  const problems = page.getByTestId('import-problem');
  await expect(problems).toHaveCount(1);
  await expect(problems.first()).toHaveAttribute('data-row', '3');
  await expect(problems.first()).toHaveAttribute('data-field', 'kind');
  await expect(problems.first()).toContainText('kind');
  await expect(page.getByTestId('import-commit')).toBeDisabled();
  expect(await pageScrollsSideways(page)).toBe(false);
  const token = await adminToken(request);
  expect(await itemExists(request, token, bear)).toBe(false);

  // Fixed: a clean dry run enables Import, which writes the items.
  await page.getByTestId('import-text').fill(good);
  await page.getByTestId('import-check').click();
  await expect(report).toHaveAttribute('data-outcome', 'clean');
  await expect(report).toHaveAttribute('data-created', '3');
  await expect(problems).toHaveCount(0);
  expect(await itemExists(request, token, bear)).toBe(false);
  await expect(page.getByTestId('import-commit')).toBeEnabled();
  await page.getByTestId('import-commit').click();
  await expect(report).toHaveAttribute('data-outcome', 'imported');
  await expect(page.getByTestId('toast').filter({ hasText: 'Imported 3 rows' })).toBeVisible();
  await expect(page.getByTestId('import-commit')).toBeDisabled();
  expect(await itemExists(request, token, bear)).toBe(true);

  // Their BOM: the fur follows the bear's colour, its quantity by size.
  await page.getByTestId('kind-boms').click();
  await expect(page.getByTestId('kind-boms')).toHaveAttribute('aria-pressed', 'true');
  await expect(report).toHaveCount(0);
  const bom = [
    'parent,component,qty_per,scrap_percent,follows',
    `${bear},${fur},size: S=0.2|M=0.3,5,colour`,
    `${bear},${eye},2,,`,
    '',
  ].join('\n');
  await page.getByTestId('import-text').fill(bom);
  await expect(page.getByTestId('import-commit')).toBeDisabled();
  await page.getByTestId('import-check').click();
  await expect(report).toHaveAttribute('data-outcome', 'clean');
  await expect(report).toHaveAttribute('data-created', '1');
  await page.getByTestId('import-commit').click();
  await expect(report).toHaveAttribute('data-outcome', 'imported');
  await expect(page.getByTestId('import-summary')).toContainText('1 BOM created');

  // The items are on the items screen, the BOM on the BOM list.
  await page.goto('/master/items');
  await hydrated(page);
  await page.getByTestId('search').fill(p.toLowerCase());
  await expect(page.getByTestId(`item-${bear}`)).toBeVisible();
  await expect(page.getByTestId(`item-${eye}`)).toBeVisible();
  await page.goto('/warehouse/bom');
  await hydrated(page);
  await page.getByTestId('bom-search').fill(bear.toLowerCase());
  await expect(page.locator(`[data-testid="bom-row"][data-item="${bear}"]`)).toBeVisible();
});

test('an edit after a clean check needs a new check before importing', async ({ page }) => {
  const code = unique('IMX');
  await new LoginPage(page).signIn('admin', ADMIN_PASSWORD, /\/admin\/users/);
  await page.goto('/import-export');
  await hydrated(page);
  const text = `code,name,kind,unit\n${code},Imported thread,raw,M\n`;
  await page.getByTestId('import-text').fill(text);
  await page.getByTestId('import-check').click();
  await expect(page.getByTestId('import-report')).toHaveAttribute('data-outcome', 'clean');
  await expect(page.getByTestId('import-commit')).toBeEnabled();
  await page.getByTestId('import-text').fill(text.replace('Imported thread', 'Imported yarn'));
  await expect(page.getByTestId('import-commit')).toBeDisabled();
  await expect(page.getByTestId('import-hint')).toBeVisible();
  // An empty text is refused before anything is sent.
  await page.getByTestId('import-text').fill('');
  await page.getByTestId('import-check').click();
  await expect(page.getByTestId('import-form').getByRole('alert')).toContainText('pick a CSV file or paste its text');
});
