import { expect, Page, TestInfo } from '@playwright/test';
import { readFileSync } from 'fs';
import { join } from 'path';
import { open, signIn, test } from './helpers';

/** Small real images (16×12 PNGs) and a file that only claims to be one. */
const fixture = (name: string) => readFileSync(join(__dirname, '..', 'fixtures', name));
const receipt = { name: '收货照片.png', mimeType: 'image/png', buffer: fixture('receipt-green.png') };
const damage = { name: '破损细节.png', mimeType: 'image/png', buffer: fixture('damage-red.png') };
const fake = { name: '发票.png', mimeType: 'image/png', buffer: fixture('not-an-image.png') };

const TITLE = '收到的保温杯有裂纹';
const NARRATIVE = '开箱发现杯身有裂纹，附收货照片和破损细节，要求退款。';

async function fillComplaint(page: Page, info: TestInfo) {
  await open(page, info, '/cases/new?merchant=1&name=' + encodeURIComponent('演示商户'));
  await page.fill('#file-form input[name=title]', TITLE);
  await page.fill('#file-form textarea[name=narrative]', NARRATIVE);
  await page.selectOption('#file-form select[name=category]', 'quality');
  await page.fill('#file-form input[name=order_ref]', `FILING-${info.project.name}-${Date.now()}`);
  // The date as people write it in China (parsed in `domain`).
  await page.fill('#file-form input[name=order_date]', '2026年11月20日');
  await page.fill('#file-form input[name=amount_paid]', '89.00');
  await page.fill('#file-form input[name=amount_claimed]', '89');
  await page.selectOption('#file-form select[name=remedy]', 'refund');
}

/** Submits the filing form and waits for the page it leads to. */
async function submit(page: Page, info: TestInfo) {
  await page.click('#file-form button[type=submit]');
  await page.waitForLoadState('load');
  if (info.project.name === 'js') await page.waitForSelector('body[data-hydrated="1"]');
}

test('a consumer files with two evidence images and the case page shows both previews', async ({ page }, info) => {
  await signIn(page, info, 'consumer@demo.gongdao.cn');
  await fillComplaint(page, info);
  await page.setInputFiles('#evidence-files', [receipt, damage]);
  if (info.project.name === 'js') {
    // Hydrated, the chosen images show before anything is sent.
    const chosen = page.locator('#evidence-previews img');
    await expect(chosen).toHaveCount(2);
    await expect(chosen.nth(0)).toHaveAttribute('alt', receipt.name);
    await expect(chosen.nth(1)).toHaveAttribute('alt', damage.name);
  } else {
    await expect(page.locator('#evidence-previews')).toHaveCount(0);
  }
  await submit(page, info);
  await expect(page).toHaveURL(/\/cases\/\d+$/);
  await expect(page.locator('#case-status')).toHaveText('待商户回应');

  // Both files are on the case as thumbnails: loaded (through the
  // authorised evidence route), named by their alt text, each a link.
  const thumbs = page.locator('#evidence li.image img');
  await expect(thumbs).toHaveCount(2);
  for (const [i, file] of [receipt, damage].entries()) {
    const img = thumbs.nth(i);
    await expect(img).toHaveAttribute('alt', file.name);
    await expect.poll(() => img.evaluate((e: HTMLImageElement) => e.complete && e.naturalWidth)).toBe(16);
    await expect(page.locator('#evidence li.image').nth(i)).toContainText(file.name);
  }
  // Keyboard: the thumbnails' links are reachable with Tab.
  const links = page.locator('#evidence li.image a');
  await links.first().focus();
  await expect(links.first()).toBeFocused();
  // The trail records the filing and each file.
  await expect(page.locator('#timeline li[data-kind=evidence]')).toHaveCount(2);
});

test('a bad file type shows the error naming it and keeps what was typed', async ({ page }, info) => {
  await signIn(page, info, 'consumer@demo.gongdao.cn');
  await fillComplaint(page, info);
  await page.setInputFiles('#evidence-files', [receipt, fake]);
  await submit(page, info);

  await expect(page.getByRole('alert')).toContainText('证据“发票.png”：只接受');
  await expect(page).toHaveURL(/\/cases\/new$/);
  await expect(page.locator('#file-form input[name=title]')).toHaveValue(TITLE);
  await expect(page.locator('#file-form textarea[name=narrative]')).toHaveValue(NARRATIVE);
  await expect(page.locator('#file-form input[name=amount_paid]')).toHaveValue('89.00');
  await expect(page.locator('#file-form input[name=order_date]')).toHaveValue('2026年11月20日');
  await expect(page.locator('#file-form select[name=category]')).toHaveValue('quality');

  // Nothing was filed; with the good file alone the same form files.
  await page.setInputFiles('#evidence-files', [receipt]);
  await submit(page, info);
  await expect(page).toHaveURL(/\/cases\/\d+$/);
  await expect(page.locator('#evidence li.image img')).toHaveCount(1);
  await expect(page.locator('#evidence li.image img')).toHaveAttribute('alt', receipt.name);
});
