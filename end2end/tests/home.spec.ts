import { expect } from '@playwright/test';
import { open, test } from './helpers';

// The home page: the three steps, the live figures, the latest public
// complaint records (each a link to its record), and the way in: signed
// out, "file a complaint" goes through the login and lands on the form.

test('signed out, filing a complaint goes through the login to the form', async ({ page }, info) => {
  await open(page, info, '/');
  await expect(page.locator('ol.steps > li')).toHaveCount(3);
  for (const id of ['#figure-resolved', '#figure-median-days', '#figure-fund-paid']) {
    await expect(page.locator(id)).not.toBeEmpty();
  }
  await expect(page.locator('#figure-fund-paid')).toHaveText(/^¥\d+\.\d\d$/);
  // The demo data has public records: the newest are listed, each a link.
  const first = page.locator('#home-latest-list a').first();
  const href = await first.getAttribute('href');
  expect(href).toMatch(/^\/complaints\/\d+$/);
  await first.click();
  await expect(page).toHaveURL(new RegExp(`${href}$`));
  await expect(page.locator('#complaint-record')).toBeVisible();

  await open(page, info, '/');
  await page.click('#home-file');
  await expect(page).toHaveURL(/\/login\?next=%2Fcases%2Fnew$/);
  if (info.project.name === 'js') await page.waitForSelector('body[data-hydrated="1"]');
  await page.fill('#login-form input[name=email]', 'consumer@demo.gongdao.cn');
  await page.fill('#login-form input[name=password]', 'gongdao-demo');
  await page.click('#login-form button[type=submit]');
  await expect(page).toHaveURL(/\/cases\/new$/);
  // The first step: the merchant, found by name and chosen from the hits.
  await page.fill('#merchant-pick-q', '华奈');
  const found = page.waitForURL(/\/cases\/new\?q=/);
  await page.click('#merchant-pick button[type=submit]');
  await found;
  if (info.project.name === 'js') await page.waitForSelector('body[data-hydrated="1"]');
  const hit = page.locator('#merchant-pick-results li').first();
  await expect(hit.locator('strong')).toContainText('华奈');
  await hit.locator('a.pick').click();
  await expect(page).toHaveURL(/\/cases\/new\?merchant=\d+&name=/);
  await expect(page.locator('#merchant-name strong')).toContainText('华奈');
  await expect(page.locator('#file-form')).toBeVisible();
  await expect(page.locator('#file-form input[name=merchant]')).toHaveAttribute('type', 'hidden');
  // Signed in, the link goes straight there.
  await open(page, info, '/');
  await expect(page.locator('#home-file')).toHaveAttribute('href', '/cases/new');
});
