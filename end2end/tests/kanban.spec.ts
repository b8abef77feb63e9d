import { test, expect, Page } from '@playwright/test';
import { baseURL } from '../playwright.config';
import { DEMO_PASSWORD, LoginPage, hydrated, pageScrollsSideways } from './pages';

// Needs the demo plant (SHOPFLOOR_DEMO=true): released TB-30 orders whose jobs
// (CUT, EMB, SEW, STUFF, FIN, PACK) start in Draft. Both projects (1280 and
// 480 px) run against one database, one after the other, so every test takes
// whatever card is first in the Draft column when it starts.

const STATES = ['draft', 'approved', 'in_progress', 'on_hold', 'completed', 'cancelled'];

class KanbanBoard {
  constructor(readonly page: Page) {}

  async open() {
    await this.page.goto('/ppic/kanban');
    await hydrated(this.page);
    await expect(this.page.getByTestId('kanban-column')).toHaveCount(STATES.length);
  }

  column(status: string) {
    return this.page.locator(`[data-testid="kanban-column"][data-status="${status}"]`);
  }

  card(id: string) {
    return this.page.locator(`[data-testid="kanban-card"][data-id="${id}"]`);
  }

  count(status: string) {
    return this.column(status).getByTestId('column-count');
  }

  announce() {
    return this.page.getByTestId('kanban-announce');
  }

  async firstDraft(): Promise<string> {
    const first = this.column('draft').getByTestId('kanban-card').first();
    await expect(first).toBeAttached();
    const id = await first.getAttribute('data-id');
    expect(id).toMatch(/^\d+$/);
    return id!;
  }

  /** The card is on the board once, in the column of `status`. */
  async expectIn(id: string, status: string, timeout?: number) {
    await expect(this.column(status).locator(`[data-testid="kanban-card"][data-id="${id}"]`)).toHaveCount(1, { timeout });
    await expect(this.card(id)).toHaveCount(1);
    await expect(this.card(id)).toHaveAttribute('data-status', status);
  }

  /** Moved at once, then confirmed: the server answered and the card stayed. */
  async settled(id: string, status: string) {
    await this.expectIn(id, status);
    await expect(this.card(id)).not.toHaveAttribute('aria-busy', 'true');
    await this.expectIn(id, status);
    await expect(this.card(id).getByTestId('card-refused')).toHaveCount(0);
  }

  /** Presses the card's handle, drags it over the column `to` (which lights up) and lets go. */
  async drag(id: string, to: string) {
    const page = this.page;
    const handle = this.card(id).getByTestId('card-handle');
    await handle.scrollIntoViewIfNeeded();
    const h = (await handle.boundingBox())!;
    const [x, y] = [h.x + h.width / 2, h.y + h.height / 2];
    await page.mouse.move(x, y);
    await page.mouse.down();
    // Past the few pixels that tell a drag from a tap.
    await page.mouse.move(x + 12, y + 12, { steps: 3 });
    await expect(page.getByTestId('drag-ghost')).toBeVisible();
    await expect(this.card(id)).toHaveClass(/dragging/);
    const target = await this.pointOver(to, y);
    await page.mouse.move(target.x, target.y, { steps: 6 });
    await expect(this.column(to)).toHaveClass(/drop-over/);
    await page.mouse.up();
    await expect(page.getByTestId('drag-ghost')).toHaveCount(0);
  }

  /** A point over column `to`, inside the strip and clear of its edges. At
   * 480 px the columns scroll sideways: the pointer rests at the strip's
   * edge (within 48 px, it scrolls) until the column has come into view. */
  private async pointOver(to: string, y: number) {
    const page = this.page;
    const strip = (await page.getByTestId('kanban-board').boundingBox())!;
    const clear = 64;
    for (let i = 0; i < 100; i++) {
      const c = (await this.column(to).boundingBox())!;
      const left = Math.max(c.x + 10, strip.x + clear);
      const right = Math.min(c.x + c.width - 10, strip.x + strip.width - clear);
      if (right - left >= 24) {
        return { x: (left + right) / 2, y: Math.min(Math.max(y, c.y + 30), c.y + c.height - 20) };
      }
      const rightwards = c.x + c.width / 2 > strip.x + strip.width / 2;
      await page.mouse.move(rightwards ? strip.x + strip.width - 6 : strip.x + 6, y, { steps: 2 });
      await page.waitForTimeout(100);
    }
    throw new Error(`the ${to} column never came into view`);
  }
}

test('a job goes through its life on the board; a second board shows each move within 2 s', async ({ page, browser }, info) => {
  const use = info.project.use;
  await new LoginPage(page).signIn('planner', DEMO_PASSWORD, /\/orders/);
  const other = await browser.newContext({ baseURL, viewport: use.viewport, hasTouch: use.hasTouch, isMobile: use.isMobile });
  try {
    const watcherPage = await other.newPage();
    await new LoginPage(watcherPage).signIn('supervisor', DEMO_PASSWORD, /\/(ppic\/kanban|maintenance)/);
    const mine = new KanbanBoard(page);
    const theirs = new KanbanBoard(watcherPage);
    await mine.open();
    await theirs.open();

    // Six columns side by side at 1280 px; a strip scrolling inside the page at 480.
    const boxes = await Promise.all(STATES.map((s) => mine.column(s).boundingBox()));
    const width = use.viewport!.width;
    if (width >= 1200) {
      for (const b of boxes) {
        expect(b!.y).toBeCloseTo(boxes[0]!.y, 0);
        expect(b!.x + b!.width).toBeLessThanOrEqual(width);
      }
    } else {
      expect(boxes[0]!.width).toBeGreaterThan(width * 0.7);
      expect(boxes[5]!.x).toBeGreaterThan(width);
    }
    expect(await pageScrollsSideways(page)).toBe(false);

    const id = await mine.firstDraft();
    await theirs.expectIn(id, 'draft');
    const card = mine.card(id);
    await expect(card.getByTestId('card-order')).toHaveText(/\S/);
    await expect(card.getByTestId('card-op')).toHaveText(/^\d+\. \S/);
    await expect(card.getByTestId('card-wc')).toHaveText(/^(CUT|EMB|SEW|STUFF|FIN|PACK)$/);
    await expect(card.getByTestId('card-qty')).toHaveText(/^Qty \S+ · good \S+ · scrap \S+$/);
    // A draft job may be approved or cancelled, nothing else.
    await expect(card.getByTestId('step-approve')).toHaveCount(1);
    await expect(card.getByTestId('step-cancel')).toHaveCount(1);
    await expect(card.getByRole('button')).toHaveCount(2);
    // Each count is its column's total: all its cards when they fit a page of 50, else 50 listed.
    for (const s of ['draft', 'approved']) {
      await expect(theirs.count(s)).toHaveText(/^\d+$/);
      const total = Number(await theirs.count(s).textContent());
      await expect(theirs.column(s).getByTestId('kanban-card')).toHaveCount(Math.min(total, 50));
    }
    const drafts = Number(await theirs.count('draft').textContent());
    const approved = Number(await theirs.count('approved').textContent());

    // Draft → Approved, dragged.
    await mine.drag(id, 'approved');
    await mine.settled(id, 'approved');
    await theirs.expectIn(id, 'approved', 2000);
    await expect(theirs.count('draft')).toHaveText(String(drafts - 1));
    await expect(theirs.count('approved')).toHaveText(String(approved + 1));
    await expect(card.getByTestId('step-start')).toHaveCount(1);

    // Approved → In progress, by keyboard: Enter picks it up, → aims, Enter drops.
    await card.focus();
    await page.keyboard.press('Enter');
    await expect(card).toHaveClass(/lifted/);
    await expect(mine.announce()).toContainText('Picked up');
    await page.keyboard.press('ArrowRight');
    await expect(mine.announce()).toContainText('Over In progress');
    await expect(mine.column('in_progress')).toHaveClass(/drop-over/);
    await page.keyboard.press('Enter');
    await mine.settled(id, 'in_progress');
    await expect(card).toBeFocused();
    await expect(mine.announce()).toContainText('is now In progress');
    await theirs.expectIn(id, 'in_progress', 2000);

    // In progress → On hold → In progress → Completed, dragged.
    for (const to of ['on_hold', 'in_progress', 'completed']) {
      await mine.drag(id, to);
      await mine.settled(id, to);
      await theirs.expectIn(id, to, 2000);
    }
    // Done: nothing left to do with it.
    await expect(card.getByTestId('card-handle')).toHaveCount(0);
    await expect(card.getByRole('button')).toHaveCount(0);
    await expect(theirs.card(id).getByTestId('card-handle')).toHaveCount(0);
    expect(await pageScrollsSideways(page)).toBe(false);
    await page.screenshot({ path: info.outputPath('kanban.png'), fullPage: true });
  } finally {
    await other.close();
  }
});

test('a draft card dropped on Completed goes back to Draft and the toast says why', async ({ page }) => {
  await new LoginPage(page).signIn('planner', DEMO_PASSWORD, /\/orders/);
  const board = new KanbanBoard(page);
  await board.open();
  const id = await board.firstDraft();
  // Hold the server's answer a moment: the card moves at once, then snaps back.
  await page.route('**/sfn/ppic/kanban/drop', async (route) => {
    await new Promise((r) => setTimeout(r, 1500));
    await route.continue();
  });
  await board.drag(id, 'completed');
  await expect(board.card(id)).toHaveAttribute('data-status', 'completed');
  await expect(board.card(id)).toHaveAttribute('aria-busy', 'true');

  await board.expectIn(id, 'draft');
  await expect(board.card(id)).not.toHaveAttribute('aria-busy', 'true');
  await expect(board.column('completed').locator(`[data-id="${id}"]`)).toHaveCount(0);
  const toast = page.getByTestId('toast').filter({ hasText: 'Draft to Completed' });
  await expect(toast).toBeVisible();
  await expect(toast).toContainText('Moving the card');
  await expect(toast).toContainText('may go to: Approved, Cancelled');
  await expect(board.card(id).getByTestId('card-refused')).toContainText('Draft to Completed');
  await expect(board.announce()).toContainText('was not moved');

  // Nothing changed on the server.
  await page.unroute('**/sfn/ppic/kanban/drop');
  await board.open();
  await board.expectIn(id, 'draft');
});

test('a long column lists its first cards, counts them all and shows more on demand', async ({ page, request }) => {
  // Enough TB-30 orders released (through the REST API) for Draft to pass one page of 50.
  const login = await request.post('/api/v1/auth/login', { data: { username: 'planner', password: DEMO_PASSWORD } });
  expect(login.status()).toBe(200);
  const headers = { Authorization: `Bearer ${(await login.json()).token}` };
  const draftTotal = async () => {
    const res = await request.get('/api/v1/ppic/kanban?limit=1', { headers });
    expect(res.status()).toBe(200);
    return ((await res.json()).columns[0].total) as number;
  };
  for (let i = 0; i < 20 && (await draftTotal()) <= 60; i++) {
    const made = await request.post('/api/v1/ppic/orders', {
      headers,
      data: { item: 'TB-30', variants: [{ variant: 'colour=pink;size=L', qty: '5' }], due_date: '2027-09-30' },
    });
    expect(made.status(), await made.text()).toBe(201);
    const id = (await made.json()).order.id;
    const released = await request.post(`/api/v1/ppic/orders/${id}/release`, { headers });
    expect(released.status(), await released.text()).toBe(200);
  }
  const total = await draftTotal();
  expect(total).toBeGreaterThan(60);

  await new LoginPage(page).signIn('planner', DEMO_PASSWORD, /\/orders/);
  const board = new KanbanBoard(page);
  await board.open();
  const draft = board.column('draft');
  await expect(board.count('draft')).toHaveText(String(total));
  await expect(draft.getByTestId('kanban-card')).toHaveCount(50);
  const more = draft.getByTestId('column-more');
  await expect(more).toHaveText(`Show more (${total - 50} not listed)`);
  await expect(page.getByTestId('board-summary')).toContainText(' job(s)');
  await more.click();
  await expect(draft.getByTestId('kanban-card')).toHaveCount(Math.min(total, 150));
  await expect(board.count('draft')).toHaveText(String(total));
  if (total <= 150) await expect(more).toHaveCount(0);
  // The order filter offers the new orders though most of their cards are not listed.
  await expect(page.getByTestId('filter-order').locator('option')).toHaveCount(await orderCount(request, headers) + 1);
});

/** Open orders (released or running): what the board's order filter offers. */
async function orderCount(request: import('@playwright/test').APIRequestContext, headers: Record<string, string>) {
  const res = await request.get('/api/v1/ppic/kanban?limit=1', { headers });
  return ((await res.json()).orders as unknown[]).length;
}
