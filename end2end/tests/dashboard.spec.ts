import { expect } from '@playwright/test';
import { open, signIn, test } from './helpers';

// The regulator's dashboard (/regulator/dashboard): server-drawn SVG charts,
// each with its data table; the filters are a plain GET form, so the URL
// holds them with JavaScript on or off. The admin's /dashboard shows the
// figures at a glance; the regulator's export section offers the three
// exports as plain GET forms to the API.

const REGULATOR = 'regulator@demo.gongdao.cn';
const ADMIN = 'admin@demo.gongdao.cn';
const FUND_ADMIN = 'fund-admin@demo.gongdao.cn';

test('a regulator opens the dashboard, reads the charts and their tables, and filters by category', async ({ page }, info) => {
  await signIn(page, info, REGULATOR);
  // The dashboard links to the full version.
  await expect(page.locator('#dashboard-glance')).toBeVisible();
  await page.locator('#dash-full').click();
  await expect(page).toHaveURL(/\/regulator\/dashboard/);
  if (info.project.name === 'js') await page.waitForSelector('body[data-hydrated="1"]');

  for (const id of ['chart-weekly', 'chart-category', 'chart-province', 'chart-outcome', 'chart-fund']) {
    const chart = page.locator(`#${id}`);
    await expect(chart.locator('svg[role="img"]')).toHaveAttribute('aria-label', /.+/);
    // The numbers beside it, in a table with a caption.
    await expect(chart.locator('table caption')).toHaveCount(1);
  }
  const total = Number(await page.locator('#figure-total').textContent());
  expect(total).toBeGreaterThan(0);
  // The weekly table's counts add up to the total.
  await page.locator('#chart-weekly summary').click();
  const cells = await page.locator('#chart-weekly-table tbody td').allTextContents();
  expect(cells.map(Number).reduce((a, b) => a + b, 0)).toBe(total);
  await expect(page.locator('#top-merchants caption')).toHaveCount(1);

  // Filter by one category: the URL holds it, the figures follow.
  await page.selectOption('#filter-category', 'quality');
  await page.click('#filter-apply');
  await expect(page).toHaveURL(/category=quality/);
  if (info.project.name === 'js') await page.waitForSelector('body[data-hydrated="1"]');
  await expect(page.locator('#filter-category')).toHaveValue('quality');
  const filtered = Number(await page.locator('#figure-total').textContent());
  expect(filtered).toBeLessThanOrEqual(total);

  // A range the wrong way round is named beside its field.
  await open(page, info, '/regulator/dashboard?from=2026-12-01&to=2026-11-01');
  await expect(page.locator('#err-to')).toBeVisible();

  // No horizontal scroll at 375 px.
  await page.setViewportSize({ width: 375, height: 800 });
  await open(page, info, '/regulator/dashboard');
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow).toBeLessThanOrEqual(0);
});

test('the export section offers the case and complaint-record exports as GET forms', async ({ page }, info) => {
  await signIn(page, info, REGULATOR);
  await open(page, info, '/regulator?tab=export');
  await expect(page.locator('#export-cases')).toHaveAttribute('action', '/api/v1/regulator/export/cases');
  await expect(page.locator('#export-cases input[name=reveal_reason]')).toHaveCount(1);
  await expect(page.locator('#export-complaints')).toHaveAttribute('action', '/api/v1/regulator/export/complaints');
  // The download goes through with the session cookie.
  const r = await page.request.get('/api/v1/regulator/export/cases?format=csv');
  expect(r.status()).toBe(200);
  expect((await r.text()).startsWith('id,number,filed_at')).toBe(true);
});

test('the admin dashboard shows the figures at a glance; the fund administrator the fund months', async ({ page }, info) => {
  await signIn(page, info, ADMIN);
  await expect(page.locator('#dashboard-glance #figure-total')).toBeVisible();
  await expect(page.locator('#dashboard-glance #chart-weekly svg[role="img"]')).toBeVisible();

  await page.context().clearCookies();
  await signIn(page, info, FUND_ADMIN);
  await expect(page.locator('#chart-fund svg[role="img"]')).toBeVisible();
  await open(page, info, '/fund/admin');
  await expect(page.locator('#chart-fund table caption')).toHaveCount(1);
});
