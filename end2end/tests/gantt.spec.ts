import { test, expect, Locator, Page } from '@playwright/test';
import { DEMO_PASSWORD, LoginPage, hydrated } from './pages';

// The demo plant releases two TB-30 orders at start: per order the sewn body
// (CUT → EMB → SEW) and the bear (STUFF → FIN → PACK), planned from the
// server's start on calendars open 07:00–15:00 plant time, Monday to Friday.

const DAY = 86_400_000;
const HOUR = 3_600_000;

async function openGantt(page: Page) {
  await new LoginPage(page).signIn('planner', DEMO_PASSWORD, /\/orders/);
  await page.goto('/ppic/gantt');
  await hydrated(page);
  await page.getByTestId('zoom-month').click();
  await expect(page.getByTestId('gantt')).toHaveAttribute('data-zoom', 'month');
  await expect(page.getByTestId('gantt-bar').first()).toBeVisible();
}

/** The chart's scale, as it draws it. */
async function scale(page: Page) {
  const svg = page.locator('svg.gantt-svg');
  return {
    from: Number(await svg.getAttribute('data-from')),
    pxPerMs: Number(await svg.getAttribute('data-px-per-ms')),
    offsetMin: Number(await svg.getAttribute('data-offset')),
  };
}

/** Presses on a bar's left end and lets go `dx` pixels further right. */
async function drag(page: Page, bar: Locator, dx: number) {
  await bar.scrollIntoViewIfNeeded();
  const box = (await bar.locator('rect').boundingBox())!;
  const [x, y] = [box.x + 2, box.y + box.height / 2];
  await page.mouse.move(x, y);
  await page.mouse.down();
  await page.mouse.move(x + dx / 2, y, { steps: 5 });
  await page.mouse.move(x + dx, y, { steps: 5 });
  await page.mouse.up();
}

test('the plan as a Gantt chart; a drag later is accepted, one before its predecessor is refused', async ({ page }, info) => {
  await openGantt(page);
  await expect(page.getByTestId('gantt-today')).toHaveCount(1);
  for (const code of ['CUT', 'EMB', 'SEW', 'STUFF', 'FIN', 'PACK']) {
    await expect(page.locator(`[data-testid="gantt-bar"][data-lane="${code}"]`).first()).toBeAttached();
  }
  expect(await page.getByTestId('gantt-dep').count()).toBeGreaterThan(0);
  await page.screenshot({ path: info.outputPath('gantt.png'), fullPage: true });

  // Accepted: the latest packing job (nothing waits for it) to 10:00 plant
  // time on a Monday to Thursday at least two days after it, where packing
  // is open and nothing else is planned yet.
  const { from, pxPerMs, offsetMin } = await scale(page);
  const packing = page.locator('[data-testid="gantt-bar"][data-lane="PACK"].movable');
  const starts = await packing.evaluateAll((els) => els.map((e) => e.getAttribute('data-start')!));
  const latest = starts.reduce((a, b) => (Date.parse(a) > Date.parse(b) ? a : b));
  const bar = page.locator(`[data-testid="gantt-bar"][data-lane="PACK"][data-start="${latest}"]`).first();
  const id = await bar.getAttribute('data-id');
  const start = Date.parse(latest);
  const off = offsetMin * 60_000;
  let day = Math.floor((start + off) / DAY) + 2;
  // 1970-01-01 was a Thursday: (day + 3) % 7 is 0 on Mondays.
  while ((day + 3) % 7 > 3) day += 1;
  const target = day * DAY + 10 * HOUR - off;
  await drag(page, bar, (target - start) * pxPerMs);
  const moved = page.locator(`[data-testid="gantt-bar"][data-id="${id}"]`);
  await expect(page.getByTestId('gantt-message')).toContainText('now starts');
  await expect(moved).toHaveAttribute('data-start', new Date(target).toISOString());
  await expect(moved).toHaveClass(/pinned/);
  const answerMs = Number(await page.getByTestId('gantt').getAttribute('data-last-move-ms'));
  console.log(`gantt drag answered in ${answerMs} ms (${info.project.name})`);
  expect(target).toBeGreaterThan(from);

  // Refused: a finishing job dragged two days earlier, before the stuffing
  // it waits for (and before now): it snaps back with the reason.
  const fin = page.locator('[data-testid="gantt-bar"][data-lane="FIN"].movable').first();
  const finId = await fin.getAttribute('data-id');
  const finStart = await fin.getAttribute('data-start');
  await drag(page, fin, -2 * DAY * pxPerMs);
  await expect(page.getByTestId('gantt-message')).toHaveClass(/error-box/);
  await expect(page.getByTestId('gantt-message')).toContainText(/starts before/);
  await expect(page.locator(`[data-testid="gantt-bar"][data-id="${finId}"]`)).toHaveAttribute('data-start', finStart!);
  await expect(page.getByTestId('gantt-ghost')).toHaveCount(0);
  await page.screenshot({ path: info.outputPath('gantt-refused.png'), fullPage: true });

  // The pin lifted: the plan decides its time again (it goes back earlier).
  // Last, as the chart is read afresh after it.
  await moved.focus();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('gantt-details')).toHaveAttribute('data-id', id!);
  await page.getByTestId('unpin').click();
  await expect(page.getByTestId('gantt-message')).toContainText('planned again');
  await expect(moved).not.toHaveClass(/pinned/);
  expect(Date.parse((await moved.getAttribute('data-start'))!)).toBeLessThan(target);
});

test('a job moved by typing; the chart follows the zoom', async ({ page }) => {
  await openGantt(page);
  for (const z of ['day', 'week', 'month']) {
    await page.getByTestId(`zoom-${z}`).click();
    await expect(page.getByTestId('gantt')).toHaveAttribute('data-zoom', z);
  }
  const bar = page.locator('[data-testid="gantt-bar"][data-lane="STUFF"].movable').first();
  const id = await bar.getAttribute('data-id');
  await bar.focus();
  await page.keyboard.press('Enter');
  const details = page.getByTestId('gantt-details');
  await expect(details).toHaveAttribute('data-id', id!);
  // Before now: refused, the reason shown, nothing moved.
  await page.getByTestId('move-start').fill('2020-01-06T10:00');
  await page.getByTestId('move-submit').click();
  await expect(page.getByTestId('gantt-message')).toContainText(/starts before/);
});

test('the embroidery changeover suggestion under the chart', async ({ page }, info) => {
  await openGantt(page);
  const panel = page.getByTestId('changeover');
  await expect(panel).toBeVisible();
  // The demo plant's two released bears each have a nose stitched on EMB.
  const lane = page.getByTestId('changeover-EMB');
  await expect(lane).toBeVisible();
  // (Other tests may have released more by now.)
  await expect(lane.locator('tbody tr').nth(1)).toBeVisible();
  await expect(lane.getByTestId('changeover-saved')).toContainText(/min/);
  await expect(lane.locator('tbody tr').first()).toContainText('NOSE-01');
  await panel.scrollIntoViewIfNeeded();
  await page.screenshot({ path: info.outputPath('changeover.png'), fullPage: true });
});
