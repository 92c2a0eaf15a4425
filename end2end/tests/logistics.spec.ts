import { expect, Page, TestInfo } from '@playwright/test';
import { discardDraft, open, signIn, submitFiling, test } from './helpers';

// Logistics companies (寄递物流企业) as subjects of complaints, JavaScript on
// and off: the kind select of /search (kept in the URL) finds the demo's
// carriers and labels them; a complaint that also names a logistics
// company (the <details> fieldset of the filing form) needs a waybill and
// files two cases, each page linking to the other; a missing waybill is
// named in Chinese and nothing is filed.

/** The demo merchant the demo merchant account answers for. */
const DEMO_MERCHANT = '1';

/** The first logistics company /search lists, found through the kind select. */
async function aLogisticsCompany(page: Page, info: TestInfo): Promise<{ id: string; name: string }> {
  await open(page, info, '/search');
  await page.selectOption('#search-kind', 'logistics');
  await page.click('#search-form button[type=submit]');
  await expect(page).toHaveURL(/[?&]kind=logistics/);
  await expect(page.locator('#search-kind')).toHaveValue('logistics');
  const rows = page.locator('#results > li');
  await expect(rows.first()).toBeVisible();
  // Every row is a logistics company, labelled so.
  const kinds = await rows.locator('.badge.kind').evaluateAll((b) => b.map((x) => x.getAttribute('data-kind')));
  expect(kinds.length).toBeGreaterThan(0);
  expect(new Set(kinds)).toEqual(new Set(['logistics']));
  await expect(rows.first().locator('.badge.kind')).toHaveText('寄递物流企业');
  const id = (await rows.first().getAttribute('data-merchant'))!;
  const name = (await rows.first().locator('strong').textContent())!;
  return { id, name };
}

async function fillComplaint(page: Page, orderRef: string) {
  await page.fill('#file-form input[name=title]', '洗衣机到货时已摔坏');
  await page.fill('#file-form textarea[name=narrative]', '洗衣机本身有漏水问题，商家拒绝退货；另外外箱破损、机身摔坏。');
  await page.selectOption('#file-form select[name=category]', 'quality');
  await page.fill('#file-form input[name=order_ref]', orderRef);
  await page.fill('#file-form input[name=order_date]', '2026-11-01');
  await page.fill('#file-form input[name=amount_paid]', '2599');
  await page.fill('#file-form input[name=amount_claimed]', '2000');
  await page.selectOption('#file-form select[name=remedy]', 'refund');
}

test('the kind filter finds logistics companies and keeps itself in the URL', async ({ page }, info) => {
  const { id } = await aLogisticsCompany(page, info);
  // Shops only: that company is not among them.
  await open(page, info, '/search?kind=shop');
  await expect(page.locator('#search-kind')).toHaveValue('shop');
  await expect(page.locator('#results > li').first()).toBeVisible();
  await expect(page.locator(`#results > li[data-merchant="${id}"]`)).toHaveCount(0);
  // A wrong kind is named, and the page still renders.
  await open(page, info, '/search?kind=courier');
  await expect(page.locator('#search-error')).toHaveAttribute('data-field', 'kind');
  // The profile shows the kind.
  await open(page, info, `/merchants/${id}`);
  await expect(page.locator('#merchant-kind')).toHaveAttribute('data-kind', 'logistics');
});

test('a complaint against a merchant and a logistics company files two linked cases', async ({ page }, info) => {
  await signIn(page, info, 'consumer@demo.gongdao.cn');
  const carrier = await aLogisticsCompany(page, info);
  const orderRef = `E2E-LOG-${info.project.name}-${Date.now()}`;
  await discardDraft(page, info);

  // Without a waybill the server names it, in Chinese, and files nothing
  // (the duplicate check below would otherwise refuse the right one).
  await open(page, info, `/cases/new?merchant=${DEMO_MERCHANT}`);
  await fillComplaint(page, orderRef);
  await page.locator('#logistics-part summary').click();
  await page.fill('#logistics-merchant', carrier.id);
  await page.fill('#logistics-amount-claimed', '599');
  await page.fill('#logistics-narrative', '外箱严重破损，洗衣机在运输途中被摔坏，快递公司拒绝赔偿。');
  await submitFiling(page, info);
  await expect(page.getByRole('alert')).toContainText('运单号');
  // Refused at review, the form was kept as a draft: start again without it.
  await discardDraft(page, info);

  // Right: two cases; the page is the merchant's, linking to the carrier's.
  await open(page, info, `/cases/new?merchant=${DEMO_MERCHANT}`);
  await fillComplaint(page, orderRef);
  await page.fill('#waybill', 'SF1234567890');
  await page.locator('#logistics-part summary').click();
  await page.fill('#logistics-merchant', carrier.id);
  await page.fill('#logistics-amount-claimed', '599');
  await page.fill('#logistics-narrative', '外箱严重破损，洗衣机在运输途中被摔坏，快递公司拒绝赔偿。');
  await submitFiling(page, info);
  await expect(page).toHaveURL(/\/cases\/\d+$/);
  const goodsUrl = page.url();
  await expect(page.locator('#case-waybill')).toHaveText('SF1234567890');
  const link = page.locator('#linked-case');
  await expect(link).toHaveAttribute('data-kind', 'logistics');
  await expect(link).toContainText(carrier.name);
  await link.locator('a').click();
  await expect(page).toHaveURL(/\/cases\/\d+$/);
  const deliveryUrl = page.url();
  expect(deliveryUrl).not.toBe(goodsUrl);
  if (info.project.name === 'js') await page.waitForSelector('body[data-hydrated="1"]');
  await expect(page.locator('#case-waybill')).toHaveText('SF1234567890');
  await expect(page.locator('#linked-case a')).toHaveAttribute('href', new URL(goodsUrl).pathname);

  // The consumer's list shows both.
  await open(page, info, '/cases');
  for (const url of [goodsUrl, deliveryUrl]) {
    await expect(page.locator(`a[href="${new URL(url).pathname}"]`).first()).toBeVisible();
  }
});
