import { expect, Page } from '@playwright/test';

export const DEMO_PASSWORD = 'shopfloor-demo';

/** Waits until the WASM app has hydrated, so clicks reach Rust handlers (pages
 * without wasm, the sign-in and reset forms, are marked ready as served). */
export async function hydrated(page: Page) {
  await page.waitForSelector('body[data-hydrated="true"]', { timeout: 20_000 });
}

export class LoginPage {
  constructor(private page: Page) {}

  /** `home`: where the role lands (planners land on /orders). */
  async signIn(username: string, password = DEMO_PASSWORD, home: RegExp = /\/maintenance/) {
    await this.page.goto('/login');
    await hydrated(this.page);
    await this.page.getByLabel('Username').fill(username);
    await this.page.getByLabel('Password').fill(password);
    await this.page.getByRole('button', { name: 'Sign in' }).click();
    await this.page.waitForURL(home);
    await hydrated(this.page);
  }
}

export class MaintenanceList {
  constructor(private page: Page) {}

  rows() {
    return this.page.getByTestId('request-row');
  }

  row(title: string) {
    return this.rows().filter({ hasText: title });
  }

  async open() {
    await this.page.goto('/maintenance');
    await hydrated(this.page);
  }
}

export class NewRequestForm {
  constructor(private page: Page) {}

  async report(opts: { machine: string; priority: string; title: string }) {
    await this.page.getByTestId('new-request').click();
    await expect(this.page.getByRole('heading', { name: 'Report a problem' })).toBeVisible();
    const machine = this.page.getByLabel('Machine');
    await expect(machine.locator('option', { hasText: opts.machine })).toHaveCount(1);
    const value = await machine.locator('option', { hasText: opts.machine }).getAttribute('value');
    await machine.selectOption(value!);
    await this.page.getByLabel('Priority').selectOption(opts.priority);
    await this.page.getByLabel('What is wrong?').fill(opts.title);
    await this.page.getByRole('button', { name: 'Report' }).click();
  }
}

export class RequestDetail {
  constructor(private page: Page) {}

  status() {
    return this.page.getByTestId('status').first();
  }

  responseClock() {
    return this.page.getByTestId('countdown-response').first();
  }

  resolutionClock() {
    return this.page.getByTestId('countdown-resolution').first();
  }

  async act(transition: string) {
    const button = this.page.getByTestId(`do-${transition}`);
    await expect(button).toBeEnabled();
    await button.click();
  }
}

/** The sales order form: customer search, due date, items, the grid. */
export class OrderForm {
  constructor(private page: Page) {}

  async open() {
    await this.page.goto('/orders/new');
    await hydrated(this.page);
    await expect(this.page.getByRole('heading', { name: 'New sales order' })).toBeVisible();
  }

  async pickCustomer(code: string) {
    await this.page.getByTestId('customer-search').fill(code.toLowerCase());
    await this.page.getByTestId('customer-option').filter({ hasText: code }).first().click();
    await expect(this.page.getByTestId('customer-picked')).toContainText(code);
  }

  async dueDate(iso: string) {
    await this.page.getByTestId('due-date').fill(iso);
  }

  async addItem(code: string) {
    await this.page.getByTestId('item-search').fill(code.toLowerCase());
    await this.page.getByTestId('item-option').filter({ hasText: code }).first().click();
  }

  grid() {
    return this.page.getByTestId('grid').last();
  }

  cell(row: string, col: string) {
    return this.grid().getByTestId(`cell-${row}-${col}`);
  }

  rowTotal(row: string) {
    return this.grid().getByTestId(`row-total-${row}`);
  }

  colTotal(col: string) {
    return this.grid().getByTestId(`col-total-${col}`);
  }

  total() {
    return this.grid().getByTestId('grid-total');
  }

  async save() {
    await this.page.getByRole('button', { name: 'Save order' }).click();
  }
}

/** True when the page itself scrolls sideways (it never should). */
export async function pageScrollsSideways(page: Page) {
  return page.evaluate(() => document.documentElement.scrollWidth > document.documentElement.clientWidth + 1);
}
