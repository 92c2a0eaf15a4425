import { expect, Page, TestInfo } from '@playwright/test';
import { expectStatus, open, signIn, test } from './helpers';

// The public complaint records (/complaints): the demo's closed, published
// case is found, filtered by outcome and read in full; its consumer
// withdraws publication on the case page (the record goes) and gives it
// again (it comes back). Each test leaves the demo as it found it.

const CONSUMER = 'consumer@demo.gongdao.cn';
const TITLE = '苹果味道异常';

/** Opens `path` until `selector` shows (the index is fed within seconds). */
async function openUntil(page: Page, info: TestInfo, path: string, selector: string) {
  for (let i = 0; i < 20; i++) {
    await open(page, info, path);
    if (await page.locator(selector).count()) return;
    await page.waitForTimeout(250);
  }
  await expect(page.locator(selector)).toBeVisible();
}

test('anyone searches, filters and reads the public complaints', async ({ page }, info) => {
  await openUntil(page, info, '/complaints', `#complaint-results li:has-text("${TITLE}")`);
  await expect(page.locator('#nav-complaints')).toBeVisible();
  // Words of the narrative find it; the outcome filter keeps or drops it.
  await page.fill('#complaint-search input[name=q]', '苹果 味道');
  await page.selectOption('#complaint-search select[name=outcome]', 'negotiated');
  await page.click('#complaint-search button[type=submit]');
  await expect(page).toHaveURL(/outcome=negotiated/);
  const item = page.locator(`#complaint-results li:has-text("${TITLE}")`);
  await expect(item).toBeVisible();
  await expect(item.locator('.badge.outcome')).toHaveText('协商和解');
  await page.selectOption('#complaint-search select[name=outcome]', 'decided');
  await page.click('#complaint-search button[type=submit]');
  await expect(page).toHaveURL(/outcome=decided/);
  await expect(page.locator('#complaints-none')).toBeVisible();
  // A facet link filters by category; the record page shows it in full.
  await open(page, info, '/complaints');
  await page.locator('#facet-category a[data-key="quality"]').click();
  await expect(page).toHaveURL(/category=quality/);
  await page.locator(`#complaint-results li:has-text("${TITLE}") a`).first().click();
  await expect(page.locator('#complaint-record h1')).toHaveText(TITLE);
  await expect(page.locator('#complaint-outcome')).toHaveText('协商和解');
  await expect(page.locator('#complaint-narrative')).toContainText('苹果');
  // A bad parameter is named, in Chinese, and the page still renders.
  await open(page, info, '/complaints?from=2026-13-01');
  await expect(page.locator('#complaint-error')).toContainText('YYYY-MM-DD');
});

test('the consumer withdraws publication and gives it again', async ({ page }, info) => {
  await openUntil(page, info, '/complaints', `#complaint-results li:has-text("${TITLE}")`);
  const id = await page.locator(`#complaint-results li:has-text("${TITLE}")`).first().getAttribute('data-complaint');
  await signIn(page, info, CONSUMER);
  await open(page, info, `/cases/${id}`);
  await expect(page.locator('#publication')).toHaveAttribute('data-publish', 'true');
  await expect(page.locator('#public-record-link')).toBeVisible();
  await page.click('#publication-form button[type=submit]');
  await expect(page.locator('#publication')).toHaveAttribute('data-publish', 'false');
  // The withdrawn record is gone: its page says so, with a 404.
  await expectStatus(page, info, `/complaints/${id}`, 404);
  await expect(page.locator('#complaint-error')).toBeVisible();
  await open(page, info, `/cases/${id}`);
  await page.click('#publication-form button[type=submit]');
  await expect(page.locator('#publication')).toHaveAttribute('data-publish', 'true');
  await openUntil(page, info, `/complaints/${id}`, '#complaint-record');
});
