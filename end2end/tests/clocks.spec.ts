import { expect, Page, TestInfo } from '@playwright/test';
import { act, discardDraft, open, party, signIn, submitFiling, test } from './helpers';

async function fileComplaint(page: Page, info: TestInfo, orderRef: string): Promise<string> {
  await discardDraft(page, info);
  await open(page, info, '/cases/new?merchant=1&name=' + encodeURIComponent('演示商户'));
  await page.fill('#file-form input[name=title]', '快递显示已签收但没有收到');
  await page.fill('#file-form textarea[name=narrative]', '物流显示已签收，本人并未收到包裹，商家拒绝补发或退款。');
  await page.selectOption('#file-form select[name=category]', 'delivery');
  await page.fill('#file-form input[name=order_ref]', orderRef);
  await page.fill('#file-form input[name=order_date]', '2026-11-01');
  await page.fill('#file-form input[name=amount_paid]', '88.00');
  await page.fill('#file-form input[name=amount_claimed]', '88');
  await page.selectOption('#file-form select[name=remedy]', 'refund');
  await submitFiling(page, info);
  await expect(page).toHaveURL(/\/cases\/\d+$/);
  return page.url();
}

test('the merchant asks for a document in negotiation: the clock stops for both sides until the consumer provides it', async ({ page, browser }, info) => {
  await signIn(page, info, 'consumer@demo.gongdao.cn');
  const url = await fileComplaint(page, info, `E2E-CLK-${info.project.name}-${Date.now()}`);

  const merchant = await party(browser, info, 'merchant@demo.gongdao.cn');
  await merchant.goto(url);
  await act(merchant, info, 'respond', { message: '我们正在核实物流信息。' });
  // In negotiation the merchant asks the consumer only: no party to choose.
  const form = merchant.locator('form[data-action="request_evidence"]');
  await expect(form.locator('select[name=party]')).toHaveCount(0);
  await expect(form.locator('input[name=within_days]')).toHaveAttribute('max', '10');
  await act(merchant, info, 'request_evidence', { within_days: '3', message: '请上传快递面单照片和订单截图。' });
  await expect(merchant.locator('#paused')).toBeVisible();
  await expect(merchant.locator('#clock-stopped')).toContainText('计时暂停');
  await expect(merchant.locator('#paused li[data-wait="case.wait.document"]')).toContainText('24:00');

  // The consumer sees the stopped clock, what is asked and until when, and provides it.
  await page.goto(url);
  await expect(page.locator('#paused')).toBeVisible();
  await expect(page.locator('#paused li[data-wait="case.wait.document"]')).toContainText('补充所要求的证据材料');
  await expect(page.locator('#deadlines')).toContainText('补充证据期限');
  await act(page, info, 'provide_evidence', { message: '面单照片已上传。' });
  await expect(page.locator('#paused')).toHaveCount(0);
  await expect(page.locator('#timeline li[data-kind="provide_evidence"]')).toContainText('面单照片已上传');

  // The merchant's page shows the clock running again.
  await merchant.goto(url);
  await expect(merchant.locator('#paused')).toHaveCount(0);
  await expect(merchant.locator('#timeline li[data-kind="request_evidence"]')).toContainText('快递面单');
  await merchant.context().close();
});

test('the merchant\'s offer stops the clock while the consumer answers, in English too', async ({ page, browser }, info) => {
  await signIn(page, info, 'consumer@demo.gongdao.cn');
  const url = await fileComplaint(page, info, `E2E-CLK-OFFER-${info.project.name}-${Date.now()}`);
  const merchant = await party(browser, info, 'merchant@demo.gongdao.cn');
  await merchant.goto(url);
  await act(merchant, info, 'offer', { amount: '50', remedy: 'refund', fulfil_within_days: '3' });

  await page.context().addCookies([{ name: 'gongdao_lang', value: 'en', url: new URL(url).origin }]);
  await page.goto(url);
  await expect(page.locator('#clock-stopped')).toContainText('Clock stopped since');
  await expect(page.locator('#paused li[data-wait="case.wait.offer_answer"]')).toContainText("answer the merchant's offer");
  await act(page, info, 'reject_offer', { reason: 'too little' });
  await expect(page.locator('#paused')).toHaveCount(0);
  await merchant.context().close();
});
