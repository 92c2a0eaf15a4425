import { expect, Page, TestInfo } from '@playwright/test';
import { act, discardDraft, leave, open, party, signIn, submitFiling, test } from './helpers';

/** Files a complaint with a title of its own; returns the case page's URL. */
async function fileComplaint(page: Page, info: TestInfo, title: string, orderRef: string): Promise<string> {
  await discardDraft(page, info);
  await open(page, info, '/cases/new?merchant=1&name=' + encodeURIComponent('演示商户'));
  await page.fill('#file-form input[name=title]', title);
  await page.fill('#file-form textarea[name=narrative]', '保温杯使用一周后杯盖漏水，联系客服要求换货无人处理。');
  await page.selectOption('#file-form select[name=category]', 'quality');
  await page.fill('#file-form input[name=order_ref]', orderRef);
  await page.fill('#file-form input[name=order_date]', '2026-11-01');
  await page.fill('#file-form input[name=amount_paid]', '89.00');
  await page.fill('#file-form input[name=amount_claimed]', '89');
  await page.selectOption('#file-form select[name=remedy]', 'refund');
  await submitFiling(page, info);
  await expect(page).toHaveURL(/\/cases\/\d+$/);
  return page.url();
}

/** Submits a GET form or a staff form and waits for the page it leads to. */
async function submit(page: Page, info: TestInfo, form: string) {
  const navigated = page.waitForEvent('framenavigated', { predicate: (f) => f === page.mainFrame() });
  await page.locator(`${form} button[type=submit]`).click();
  await navigated;
  await page.waitForLoadState('load');
  if (info.project.name === 'js') await page.waitForSelector('body[data-hydrated="1"]');
}

test('a mediator searches, filters and pages the case list, adds an internal note the consumer never sees, and recuses', async ({ page, browser }, info) => {
  const run = `${info.project.name}-${Date.now()}`;
  const title = `杯盖漏水${run}`;
  await signIn(page, info, 'consumer@demo.gongdao.cn');
  const url = await fileComplaint(page, info, title, `E2E-STAFF-${run}`);
  const caseId = url.split('/').pop()!;
  const merchant = await party(browser, info, 'merchant@demo.gongdao.cn');
  await merchant.goto(url);
  await act(merchant, info, 'respond', { message: '已收到，正在核实。' });
  await page.goto(url);
  await act(page, info, 'escalate', { reason: '商户没有解决' });
  await expect(page.locator('#case-status')).toHaveText('调解中');

  // The mediator finds it in the unassigned queue by a Chinese substring of the title.
  const mediator = await party(browser, info, 'mediator@demo.gongdao.cn');
  await open(mediator, info, '/cases?view=all');
  await mediator.fill('#case-q', `漏水${run}`);
  await mediator.selectOption('#case-filter select[name=status]', 'in_mediation');
  await mediator.selectOption('#case-assignee', 'none');
  await mediator.selectOption('#case-sort', 'newest');
  await submit(mediator, info, '#case-filter');
  await expect(mediator).toHaveURL(/q=.*status=in_mediation.*assignee=none.*sort=newest/);
  await expect(mediator.locator('#case-list tbody tr')).toHaveCount(1);
  await expect(mediator.locator(`#case-list tr[data-case="${caseId}"]`)).toContainText(title);
  // By its order reference, in lower case.
  await open(mediator, info, `/cases?view=all&q=${encodeURIComponent(`e2e-staff-${run}`)}`);
  await expect(mediator.locator(`#case-list tr[data-case="${caseId}"]`)).toBeVisible();

  // Paging: pages of two, the next link keeps the filters, no case twice.
  await open(mediator, info, '/cases?view=all&sort=newest&limit=2');
  const firstPage = await mediator.locator('#case-list tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-case')));
  expect(firstPage.length).toBeGreaterThan(0);
  expect(firstPage.length).toBeLessThanOrEqual(2);
  const next = mediator.locator('#case-next');
  if (await next.count()) {
    await expect(next).toHaveAttribute('href', /view=all.*sort=newest.*limit=2.*cursor=/);
    await next.click();
    await mediator.waitForLoadState('load');
    if (info.project.name === 'js') await mediator.waitForSelector('body[data-hydrated="1"]');
    await expect(mediator).toHaveURL(/cursor=/);
    // The second page has rendered once its "first page" link shows.
    await expect(mediator.locator('#case-first')).toBeVisible();
    const secondPage = await mediator.locator('#case-list tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-case')));
    expect(secondPage.length).toBeGreaterThan(0);
    expect(secondPage.filter((id) => firstPage.includes(id))).toEqual([]);
  }

  // Take it, then an internal note.
  await mediator.goto(url);
  await act(mediator, info, 'take');
  const secret = `内部备注：商家此前有同类投诉 ${run}`;
  await mediator.fill('#note-text', secret);
  await submit(mediator, info, '#note-form');
  await expect(mediator.locator('#timeline li[data-kind="internal"]').last()).toContainText(secret);

  // The consumer's and the merchant's case pages do not show it.
  await page.goto(url);
  await expect(page.locator('#timeline')).toBeVisible();
  await expect(page.locator('body')).not.toContainText(secret);
  await expect(page.locator('#staff-tools')).toHaveCount(0);
  await merchant.goto(url);
  await expect(merchant.locator('#timeline')).toBeVisible();
  await expect(merchant.locator('body')).not.toContainText(secret);
  await leave(merchant);

  // The workload page counts the mediator's case.
  await open(mediator, info, '/staff/workload');
  await expect(mediator.locator('#workload-mediators')).toBeVisible();
  await expect(mediator.locator('#workload-mediators tbody tr').first()).toBeVisible();

  // Recusal: back to the queue, and no way to take it again.
  await mediator.goto(url);
  await mediator.fill('#recuse-reason', '本人与商户负责人相识');
  await submit(mediator, info, '#recuse-form');
  await expect(mediator.locator('#timeline li[data-kind="recuse"]')).toContainText('本人与商户负责人相识');
  await expect(mediator.locator('form[data-action="take"]')).toHaveCount(0);
  await expect(mediator.locator('#recuse-form')).toHaveCount(0);
  await leave(mediator);
});

test('lists mark what is new to each side with the working days left; a mediator takes a case from the queue list', async ({ page, browser }, info) => {
  const run = `${info.project.name}-${Date.now()}`;
  const title = `杯盖漏水${run}`;
  await signIn(page, info, 'consumer@demo.gongdao.cn');
  const url = await fileComplaint(page, info, title, `E2E-NEW-${run}`);
  const caseId = url.split('/').pop()!;
  const row = (p: Page) => p.locator(`#case-list tr[data-case="${caseId}"]`);

  // New to the merchant, with the days it has to answer; not new to the consumer who filed it.
  const merchant = await party(browser, info, 'merchant@demo.gongdao.cn');
  await open(merchant, info, '/cases?sort=newest');
  await expect(row(merchant)).toHaveAttribute('data-unread', 'true');
  await expect(row(merchant).locator('.unread-mark')).toHaveText('新动态');
  await expect(row(merchant).locator('.time-left')).toHaveText(/^剩 \d+ 个工作日$/);
  await open(page, info, '/cases?sort=newest');
  await expect(row(page)).toHaveAttribute('data-unread', 'false');

  // The merchant opens and answers: no longer new to it, new to the consumer.
  await open(merchant, info, `/cases/${caseId}`);
  await act(merchant, info, 'respond', { message: '已收到，正在核实。' });
  await open(merchant, info, '/cases?sort=newest');
  await expect(row(merchant)).toHaveAttribute('data-unread', 'false');
  await open(page, info, '/cases?sort=newest');
  await expect(row(page)).toHaveAttribute('data-unread', 'true');
  await open(page, info, `/cases/${caseId}`);
  await act(page, info, 'escalate', { reason: '商户没有解决' });

  // The mediator takes it from the queue list and lands on the case, now theirs.
  const mediator = await party(browser, info, 'mediator@demo.gongdao.cn');
  await open(mediator, info, `/cases?view=queue&sort=newest&q=${encodeURIComponent(run)}`);
  await expect(row(mediator).locator('.take-form button')).toHaveText('受理');
  await submit(mediator, info, `#case-list tr[data-case="${caseId}"] .take-form`);
  await expect(mediator).toHaveURL(new RegExp(`/cases/${caseId}$`));
  await expect(mediator.locator('form[data-action="propose"]')).toBeVisible();
  await open(mediator, info, `/cases?view=queue&sort=newest&q=${encodeURIComponent(run)}`);
  await expect(row(mediator)).toHaveCount(0);
  await leave(merchant);
  await leave(mediator);
});

test('a consumer cannot reach the workload page and has no staff tools', async ({ page }, info) => {
  await signIn(page, info, 'consumer@demo.gongdao.cn');
  await open(page, info, '/staff/workload');
  await expect(page.locator('#workload-refused')).toBeVisible();
  await open(page, info, '/cases');
  await expect(page.locator('#case-assignee')).toHaveCount(0);
  await expect(page.locator('#workload-link')).toHaveCount(0);
});
