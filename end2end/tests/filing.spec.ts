import { expect, Page, TestInfo } from '@playwright/test';
import { readFileSync } from 'fs';
import { join } from 'path';
import { clickToLoad, discardDraft, open, signIn, submitFiling, test } from './helpers';

/** Small real images (16×12 PNGs) and a file that only claims to be one. */
const fixture = (name: string) => readFileSync(join(__dirname, '..', 'fixtures', name));
const receipt = { name: '收货照片.png', mimeType: 'image/png', buffer: fixture('receipt-green.png') };
const damage = { name: '破损细节.png', mimeType: 'image/png', buffer: fixture('damage-red.png') };
const fake = { name: '发票.png', mimeType: 'image/png', buffer: fixture('not-an-image.png') };

const TITLE = '收到的保温杯有裂纹';
const NARRATIVE = '开箱发现杯身有裂纹，附收货照片和破损细节，要求退款。';

async function fillComplaint(page: Page, info: TestInfo) {
  await discardDraft(page, info);
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

/** The review page shows `files` as thumbnails, loaded from the draft's own route. */
async function expectThumbnails(page: Page, files: { name: string }[]) {
  const thumbs = page.locator('#review-files li.image img');
  await expect(thumbs).toHaveCount(files.length);
  for (const [i, file] of files.entries()) {
    const img = thumbs.nth(i);
    await expect(img).toHaveAttribute('alt', file.name);
    await expect(img).toHaveAttribute('src', /^\/api\/v1\/cases\/filing\/draft\/files\/\d+$/);
    await expect.poll(() => img.evaluate((e: HTMLImageElement) => e.complete && e.naturalWidth)).toBe(16);
  }
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
  // On to the review: everything in plain words, the images as thumbnails.
  await clickToLoad(page, info, '#file-review');
  await expect(page).toHaveURL(/\/cases\/new\/review$/);
  await expect(page.locator('#review-title')).toHaveText(TITLE);
  await expect(page.locator('#review-order-date')).toHaveText('2026年11月20日');
  await expect(page.locator('#review-paid')).toHaveText('¥89.00');
  await expect(page.locator('#review-standing')).toContainText('按时回应率');
  await expectThumbnails(page, [receipt, damage]);
  await clickToLoad(page, info, '#filing-confirm');
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
  await submitFiling(page, info);

  await expect(page.getByRole('alert')).toContainText('证据“发票.png”：只接受');
  await expect(page).toHaveURL(/\/cases\/new$/);
  await expect(page.locator('#file-form input[name=title]')).toHaveValue(TITLE);
  await expect(page.locator('#file-form textarea[name=narrative]')).toHaveValue(NARRATIVE);
  await expect(page.locator('#file-form input[name=amount_paid]')).toHaveValue('89.00');
  await expect(page.locator('#file-form input[name=order_date]')).toHaveValue('2026年11月20日');
  await expect(page.locator('#file-form select[name=category]')).toHaveValue('quality');

  // Nothing was filed; with the good file alone the same form files.
  await expect(page.locator('#draft-files')).toHaveCount(0);
  await page.setInputFiles('#evidence-files', [receipt]);
  await submitFiling(page, info);
  await expect(page).toHaveURL(/\/cases\/\d+$/);
  await expect(page.locator('#evidence li.image img')).toHaveCount(1);
  await expect(page.locator('#evidence li.image img')).toHaveAttribute('alt', receipt.name);
});

test('a draft is saved, left, found again with its files, reviewed and filed', async ({ page }, info) => {
  await signIn(page, info, 'consumer@demo.gongdao.cn');
  await fillComplaint(page, info);
  // Half done (no amount claimed yet): saved as it is, the files with it.
  await page.fill('#file-form input[name=amount_claimed]', '');
  await page.setInputFiles('#evidence-files', [receipt, damage]);
  await clickToLoad(page, info, '#file-save');
  await expect(page.locator('#draft-saved')).toContainText('草稿已保存');
  await expect(page.locator('#draft-files li')).toHaveCount(2);

  // Elsewhere, then back: the form (not the merchant picker), filled in.
  await open(page, info, '/');
  await open(page, info, '/cases/new');
  await expect(page.locator('#draft-notice')).toContainText('您有一份未提交的草稿');
  await expect(page.locator('#merchant-pick')).toHaveCount(0);
  await expect(page.locator('#merchant-standing')).toContainText('信用等级');
  await expect(page.locator('#file-form input[name=title]')).toHaveValue(TITLE);
  await expect(page.locator('#file-form textarea[name=narrative]')).toHaveValue(NARRATIVE);
  await expect(page.locator('#file-form input[name=order_date]')).toHaveValue('2026年11月20日');
  await expect(page.locator('#file-form input[name=amount_paid]')).toHaveValue('89.00');
  await expect(page.locator('#file-form input[name=amount_claimed]')).toHaveValue('');
  await expect(page.locator('#draft-files li')).toHaveCount(2);
  await expect(page.locator('#draft-files li').nth(0)).toContainText(receipt.name);
  await expect(page.locator('#draft-files li').nth(1)).toContainText(damage.name);

  // Completed and reviewed; back once to change a word, then filed.
  await page.fill('#file-form input[name=amount_claimed]', '89');
  await clickToLoad(page, info, '#file-review');
  await expectThumbnails(page, [receipt, damage]);
  await expect(page.locator('#review-claimed')).toHaveText('¥89.00');
  await clickToLoad(page, info, '#filing-change');
  await expect(page.locator('#file-form input[name=amount_claimed]')).toHaveValue('89');
  await page.fill('#file-form input[name=title]', TITLE + '（补充）');
  await clickToLoad(page, info, '#file-review');
  await expect(page.locator('#review-title')).toHaveText(TITLE + '（补充）');
  await clickToLoad(page, info, '#filing-confirm');
  await expect(page).toHaveURL(/\/cases\/\d+$/);
  await expect(page.locator('#evidence li.image img')).toHaveCount(2);

  // Filed, the draft is gone: the form starts from the picker again.
  await open(page, info, '/cases/new');
  await expect(page.locator('#merchant-pick')).toBeVisible();
});

test('a file is removed from a draft and a draft is discarded', async ({ page }, info) => {
  await signIn(page, info, 'consumer@demo.gongdao.cn');
  await fillComplaint(page, info);
  await page.setInputFiles('#evidence-files', [receipt, damage]);
  await clickToLoad(page, info, '#file-save');
  await expect(page.locator('#draft-files li')).toHaveCount(2);
  await clickToLoad(page, info, '#draft-files li:nth-child(2) form.remove-file button');
  await expect(page.locator('#draft-file-removed')).toBeVisible();
  await expect(page.locator('#draft-files li')).toHaveCount(1);
  await expect(page.locator('#draft-files li')).toContainText(receipt.name);
  await expect(page.locator('#file-form input[name=title]')).toHaveValue(TITLE);
  await clickToLoad(page, info, '#draft-discard button');
  await expect(page.locator('#draft-discarded')).toBeVisible();
  await expect(page.locator('#merchant-pick')).toBeVisible();
});
