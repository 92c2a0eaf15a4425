// The case page as a conversation (issue 16): what is expected of the
// reader first, as the one primary form, and every other allowed step
// folded; the offer shown once with its two answers side by side; the
// thread of messages, offers and evidence in order, each with who and when.
import { expect, Page, TestInfo } from '@playwright/test';
import { act, actionForm, apiAs, leave, open, party, serverFnAnswer, signIn, test } from './helpers';

const CONSUMER = 'consumer@demo.gongdao.cn';
const MERCHANT = 'merchant@demo.gongdao.cn';
const ANSWERS = ['accept_offer', 'reject_offer', 'accept_proposal', 'reject_proposal'];

/** Files a complaint against demo merchant 1 through the API as the demo consumer; its id. */
async function fileByApi(info: TestInfo): Promise<number> {
  const { api, headers } = await apiAs(info, CONSUMER);
  const today = new Date(Date.now() + 8 * 3600_000 - 5 * 86400_000).toISOString().slice(0, 10);
  const r = await api.post('/api/v1/cases', {
    headers,
    data: {
      merchant_id: 1,
      category: 'not_as_pictured',
      title: `图片与实物不符（对话 ${info.project.name}）`,
      narrative: '商品页面展示的是不锈钢杯身，收到的是塑料杯身，要求退款。',
      order_ref: `CONV-${info.project.name}-${Date.now()}`,
      order_date: today,
      amount_paid_fen: 16800,
      amount_claimed_fen: 16800,
      remedy: 'refund',
    },
  });
  const body = await r.text();
  expect(r.status(), body).toBe(201);
  await api.dispose();
  return JSON.parse(body).id;
}

/**
 * The page's steps against the API's for the same reader: the primary form
 * is the API's `next_action` (one of `allowed_actions`), and every allowed
 * step has exactly one form; the ones not expected are folded (closed).
 */
async function stepsMatchApi(page: Page, id: number): Promise<string | null> {
  const r = await page.request.get(`/api/v1/cases/${id}`);
  expect(r.ok()).toBeTruthy();
  const view = await r.json();
  const allowed: string[] = view.allowed_actions;
  const next: string | null = view.next_action ?? null;
  if (next !== null) expect(allowed).toContain(next);
  const primary = page.locator('#case form.primary-action');
  if (next === null) {
    await expect(primary).toHaveCount(0);
  } else {
    await expect(primary).toHaveCount(1);
    await expect(primary).toHaveAttribute('data-action', next);
    await expect(primary).toBeVisible();
    await expect(primary.locator('button[type=submit]')).toHaveClass(/primary/);
    await expect(page.locator('#your-turn')).toHaveAttribute('data-action', next);
  }
  const forms = page.locator('#case form.action-form');
  const onPage: string[] = [];
  for (let i = 0; i < (await forms.count()); i++) onPage.push((await forms.nth(i).getAttribute('data-action'))!);
  expect(onPage.sort()).toEqual([...allowed].sort());
  for (const kind of allowed.filter((k) => k !== next && !ANSWERS.includes(k))) {
    const folded = page.locator(`details.action-more[data-action="${kind}"]`);
    await expect(folded).toHaveCount(1);
    await expect(folded).not.toHaveAttribute('open', '');
    await expect(folded.locator('form.action-form')).toBeHidden();
  }
  return next;
}

/** The thread: entries in trail order, each saying who and when. */
async function thread(page: Page): Promise<{ kind: string; side: string }[]> {
  const items = page.locator('#timeline li.entry');
  const out: { kind: string; side: string }[] = [];
  let last = -1;
  for (let i = 0; i < (await items.count()); i++) {
    const li = items.nth(i);
    const seq = Number(await li.getAttribute('data-seq'));
    expect(seq).toBeGreaterThan(last);
    last = seq;
    await expect(li.locator('.who')).not.toBeEmpty();
    await expect(li.locator('time[datetime]')).toHaveCount(1);
    const side = ((await li.getAttribute('class')) ?? '').split(' ').find((c) => c.startsWith('from-')) ?? '';
    out.push({ kind: (await li.getAttribute('data-kind'))!, side });
  }
  return out;
}

test('the case page is one conversation: the expected step first, the offer once with both answers, the thread in order', async ({ page, browser }, info) => {
  const id = await fileByApi(info);
  const url = `/cases/${id}`;

  // The consumer, just filed: what happens next and the real deadline.
  await signIn(page, info, CONSUMER);
  await open(page, info, url);
  await expect(page.locator('#filed-next h2')).toHaveText('投诉已提交');
  await expect(page.locator('#filed-deadline')).toContainText('北京时间');
  await expect(page.locator('#filed-deadline')).toContainText(/还有 \d+ 个工作日/);
  await stepsMatchApi(page, id);
  // The same in English.
  const host = new URL(info.project.use.baseURL!).hostname;
  await page.context().addCookies([{ name: 'gongdao_lang', value: 'en', domain: host, path: '/' }]);
  await open(page, info, url);
  await expect(page.locator('#filed-next h2')).toHaveText('Your complaint is filed');
  await expect(page.locator('#filed-deadline')).toContainText('Beijing time');
  await expect(page.locator('#your-turn')).toContainText('Your turn');
  await page.context().addCookies([{ name: 'gongdao_lang', value: 'zh', domain: host, path: '/' }]);

  // The merchant, from its workspace: the new case is marked and shows its
  // time left; answering is the expected step on its page.
  const merchant = await party(browser, info, MERCHANT);
  await open(merchant, info, `/cases?status=awaiting_merchant&q=${encodeURIComponent(`对话 ${info.project.name}`)}`);
  const row = merchant.locator(`#case-list tr[data-case="${id}"]`);
  await expect(row).toHaveAttribute('data-unread', 'true');
  await expect(row.locator('.time-left')).toContainText('个工作日');
  await expect(merchant.locator('#workspace-templates')).toHaveAttribute('href', '/merchants/templates');
  await row.locator(`a[href="${url}"]`).click();
  await expect(merchant).toHaveURL(new RegExp(`${url}$`));
  await merchant.waitForLoadState('load');
  if (info.project.name === 'js') await merchant.waitForSelector('body[data-hydrated="1"]');
  await expect(merchant.locator('#filed-next')).toHaveCount(0);
  expect(await stepsMatchApi(merchant, id)).toBe('respond');
  await expect(merchant.locator('#next-step #deadlines')).toContainText('商户首次回应期限');
  await act(merchant, info, 'respond', { message: '您好，我们已收到，正在核实商品批次。' });
  expect(await stepsMatchApi(merchant, id)).toBe('offer');
  await act(merchant, info, 'offer', { amount: '120', fulfil_within_days: '5', message: '可退款 120 元，商品无需寄回。' });

  // The consumer: the offer once, its two answers side by side, accepting expected.
  await open(page, info, url);
  await expect(page.locator('#filed-next')).toHaveCount(0);
  expect(await stepsMatchApi(page, id)).toBe('accept_offer');
  const offer = page.locator('#terms .on-table[data-terms="case.offer"]');
  await expect(offer).toHaveCount(1);
  await expect(offer).toContainText('¥120.00');
  const accept = offer.locator('form[data-action="accept_offer"]');
  const reject = offer.locator('form[data-action="reject_offer"]');
  await expect(accept).toBeVisible();
  await expect(reject).toBeVisible();
  const [a, b] = [await accept.boundingBox(), await reject.boundingBox()];
  if ((page.viewportSize()?.width ?? 0) > 720) {
    // Side by side on a wide screen: same row, accept first.
    expect(Math.abs(a!.y - b!.y)).toBeLessThan(4);
    expect(a!.x).toBeLessThan(b!.x);
  }

  // A message is a folded step: opened, sent, it joins the thread at the end.
  await act(page, info, 'message', { message: '请问退款几天到账？' });
  const said = await thread(page);
  expect(said.map((e) => e.kind)).toEqual(['filed', 'respond', 'offer', 'message']);
  expect(said.map((e) => e.side)).toEqual(['from-consumer', 'from-merchant', 'from-merchant', 'from-consumer']);
  await expect(page.locator('#timeline li.entry[data-kind="offer"] .terms')).toContainText('¥120.00');
  await expect(page.locator('#timeline li.entry').last()).toContainText('请问退款几天到账？');

  // Accepted: settled, and the merchant's expected step is to carry it out.
  await act(page, info, 'accept_offer');
  await expect(page.locator('#case-status')).toHaveText('已和解');
  await open(merchant, info, url);
  expect(await stepsMatchApi(merchant, id)).toBe('comply');
  await leave(merchant);
});

test('a refused step shows its error under that step only, and a folded one comes back open', async ({ browser }, info) => {
  const id = await fileByApi(info);
  const merchant = await party(browser, info, MERCHANT);
  await open(merchant, info, `/cases/${id}`);
  // Answering is expected; an offer is folded. An amount that is no amount
  // passes the browser (a text field) and is refused by the server.
  await expect(merchant.locator('#case form.primary-action')).toHaveAttribute('data-action', 'respond');
  const form = await actionForm(merchant, 'offer');
  await form.locator('[name="amount"]').fill('十二块钱');
  await form.locator('[name="message"]').fill('可退款。');
  const js = info.project.name === 'js';
  const answered = js
    ? serverFnAnswer(merchant)
    : merchant.waitForEvent('framenavigated', { predicate: (f) => f === merchant.mainFrame() });
  await form.locator('button[type=submit]').click();
  await answered;
  await merchant.waitForLoadState('load');
  if (!js) expect(merchant.url()).toContain('__err=');
  // One error on the page, under the offer, which is open; none under the
  // expected step.
  const alerts = merchant.locator('#case form.action-form [role=alert]');
  await expect(alerts).toHaveCount(1);
  await expect(merchant.locator('form[data-action="offer"] [role=alert]')).toContainText('金额');
  await expect(merchant.locator('form[data-action="respond"] [role=alert]')).toHaveCount(0);
  await expect(merchant.locator('details.action-more[data-action="offer"]')).toHaveAttribute('open', '');
  await expect(merchant.locator('form[data-action="offer"]')).toBeVisible();
  // Corrected, it goes through.
  await act(merchant, info, 'offer', { amount: '12', fulfil_within_days: '5', message: '可退款 12 元。' });
  await expect(merchant.locator('#timeline li.entry[data-kind="offer"] .terms')).toContainText('¥12.00');
  await leave(merchant);
});
