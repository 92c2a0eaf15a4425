import { expect, Locator } from '@playwright/test';
import { readFileSync } from 'fs';
import { join } from 'path';
import { clickToLoad, discardDraft, open, signIn, test } from './helpers';

// A consumer's whole way from the home page to a filed complaint with two
// photos — find the merchant by name, fill the form, review, submit — in
// few page actions: every click or submit that loads a page counts (typing
// and choosing files do not), and there are at most 8.

const fixture = (name: string) => readFileSync(join(__dirname, '..', 'fixtures', name));
const receipt = { name: '收货照片.png', mimeType: 'image/png', buffer: fixture('receipt-green.png') };
const damage = { name: '破损细节.png', mimeType: 'image/png', buffer: fixture('damage-red.png') };

const MAX_PAGE_ACTIONS = 8;

test('from the home page to a filed complaint with two photos in at most 8 page actions', async ({ page }, info) => {
  await signIn(page, info, 'consumer@demo.gongdao.cn');
  // The demo consumer is shared: no draft of another spec's in the way.
  await discardDraft(page, info);
  await open(page, info, '/');

  let actions = 0;
  const step = async (target: string | Locator) => {
    await clickToLoad(page, info, target);
    actions += 1;
  };

  // 1. The home page's way in.
  await step('#home-file');
  await expect(page).toHaveURL(/\/cases\/new$/);
  // 2. The merchant by its name.
  await page.fill('#merchant-pick-q', '华奈');
  await step('#merchant-pick button[type=submit]');
  const hit = page.locator('#merchant-pick-results li').filter({ hasText: '华奈' }).first();
  await expect(hit).toBeVisible();
  // 3. Chosen: the form, with how the merchant stands.
  await step(hit.locator('a.pick'));
  await expect(page).toHaveURL(/\/cases\/new\?merchant=\d+/);
  await expect(page.locator('#merchant-name strong')).toContainText('华奈');
  await expect(page.locator('#merchant-standing')).toContainText('按时回应率');

  // Typing and choosing files load nothing.
  const orderRef = `E2E-JOURNEY-${info.project.name}-${Date.now()}`;
  await page.fill('#file-form input[name=title]', '保温杯收到时已有裂纹');
  await page.fill('#file-form textarea[name=narrative]', '开箱发现杯身有裂纹，附收货照片和破损细节，要求退款。');
  await page.selectOption('#file-form select[name=category]', 'quality');
  await page.fill('#file-form input[name=order_ref]', orderRef);
  await page.fill('#file-form input[name=order_date]', '2026-11-20');
  await page.fill('#file-form input[name=amount_paid]', '89.00');
  await page.fill('#file-form input[name=amount_claimed]', '89');
  await page.selectOption('#file-form select[name=remedy]', 'refund');
  await page.setInputFiles('#evidence-files', [receipt, damage]);

  // 4. The review: everything in plain words, both photos.
  await step('#file-review');
  await expect(page.locator('#filing-review')).toBeVisible();
  await expect(page.locator('#review-merchant')).toContainText('华奈');
  await expect(page.locator('#review-order-ref')).toHaveText(orderRef.toUpperCase());
  await expect(page.locator('#review-files li.image img')).toHaveCount(2);

  // 5. Submitted: the case page, both photos on it.
  await step('#filing-confirm');
  await expect(page).toHaveURL(/\/cases\/\d+$/);
  await expect(page.locator('#case-status')).toHaveText('待商户回应');
  await expect(page.locator('#evidence li.image img')).toHaveCount(2);

  expect(actions, 'page actions from the home page to the filed case').toBeLessThanOrEqual(MAX_PAGE_ACTIONS);
});
