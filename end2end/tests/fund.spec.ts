import { Browser, expect, Locator, Page, TestInfo } from '@playwright/test';
import { act, leave, open, party, signIn, test } from './helpers';

// First compensation (先行赔付) through the browser: the consumer applies on
// the case page, a fund administrator approves it from /fund/admin's queue,
// the fund recovers it from the merchant's deposit, and the public /fund
// page lists it with the consumer's name masked. The demo data has four
// qualifying cases; project js uses #1, nojs #2.

const FUND_ADMIN = 'fund-admin@demo.gongdao.cn';
const CONSUMER = 'consumer@demo.gongdao.cn';
const MERCHANT = 'merchant@demo.gongdao.cn';
const ARBITRATOR = 'arbitrator@demo.gongdao.cn';

/**
 * Fills and submits one of /fund/admin's forms and waits until the recorded
 * movement's page has loaded. Hydrated, the form posts with fetch and the
 * redirect then loads the page in full; without JavaScript the post itself
 * navigates. Either way the main frame navigates once the entry is written.
 */
async function record(page: Page, info: TestInfo, form: string, fields: Record<string, string>) {
  const f = page.locator(form);
  await expect(f).toBeVisible();
  await fill(f, fields);
  const navigated = page.waitForEvent('framenavigated', { predicate: (fr) => fr === page.mainFrame() });
  await f.locator('button[type=submit]').click();
  await navigated;
  await page.waitForLoadState('load');
  if (info.project.name === 'js') await page.waitForSelector('body[data-hydrated="1"]');
  await expect(page.locator('#fund-recorded')).toBeVisible();
}

async function fill(form: Locator, fields: Record<string, string>) {
  for (const [name, value] of Object.entries(fields)) {
    const input = form.locator(`[name="${name}"]`);
    if ((await input.evaluate((e) => e.tagName)) === 'SELECT') await input.selectOption(value);
    else await input.fill(value);
  }
}

async function fen(page: Page, selector: string): Promise<number> {
  const v = await page.locator(selector).getAttribute('data-fen');
  expect(v, `${selector} data-fen`).not.toBeNull();
  return Number(v);
}

test('a consumer applies, the fund pays from its queue, recovers from the deposit and publishes it masked', async ({ page, browser }, info) => {
  const title = info.project.name === 'js' ? '先行赔付演示 #1' : '先行赔付演示 #2';

  // The consumer opens the case from their list: it qualifies; they apply.
  await signIn(page, info, CONSUMER);
  await open(page, info, '/cases');
  const row = page.locator('#case-list tbody tr', { hasText: title });
  await expect(row).toHaveCount(1);
  const number = (await row.locator('a').first().textContent())!.trim();
  await row.locator('a').first().click();
  await expect(page.locator('#case-number')).toHaveText(number);
  const url = page.url();
  const caseId = url.match(/\/cases\/(\d+)$/)![1];
  await expect(page.locator('#first-compensation')).toHaveAttribute('data-state', 'eligible');
  await act(page, info, 'apply_first_compensation', { message: '商户三周未答复，申请基金先行赔付。' });
  await expect(page.locator('#first-compensation')).toHaveAttribute('data-state', 'applied');
  await expect(page.locator('#fc-state')).toHaveText('待基金审核');

  // The fund administrator finds it in the queue on /fund/admin.
  const admin = await party(browser, info, FUND_ADMIN);
  await expect(admin.locator('#nav-fund-admin')).toBeVisible();
  await open(admin, info, '/fund/admin');
  const queued = admin.locator(`#fund-queue tr[data-case="${caseId}"]`);
  await expect(queued).toContainText(number);
  await expect(queued).toContainText(title);

  // The merchant pays ¥500 into its deposit first, so the payout is recovered in full.
  await record(admin, info, '#deposit-form', { merchant_id: '1', direction: 'in', amount: '500' });
  await expect(admin.locator('#fund-recorded')).toHaveAttribute('data-kind', 'deposit_top_up');
  await expect(admin.locator('#fund-recorded')).toContainText('¥500.00');
  await open(admin, info, '/merchants/1');
  const deposit = await fen(admin, '#fund-account [data-field="deposit"]');
  expect(deposit).toBeGreaterThanOrEqual(50_000);

  // From the queue to the case; approve ¥500.
  await open(admin, info, '/fund/admin');
  await admin.locator(`#fund-queue tr[data-case="${caseId}"] a`).click();
  await expect(admin.locator('#case-number')).toHaveText(number);
  await act(admin, info, 'approve_first_compensation', { amount: '500', message: '商户逾期未答复，基金先行赔付。' });
  await expect(admin.locator('#case-status')).toHaveText('已结案');
  await expect(admin.locator('#fc-paid')).toHaveText('¥500.00');
  await open(admin, info, '/fund/admin');
  await expect(admin.locator('#fund-summary')).toBeVisible();
  await expect(admin.locator(`#fund-queue tr[data-case="${caseId}"]`)).toHaveCount(0);

  // The consumer sees the case closed and paid.
  await open(page, info, url);
  await expect(page.locator('#case-status')).toHaveText('已结案');
  await expect(page.locator('#fc-state')).toHaveText('已赔付');
  await expect(page.locator('#fc-paid')).toHaveText('¥500.00');
  await expect(page.locator('#timeline li[data-kind="approve_first_compensation"]')).toBeVisible();

  // Signed out, the public ledger lists the payout and its recovery, the consumer masked.
  const anon = await party(browser, info);
  await open(anon, info, '/fund');
  await expect(anon.locator('#nav-fund')).toBeVisible();
  const payout = anon.locator(`#ledger tr[data-kind="payout"][data-case="${number}"]`);
  await expect(payout).toHaveCount(1);
  await expect(payout.locator('.consumer')).toHaveText('王**');
  await expect(payout.locator('.amount')).toHaveText('¥500.00');
  await expect(payout.locator('.status')).toHaveAttribute('data-status', 'recovered');
  await expect(payout.locator('.merchant a')).toHaveAttribute('href', '/merchants/1');
  const recovery = anon.locator(`#ledger tr[data-kind="recovery"][data-case="${number}"]`);
  await expect(recovery.locator('.amount')).toHaveText('¥500.00');
  await expect(anon.locator('main')).not.toContainText('王小明');
  await expect(anon.locator('#fund-summary [data-field="paid"]')).toBeVisible();
  await expect(anon.locator('#ledger-page')).toContainText('第 1 /');
  // A page past the end is empty and links back.
  await open(anon, info, '/fund?page=999');
  await expect(anon.locator('#ledger-empty')).toBeVisible();
  await expect(anon.locator('#ledger-prev')).toHaveAttribute('href', '/fund?page=1');

  // The merchant page shows the figures to anyone, the account only to those who may see it.
  await open(anon, info, '/merchants/1');
  await expect(anon.locator('#merchant-fund')).toBeVisible();
  await expect(anon.locator('#merchant-fund-summary [data-field="paid"]')).toBeVisible();
  await expect(anon.locator('#fund-account')).toHaveCount(0);
  await leave(anon);

  // The merchant sees its account: ¥500 taken from its deposit for this case.
  const merchant = await party(browser, info, MERCHANT);
  await open(merchant, info, '/merchants/1');
  await expect(merchant.locator('#fund-account')).toBeVisible();
  const taken = merchant.locator(`#account-entries tr[data-kind="recovery"][data-case="${number}"]`);
  await expect(taken).toHaveCount(1);
  await expect(taken.locator('.deposit-change')).toHaveAttribute('data-fen', '-50000');
  await expect(taken.locator('.deposit-change')).toHaveText('−¥500.00');
  await expect(merchant.locator(`#account-entries tr[data-kind="payout"][data-case="${number}"]`)).toHaveCount(1);
  await expect(merchant.locator('#fund-account [data-field="deposit"]')).toHaveAttribute('data-fen', String(deposit - 50_000));
  await expect(merchant.locator('#nav-fund-admin')).toHaveCount(0);

  // The merchant contests the recovery: the public ledger shows a pending appeal with its date.
  await open(merchant, info, url);
  await act(merchant, info, 'contest_recovery', { reason: '该订单已由我方直接退款，追偿属重复。' });
  await expect(merchant.locator('#fc-contest')).toBeVisible();
  const anon2 = await party(browser, info);
  await open(anon2, info, '/fund');
  const appeal = anon2.locator(`#appeals tr[data-case="${number}"]`);
  await expect(appeal).toHaveAttribute('data-state', 'pending');
  await expect(appeal.locator('.state')).toHaveText('待裁决');
  await expect(appeal.locator('.at').first()).not.toBeEmpty();
  await expect(anon2.locator('main')).not.toContainText('该订单已由我方直接退款');

  // An arbitrator refuses the contest: the recovery stands, and the ledger says so.
  const arbitrator = await party(browser, info, ARBITRATOR);
  await open(arbitrator, info, url);
  await act(arbitrator, info, 'decide_contest', { upheld: 'false', reason: '商户未能提供直接退款的凭证。' });
  await open(anon2, info, '/fund');
  await expect(appeal).toHaveAttribute('data-state', 'refused');
  await expect(appeal).toHaveAttribute('data-outcome', 'recovery_stands');
  await expect(appeal.locator('.state')).toHaveText('异议不成立，追偿维持');
  await expect(anon2.locator('main')).not.toContainText('王小明');

  for (const p of [admin, merchant, arbitrator, anon2]) await leave(p);
});

test('a refusal names its reason category, and the public ledger counts refusals per category', async ({ page, browser }, info) => {
  const title = info.project.name === 'js' ? '先行赔付演示 #3' : '先行赔付演示 #4';
  await signIn(page, info, CONSUMER);
  await open(page, info, '/cases');
  const row = page.locator('#case-list tbody tr', { hasText: title });
  await expect(row).toHaveCount(1);
  await row.locator('a').first().click();
  const url = page.url();
  await act(page, info, 'apply_first_compensation', { message: '商户三周未答复。' });
  await expect(page.locator('#first-compensation')).toHaveAttribute('data-state', 'applied');

  // Before: the public count of insufficient evidence.
  const anon = await party(browser, info);
  await open(anon, info, '/fund');
  const cell = anon.locator('#refusals tr[data-category="insufficient_evidence"] .count');
  const before = Number(await cell.textContent());
  const totalBefore = Number(await anon.locator('#refusals-total').textContent());
  await expect(anon.locator('#refusals tbody tr')).toHaveCount(7);

  // The fund administrator refuses with a category from the list and reasons.
  const admin = await party(browser, info, FUND_ADMIN);
  await open(admin, info, url);
  const form = admin.locator('form[data-action="refuse_first_compensation"]');
  await expect(form.locator('select[name="refusal_category"] option')).toHaveCount(7);
  const reason = `购物凭证无法核实（${info.project.name}）`;
  await act(admin, info, 'refuse_first_compensation', { refusal_category: 'insufficient_evidence', reason });
  await expect(admin.locator('#fc-state')).toHaveText('已驳回');

  // The public ledger counts it under its category, without the reasons or the consumer.
  await open(anon, info, '/fund');
  await expect.poll(async () => Number(await cell.textContent())).toBeGreaterThanOrEqual(before + 1);
  expect(Number(await anon.locator('#refusals-total').textContent())).toBeGreaterThanOrEqual(totalBefore + 1);
  await expect(anon.locator('#refusals-period')).not.toBeEmpty();
  await expect(anon.locator('main')).not.toContainText(reason);
  await expect(anon.locator('main')).not.toContainText('王小明');

  for (const p of [admin, anon]) await leave(p);
});

test('a fund administrator tops up the fund once, even when the same form is posted twice', async ({ page }, info) => {
  await signIn(page, info, FUND_ADMIN);
  await open(page, info, '/fund/admin');
  const available = '#fund-summary [data-field="available"]';
  const before = await fen(page, available);

  // A wrong amount is refused with the field named, and nothing is recorded.
  await fill(page.locator('#top-up-form'), { amount: '12.345' });
  await page.locator('#top-up-form button[type=submit]').click();
  await expect(page.getByRole('alert')).toContainText('金额');
  await expect(page.locator('#fund-recorded')).toHaveCount(0);

  const form = page.locator('#top-up-form');
  const key = await form.locator('input[name=idempotency_key]').inputValue();
  const action = await form.getAttribute('action');
  expect(key).not.toBe('');
  await record(page, info, '#top-up-form', { amount: '1234.56', reason: '财政拨款（测试）' });
  await expect(page.locator('#fund-recorded')).toContainText('基金注资');
  await expect(page.locator('#fund-recorded')).toContainText('¥1234.56');
  await expect(page.locator('#fund-recorded')).toHaveAttribute('data-replayed', 'false');
  await expect(page.locator(available)).toHaveAttribute('data-fen', String(before + 123_456));
  // The page was rendered again with a fresh key.
  expect(await page.locator('#top-up-form input[name=idempotency_key]').inputValue()).not.toBe(key);

  // The same rendered form posted again (a double submit) records nothing more.
  const again = await page.request.post(action!, {
    form: { idempotency_key: key, amount: '1234.56', reason: '财政拨款（测试）' },
    headers: { Origin: new URL(page.url()).origin, Accept: 'text/html' },
    maxRedirects: 0,
  });
  expect(again.status()).toBe(302);
  const location = again.headers()['location'];
  expect(location).toContain('replayed=1');
  await open(page, info, location);
  await expect(page.locator('#fund-recorded')).toHaveAttribute('data-replayed', 'true');
  await expect(page.locator('#fund-recorded')).toContainText('没有重复入账');
  await expect(page.locator(available)).toHaveAttribute('data-fen', String(before + 123_456));

  // The public page shows the same money available.
  await open(page, info, '/fund');
  await expect(page.locator(available)).toHaveAttribute('data-fen', String(before + 123_456));
});

test('only fund administrators get /fund/admin', async ({ page }, info) => {
  // Signed out: asked to sign in.
  await open(page, info, '/fund/admin');
  await expect(page.locator('#fund-refused')).toContainText('请先登录');
  await expect(page.locator('#top-up-form')).toHaveCount(0);

  // A consumer is refused, sees no forms, and has no link to it.
  await signIn(page, info, CONSUMER);
  await expect(page.locator('#nav-fund')).toBeVisible();
  await expect(page.locator('#nav-fund-admin')).toHaveCount(0);
  await open(page, info, '/fund/admin');
  await expect(page.locator('#fund-refused')).toHaveText('仅基金管理员可以访问此页面。');
  await expect(page.locator('#fund-summary')).toHaveCount(0);
  await expect(page.locator('#top-up-form, #deposit-form, #repayment-form, #write-off-form')).toHaveCount(0);
  await expect(page.locator('#fund-queue')).toHaveCount(0);

  // Posting a movement directly is refused as well.
  const r = await page.request.post('/api/fund/top_up', {
    form: { idempotency_key: `consumer-${Date.now()}`, amount: '1' },
    headers: { Origin: new URL(page.url()).origin, Accept: 'application/json' },
    maxRedirects: 0,
  });
  expect(r.status()).toBeGreaterThanOrEqual(400);
  expect(await r.text()).toContain('"kind":"forbidden"');
});
