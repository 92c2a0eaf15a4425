import { expect, Page, TestInfo } from '@playwright/test';
import { leave, mailedLink, open, party, signIn, test, uniqueEmail } from './helpers';

// Professional-claimant screening (职业索赔筛查): a fresh consumer files the
// same story against two demo merchants three times; their newest case page
// tells them in plain words that their pattern is under review and lets them
// object; a regulator decides from the queue (/regulator?tab=screening).
// Each project uses its own merchants: js 200 and 201, nojs 202 and 203.

const REGULATOR = 'regulator@demo.gongdao.cn';
const PASSWORD = 'correct-horse-42';

const STORY = '本人购买的进口婴儿奶粉外包装没有中文标签，违反食品安全法，要求退一赔十，订单号';

async function submit(page: Page, info: TestInfo, button: ReturnType<Page['locator']>) {
  const navigated = page.waitForEvent('framenavigated', { predicate: (f) => f === page.mainFrame() });
  await button.click();
  await navigated;
  await page.waitForLoadState('load');
  if (info.project.name === 'js') await page.waitForSelector('body[data-hydrated="1"]');
}

test('a flagged consumer is told, objects in time, and a regulator decides', async ({ page, browser, playwright }, info) => {
  const base = info.project.name === 'js' ? 200 : 202;
  const email = uniqueEmail(info, 'screening');
  const anon = await playwright.request.newContext({ baseURL: info.project.use.baseURL });
  const reg = await anon.post('/api/v1/users', {
    data: { email, password: PASSWORD, display_name: '赵职业', role: 'consumer' },
  });
  expect(reg.status(), await reg.text()).toBe(201);
  await page.goto(await mailedLink(page, info, email, '/verify?token='));
  const login = await anon.post('/api/v1/session', { data: { email, password: PASSWORD } });
  expect(login.status(), await login.text()).toBe(200);
  const headers = { Authorization: `Bearer ${(await login.json()).token}` };
  let last = 0;
  for (const [i, m] of [base, base + 1, base].entries()) {
    const r = await anon.post('/api/v1/cases', {
      headers,
      data: {
        merchant_id: m,
        category: 'counterfeit',
        title: '进口奶粉无中文标签',
        narrative: `${STORY} ${1000 + i}。`,
        order_ref: `SCR-${info.project.name}-${Date.now()}-${i}`,
        order_date: '2026-11-01',
        amount_paid_fen: 39900,
        amount_claimed_fen: 399000,
        remedy: 'compensation',
        demand: 'punitive_10x',
      },
    });
    expect(r.status(), await r.text()).toBe(201);
    last = (await r.json()).id;
  }
  await anon.dispose();

  // The consumer's case page: plain words, the due date, the objection form.
  await signIn(page, info, email, PASSWORD);
  await open(page, info, `/cases/${last}`);
  const notice = page.locator('#screening-notice');
  await expect(notice).toHaveAttribute('data-status', 'under_review');
  await expect(notice).toContainText('这不影响任何事情');
  await expect(page.locator('#screening-due')).not.toBeEmpty();
  await expect(page.locator('#case-demand')).toHaveAttribute('data-demand', 'punitive_10x');
  await expect(page.locator('#screening-mark')).toHaveCount(0);
  await page.fill('#screening-objection-form textarea[name=statement]', '我是普通消费者，三次购买都是给孩子喝的，问题确实存在，有海关查询记录。');
  await submit(page, info, page.locator('#screening-objection-form button[type=submit]'));
  await expect(page.locator('#screening-objected')).toBeVisible();
  await expect(page.locator('#screening-objection-form')).toHaveCount(0);
  // The case proceeds as any other.
  await expect(page.locator('#case')).toHaveAttribute('data-status', 'awaiting_merchant');

  // The regulator sees the objection and clears the flag with a reason.
  const r = await party(browser, info, REGULATOR);
  await open(r, info, '/regulator?tab=screening');
  const item = r.locator('#screening article.queue-item', { has: r.locator(`a[href="/cases/${last}"]`) });
  await expect(item).toHaveAttribute('data-status', 'under_review');
  await expect(item.locator('li[data-signal="repeated_narratives"]')).toBeVisible();
  await expect(item.locator('.statement')).toContainText('海关查询记录');
  await item.locator('textarea[name=reason]').fill('消费者说明合理，三次投诉针对同一批次问题，属于正常维权。');
  await submit(r, info, item.locator('button[name=uphold][value=false]'));
  await expect(r.locator('#regulator-done')).toHaveAttribute('data-done', 'screening');
  await expect(r.locator('#regulator-done')).toHaveAttribute('data-status', 'cleared');
  // Staff see the mark with its signals on the case page.
  await open(r, info, `/cases/${last}`);
  await expect(r.locator('#screening-mark')).toHaveAttribute('data-status', 'cleared');
  await leave(r);

  // The consumer is told of the decision on the case page.
  await open(page, info, `/cases/${last}`);
  await expect(page.locator('#screening-notice')).toHaveAttribute('data-status', 'cleared');
});
