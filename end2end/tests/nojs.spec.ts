import { test, expect } from '@playwright/test';

test.describe('without JavaScript', () => {
  test.use({ javaScriptEnabled: false });

  test('sign-in works and the list is server-rendered with its clocks', async ({ page }) => {
    await page.goto('/maintenance');
    await expect(page).toHaveURL(/\/login\?next=/);
    await page.getByLabel('Username').fill('supervisor');
    await page.getByLabel('Password').fill('wrong-password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.locator('.error-box')).toContainText('username or password is wrong');
    await page.getByLabel('Username').fill('supervisor');
    await page.getByLabel('Password').fill('shopfloor-demo');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page).toHaveURL(/\/maintenance$/);
    await expect(page.getByTestId('request-row').filter({ hasText: 'Head 4 thread break sensor faulty' })).toBeVisible();
    await expect(page.getByTestId('countdown-response').first()).toHaveText(/left|overdue|met/);
  });
});
