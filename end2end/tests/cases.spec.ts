import { Browser, expect, Page, TestInfo } from '@playwright/test';
import { act, discardDraft, open, signIn, submitFiling, test } from './helpers';

/** A second signed-in party in its own browser context, same JavaScript setting. */
async function party(browser: Browser, info: TestInfo, email: string): Promise<Page> {
  const ctx = await browser.newContext({
    baseURL: info.project.use.baseURL,
    locale: 'zh-CN',
    javaScriptEnabled: info.project.use.javaScriptEnabled,
  });
  const page = await ctx.newPage();
  await signIn(page, info, email);
  return page;
}

async function fileComplaint(page: Page, info: TestInfo, orderRef: string): Promise<string> {
  await discardDraft(page, info);
  await open(page, info, '/cases/new?merchant=1&name=' + encodeURIComponent('演示商户'));
  await page.fill('#file-form input[name=title]', '收到的商品与图片不符');
  await page.fill('#file-form textarea[name=narrative]', '页面展示为不锈钢保温杯，收到的是塑料杯，联系客服三天无人回应。');
  await page.selectOption('#file-form select[name=category]', 'not_as_pictured');
  await page.fill('#file-form input[name=order_ref]', orderRef);
  await page.fill('#file-form input[name=order_date]', '2026-11-01');
  await page.fill('#file-form input[name=amount_paid]', '199.00');
  await page.fill('#file-form input[name=amount_claimed]', '199');
  await page.selectOption('#file-form select[name=remedy]', 'refund');
  await submitFiling(page, info);
  await expect(page).toHaveURL(/\/cases\/\d+$/);
  await expect(page.locator('#case-status')).toHaveText('待商户回应');
  return page.url();
}

test('a complaint is filed, negotiated, settled, fulfilled and closed', async ({ page, browser }, info) => {
  await signIn(page, info, 'consumer@demo.gongdao.cn');
  await discardDraft(page, info);

  // Bad input is refused with the field named, and nothing is filed.
  await open(page, info, '/cases/new?merchant=1');
  await page.fill('#file-form input[name=title]', '价格欺诈');
  await page.fill('#file-form textarea[name=narrative]', '标价与结算价不一致，多收了钱。');
  await page.fill('#file-form input[name=order_ref]', 'BAD-' + Date.now());
  await page.fill('#file-form input[name=order_date]', '2026-11-02');
  await page.fill('#file-form input[name=amount_paid]', '12.345');
  await page.fill('#file-form input[name=amount_claimed]', '10');
  await submitFiling(page, info);
  await expect(page.getByRole('alert')).toContainText('实付金额');
  // Refused at review: kept as a draft (values as typed), which goes now.
  await expect(page.locator('#file-form input[name=amount_paid]')).toHaveValue('12.345');
  await discardDraft(page, info);

  const orderRef = `E2E-${info.project.name}-${Date.now()}`;
  const url = await fileComplaint(page, info, orderRef);
  await expect(page.locator('#deadlines li')).toHaveCount(2);
  await expect(page.locator('#waiting-on')).toContainText('商户');
  await expect(page.locator('#timeline li')).toHaveCount(1);

  // Evidence: a real PNG is stored with its SHA-256; a text file is refused with a reason.
  const png = Buffer.from(
    'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
    'base64',
  );
  await page.setInputFiles('#evidence-form input[name=file]', { name: '商品照片.png', mimeType: 'image/png', buffer: png });
  await page.click('#evidence-form button[type=submit]');
  await expect(page.getByRole('status')).toContainText('证据已上传');
  await expect(page.locator('#evidence .files li')).toHaveCount(1);
  await expect(page.locator('#evidence .files li')).toContainText('商品照片.png');
  await page.setInputFiles('#evidence-form input[name=file]', { name: 'note.png', mimeType: 'image/png', buffer: Buffer.from('not really a picture') });
  await page.click('#evidence-form button[type=submit]');
  await expect(page.getByRole('alert')).toContainText('只接受');
  await expect(page.locator('#evidence .files li')).toHaveCount(1);

  // The same order again is a duplicate.
  await open(page, info, '/cases/new?merchant=1');
  await page.fill('#file-form input[name=title]', '收到的商品与图片不符');
  await page.fill('#file-form textarea[name=narrative]', '同一个订单再投诉一次，应当被拒绝。');
  await page.fill('#file-form input[name=order_ref]', orderRef.toLowerCase());
  await page.fill('#file-form input[name=order_date]', '2026-11-01');
  await page.fill('#file-form input[name=amount_paid]', '199');
  await page.fill('#file-form input[name=amount_claimed]', '199');
  await submitFiling(page, info);
  await expect(page.getByRole('alert')).toContainText('已就同一商户的同一订单提交过投诉');
  await discardDraft(page, info);

  // The merchant answers and makes an offer; it sees the consumer's name masked.
  const merchant = await party(browser, info, 'merchant@demo.gongdao.cn');
  await open(merchant, info, '/inbox');
  await expect(merchant.locator('#inbox')).toContainText('您收到一件新投诉');
  await merchant.goto(url);
  await expect(merchant.locator('#consumer-name')).toHaveText('王**');
  await act(merchant, info, 'respond', { message: '非常抱歉，我们核实后给您处理。' });
  await expect(merchant.locator('#case-status')).toHaveText('协商中');
  await act(merchant, info, 'offer', { amount: '150', remedy: 'refund', fulfil_within_days: '3', message: '退款150元' });
  await expect(merchant.locator('#terms')).toContainText('¥150.00');

  // The consumer accepts: a settlement.
  await page.goto(url);
  await act(page, info, 'accept_offer');
  await expect(page.locator('#case-status')).toHaveText('已和解');

  // The merchant says it paid; the consumer confirms; the case closes.
  await merchant.goto(url);
  await act(merchant, info, 'comply', { message: '已退款' });
  await page.goto(url);
  await act(page, info, 'confirm_fulfilment');
  await expect(page.locator('#case-status')).toHaveText('已结案');
  await expect(page.locator('#timeline li')).toHaveCount(7);
  await expect(page.locator('#actions')).toHaveCount(0);

  // The consumer's list shows it.
  await open(page, info, '/cases');
  await expect(page.locator('#case-list')).toContainText('收到的商品与图片不符');
  await merchant.context().close();
});

test('a case goes through mediation: escalated, taken from the queue, proposed, accepted by both', async ({ page, browser }, info) => {
  await signIn(page, info, 'consumer@demo.gongdao.cn');
  const url = await fileComplaint(page, info, `E2E-MED-${info.project.name}-${Date.now()}`);
  const merchant = await party(browser, info, 'merchant@demo.gongdao.cn');
  await merchant.goto(url);
  await act(merchant, info, 'respond', { message: '这是正常商品，不同意退款。' });

  // Escalation needs a reason.
  await page.goto(url);
  await act(page, info, 'escalate', { reason: '商户拒绝处理' });
  await expect(page.locator('#case-status')).toHaveText('调解中');

  // A mediator takes it from the queue and proposes.
  const mediator = await party(browser, info, 'mediator@demo.gongdao.cn');
  await open(mediator, info, '/cases?view=queue');
  await expect(mediator.locator('#case-list')).toBeVisible();
  await mediator.goto(url);
  await act(mediator, info, 'take');
  await act(mediator, info, 'propose', { amount: '100', remedy: 'refund', fulfil_within_days: '5', message: '建议退款100元' });
  await expect(mediator.locator('#terms')).toContainText('¥100.00');

  // Both sides accept: a mediated settlement.
  await page.goto(url);
  await act(page, info, 'accept_proposal');
  await expect(page.locator('#case-status')).toHaveText('调解中');
  await merchant.goto(url);
  await act(merchant, info, 'accept_proposal');
  await expect(merchant.locator('#case-status')).toHaveText('已和解');
  await merchant.context().close();

  // The mediator's own list, filtered by status, shows it settled.
  await open(mediator, info, '/cases?view=mine&status=settled');
  await expect(mediator.locator('#case-list')).toBeVisible();
  await expect(mediator.locator('#case-list tbody tr[data-status="settled"]').first()).toBeVisible();
  await expect(mediator.locator('#case-list tbody tr:not([data-status="settled"])')).toHaveCount(0);
  await mediator.context().close();
});

test('the consumer may withdraw a complaint before any decision', async ({ page }, info) => {
  await signIn(page, info, 'consumer@demo.gongdao.cn');
  const url = await fileComplaint(page, info, `E2E-WD-${info.project.name}-${Date.now()}`);
  await page.goto(url);
  await act(page, info, 'withdraw', { reason: '已与商户线下解决' });
  await expect(page.locator('#case-status')).toHaveText('已撤回');
  await expect(page.locator('#timeline li[data-kind="withdraw"]')).toContainText('已与商户线下解决');
});

test('mediation fails, the arbitrator asks the consumer for evidence and decides; the merchant complies', async ({ page, browser }, info) => {
  await signIn(page, info, 'consumer@demo.gongdao.cn');
  const url = await fileComplaint(page, info, `E2E-ARB-${info.project.name}-${Date.now()}`);
  const merchant = await party(browser, info, 'merchant@demo.gongdao.cn');
  await merchant.goto(url);
  await act(merchant, info, 'respond', { message: '商品没有问题。' });
  await act(merchant, info, 'escalate', { reason: '请平台调解' });
  await expect(merchant.locator('#case-status')).toHaveText('调解中');

  const mediator = await party(browser, info, 'mediator@demo.gongdao.cn');
  await mediator.goto(url);
  await act(mediator, info, 'take');
  await act(mediator, info, 'escalate', { reason: '双方分歧较大，调解不成' });
  await expect(mediator.locator('#case-status')).toHaveText('仲裁中');

  const arbitrator = await party(browser, info, 'arbitrator@demo.gongdao.cn');
  await open(arbitrator, info, '/cases?view=queue');
  await arbitrator.goto(url);
  await act(arbitrator, info, 'take');
  await act(arbitrator, info, 'request_evidence', { party: 'consumer', within_days: '5', message: '请提供收到商品的照片' });
  await expect(arbitrator.locator('#paused')).toBeVisible();

  // The consumer provides it; the clock runs again.
  await page.goto(url);
  await expect(page.locator('#deadlines')).toContainText('补充证据期限');
  await act(page, info, 'provide_evidence', { message: '照片已上传' });
  await expect(page.locator('#paused')).toHaveCount(0);

  // A decision needs written reasons; then it binds the merchant.
  await arbitrator.goto(url);
  await act(arbitrator, info, 'decide', { amount: '199', remedy: 'refund', fulfil_within_days: '10', reason: '商品与宣传不符，商户应全额退款。' });
  await expect(arbitrator.locator('#case-status')).toHaveText('已裁决');
  await expect(arbitrator.locator('#terms')).toContainText('¥199.00');

  // The consumer can no longer withdraw; the merchant complies and the consumer confirms.
  await page.goto(url);
  await expect(page.locator('form[data-action="withdraw"]')).toHaveCount(0);
  await merchant.goto(url);
  await act(merchant, info, 'comply', { message: '已全额退款' });
  await page.goto(url);
  await act(page, info, 'confirm_fulfilment');
  await expect(page.locator('#case-status')).toHaveText('已结案');
  for (const p of [merchant, mediator, arbitrator]) await p.context().close();
});

test('a settlement that was not honoured is reopened into mediation', async ({ page, browser }, info) => {
  await signIn(page, info, 'consumer@demo.gongdao.cn');
  const url = await fileComplaint(page, info, `E2E-REOPEN-${info.project.name}-${Date.now()}`);
  const merchant = await party(browser, info, 'merchant@demo.gongdao.cn');
  await merchant.goto(url);
  await act(merchant, info, 'offer', { amount: '50', remedy: 'compensation', fulfil_within_days: '2', message: '补偿50元' });
  await page.goto(url);
  await act(page, info, 'accept_offer');
  await expect(page.locator('#case-status')).toHaveText('已和解');
  await act(page, info, 'reopen', { reason: '商户至今未付款' });
  await expect(page.locator('#case-status')).toHaveText('调解中');
  await expect(page.locator('#timeline li[data-kind="reopen"]')).toContainText('商户至今未付款');
  await merchant.context().close();
});

test('another consumer with the same problem joins a published complaint from the merchant page', async ({ page }, info) => {
  // A fresh consumer account (verification is not needed to join).
  const email = `e2e-metoo-${info.project.name}-${Date.now()}@example.cn`;
  await open(page, info, '/register');
  await page.fill('#register-form input[name=display_name]', '李四');
  await page.fill('#register-form input[name=email]', email);
  await page.fill('#register-form input[name=password]', 'correct-horse-42');
  await page.click('#register-form button[type=submit]');
  await expect(page).toHaveURL(/\/login/);
  await signIn(page, info, email, 'correct-horse-42');

  await open(page, info, '/merchants/1');
  const first = page.locator('#open-complaints li').first();
  await expect(first).toBeVisible();
  await first.locator('summary').click();
  const form = first.locator('form.join-form');
  await form.locator('input[name=order_ref]').fill(`ME-TOO-${Date.now()}`);
  await form.locator('input[name=order_date]').fill('2026-11-03');
  await form.locator('input[name=amount_paid]').fill('88');
  await form.locator('input[name=amount_claimed]').fill('88');
  await form.locator('button[type=submit]').click();
  await expect(page).toHaveURL(/\/cases\/\d+$/);
  await expect(page.locator('#member-note')).toBeVisible();
  await expect(page.locator('#collective')).toContainText('另有');
  await expect(page.locator('#actions')).toHaveCount(0);
});
