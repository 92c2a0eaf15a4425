import { expect, Page, TestInfo } from '@playwright/test';
import { act, actionForm, discardDraft, leave, open, party, signIn, submitFiling, test } from './helpers';

// A merchant keeps a reply template on /merchants/templates and answers a
// new complaint with it from the case page: picking the template fills the
// message field (a page load without JavaScript, in place with it), the
// text can still be changed, and the answer is in the case's trail.

async function fileComplaint(page: Page, info: TestInfo, title: string, orderRef: string): Promise<string> {
  await discardDraft(page, info);
  await open(page, info, '/cases/new?merchant=1&name=' + encodeURIComponent('演示商户'));
  await page.fill('#file-form input[name=title]', title);
  await page.fill('#file-form textarea[name=narrative]', '收到的保温杯杯盖破损，联系客服要求换货无人处理。');
  await page.selectOption('#file-form select[name=category]', 'quality');
  await page.fill('#file-form input[name=order_ref]', orderRef);
  await page.fill('#file-form input[name=order_date]', '2026-11-01');
  await page.fill('#file-form input[name=amount_paid]', '59.00');
  await page.fill('#file-form input[name=amount_claimed]', '59');
  await page.selectOption('#file-form select[name=remedy]', 'refund');
  await submitFiling(page, info);
  await expect(page).toHaveURL(/\/cases\/\d+$/);
  return page.url();
}

test('a merchant keeps a reply template and answers a complaint with it', async ({ page, browser }, info) => {
  const run = `${info.project.name}-${Date.now()}`;
  const title = `换货模板${run}`;
  const text = `您好，换货已安排，新品将在2个工作日内发出（${run}）。`;
  await signIn(page, info, 'consumer@demo.gongdao.cn');
  const url = await fileComplaint(page, info, `杯盖破损${run}`, `E2E-TPL-${run}`);
  const caseId = url.split('/').pop()!;

  const merchant = await party(browser, info, 'merchant@demo.gongdao.cn');
  // An empty title is refused with the field named; nothing is kept.
  await open(merchant, info, '/merchants/templates');
  await merchant.fill('#template-form textarea[name=text]', text);
  await merchant.fill('#template-form input[name=title]', ' ');
  await merchant.click('#template-form button[type=submit]');
  await expect(merchant.locator('#template-form [role=alert]').first()).toContainText('标题');
  await open(merchant, info, '/merchants/templates');
  await merchant.fill('#template-form input[name=title]', title);
  await merchant.fill('#template-form textarea[name=text]', text);
  const saved = merchant.waitForURL(/notice=saved/);
  await merchant.click('#template-form button[type=submit]');
  await saved;
  await expect(merchant.locator(`#template-list li:has-text("${title}") .template-text`)).toHaveText(text);

  // On the case page the respond form offers it; picking it fills the field.
  await open(merchant, info, `/cases/${caseId}`);
  const form = merchant.locator('form[data-action="respond"]');
  await form.locator('details.templates summary').click();
  await form.locator(`details.templates a:has-text("${title}")`).click();
  await expect(form.locator('textarea[name=message]')).toHaveValue(text);
  if (info.project.name === 'js') await merchant.waitForSelector('body[data-hydrated="1"]');
  await act(merchant, info, 'respond', { message: `${text}如有问题请随时联系。` });
  await expect(merchant.locator('#timeline')).toContainText(`${text}如有问题请随时联系。`);

  // A message is now a folded step: a template picked there comes back
  // with that step open and its field filled (the other fields stay empty).
  const message = await actionForm(merchant, 'message');
  await message.locator('details.templates summary').click();
  await message.locator(`details.templates a:has-text("${title}")`).click();
  await expect(merchant.locator('details.action-more[data-action="message"]')).toHaveAttribute('open', '');
  await expect(message.locator('textarea[name=message]')).toHaveValue(text);
  await expect(merchant.locator('form[data-action="offer"] textarea[name=message]')).toHaveValue('');

  // The consumer reads the answer, and never sees the merchant's templates.
  await open(page, info, `/cases/${caseId}`);
  await expect(page.locator('#timeline')).toContainText(text);
  await expect(page.locator('details.templates')).toHaveCount(0);
  await leave(merchant);
});
