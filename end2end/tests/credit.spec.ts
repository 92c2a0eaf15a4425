import { APIRequestContext, Browser, expect, Locator, Page, TestInfo } from '@playwright/test';
import { createHash } from 'node:crypto';
import { apiToken, leave, open, party, signIn, test } from './helpers';

// Merchant credit through the browser: the public profile (亮照亮标, grade and
// the factors behind it, commitments, the credit file, ratings with names
// masked), a merchant registering a business, the verified merchant signing
// the credit commitment and going through due process on a finding, mutual
// ratings on the case page, and the published method. Every project run
// makes its own merchants (fresh accounts and codes), so js and nojs never
// see each other's state; the closed demo case is rated by the js project,
// nojs closes one of its own through the API.

const CONSUMER = 'consumer@demo.gongdao.cn';
const MERCHANT = 'merchant@demo.gongdao.cn';
const REGULATOR = 'regulator@demo.gongdao.cn';
const PASSWORD = 'correct-horse-42';
const FULL_NAME = '王小明';
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);

// ---- unified social credit codes (GB 32100-2015)

const CHARSET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

/** A fresh code with a valid check character: nobody has registered it yet. */
function newUscc(): string {
  let body = '91110108';
  for (let i = 0; i < 9; i++) body += CHARSET[Math.floor(Math.random() * CHARSET.length)];
  const sum = [...body].reduce((s, c, i) => s + CHARSET.indexOf(c) * WEIGHTS[i], 0);
  return body + CHARSET[(31 - (sum % 31)) % 31];
}

/** The same code with a wrong check character. */
function badCheck(code: string): string {
  const last = CHARSET.indexOf(code[17]);
  return code.slice(0, 17) + CHARSET[(last + 1) % CHARSET.length];
}

/** A Beijing date `days` ago, `YYYY-MM-DD`. */
function beijingDate(daysAgo: number): string {
  return new Date(Date.now() + 8 * 3600_000 - daysAgo * 86400_000).toISOString().slice(0, 10);
}

// ---- extra browser contexts, each failing on its own console errors

/**
 * Submits `form` and waits for the page the server sends back. Hydrated, an
 * `ActionForm` posts with fetch and the redirect loads the page again; a
 * plain form, or any form without JavaScript, navigates by itself.
 */
async function submit(page: Page, info: TestInfo, form: Locator) {
  const navigated = page.waitForEvent('framenavigated', { predicate: (f) => f === page.mainFrame() });
  await form.locator('button[type=submit]').click();
  await navigated;
  await page.waitForLoadState('load');
  if (info.project.name === 'js') await page.waitForSelector('body[data-hydrated="1"]');
}

/**
 * Submits the case page's form `selector` (filled by `fill`) and waits for
 * `done`. On SQLite a case step or rating whose transaction meets another
 * write — the outbox delivering mail and recomputing the merchant's credit
 * after the case closed — is refused with 409 "案件刚刚被他人更新，请刷新后重试",
 * shown in the form, and nothing is written: submit again, as a person would.
 */
async function submitRetrying(page: Page, info: TestInfo, selector: string, fill: (form: Locator) => Promise<void>, done: Locator) {
  const js = info.project.name === 'js';
  for (let attempt = 1; ; attempt++) {
    const form = page.locator(selector);
    await fill(form);
    const answered = js
      ? page.waitForResponse((r) => {
          const path = new URL(r.url()).pathname;
          return r.request().method() === 'POST' && path.startsWith('/api/') && !path.startsWith('/api/v1/');
        })
      : page.waitForEvent('framenavigated', { predicate: (f) => f === page.mainFrame() });
    await form.locator('button[type=submit]').click();
    const r = await answered;
    let refused: boolean;
    if (js) {
      const response = r as Awaited<ReturnType<Page['waitForResponse']>>;
      refused = !response.ok() && (await response.text()).includes('err.case_changed');
      if (!response.ok() && !refused) throw new Error(`${selector}: ${response.status()} ${await response.text()}`);
    } else {
      await page.waitForLoadState('load');
      refused = page.url().includes('__err=') && (await page.locator(`${selector} [role=alert]`).textContent())!.includes('请刷新后重试');
    }
    if (!refused) break;
    expect(attempt, `${selector} refused as changed ${attempt} times`).toBeLessThan(6);
  }
  await expect(done).toBeVisible();
  if (js) await page.waitForSelector('body[data-hydrated="1"]');
}

/** Opens the profile of merchant `id` until its credit has been computed (the outbox does it shortly after a change). */
async function openProfileWithGrade(page: Page, info: TestInfo, id: number | string) {
  await expect(async () => {
    await open(page, info, `/merchants/${id}`);
    await expect(page.locator('#credit-grade')).toBeVisible({ timeout: 500 });
  }).toPass({ timeout: 20_000 });
}

// ---- the JSON API, for what other parties do off-screen

async function api(request: APIRequestContext, bearer: string, path: string, data: object): Promise<any> {
  const r = await request.post(path, { data, headers: { Authorization: `Bearer ${bearer}` } });
  const body = await r.text();
  expect(r.ok(), `POST ${path}: ${r.status()} ${body}`).toBeTruthy();
  return JSON.parse(body);
}

/** A new merchant account (self-registration); its address. */
async function newMerchantAccount(request: APIRequestContext, info: TestInfo, tag: string): Promise<string> {
  const email = `e2e-${tag}-${info.project.name}-${Date.now()}-${Math.floor(Math.random() * 1e6)}@example.cn`;
  const r = await request.post('/api/v1/users', {
    data: { email, password: PASSWORD, display_name: `测试商户${tag}`, role: 'merchant' },
  });
  expect(r.status(), await r.text()).toBe(201);
  return email;
}

function registration(uscc: string, name: string) {
  return {
    uscc,
    name,
    entity_type: 'enterprise',
    kind: 'shop',
    registered_address: '北京市海淀区中关村大街 1 号',
    business_scope: '日用百货、服装鞋帽的网上销售',
    shop_names: ['公道测试旗舰店', 'https://shop.example.cn/gongdao-test'],
    licence_valid_until: '2035-12-31',
  };
}

// ---- (a) the public profile

test('anonymous: the merchant profile shows the verification mark, the grade with its factors, and no consumer name', async ({ page }, info) => {
  await openProfileWithGrade(page, info, 1);
  await expect(page.locator('#merchant-name')).not.toBeEmpty();

  // 亮照亮标: the mark with its date, and the licence fields.
  await expect(page.locator('#verified-mark')).toContainText('已实名认证');
  await expect(page.locator('#verified-mark')).toHaveAttribute('data-verified-at', /^\d{4}-\d{2}-\d{2}$/);
  await expect(page.locator('#verified-on')).toContainText('认证日期');
  await expect(page.locator('#licence-fields [data-field="uscc"]')).toHaveText(/^[0-9A-Z]{18}$/);
  await expect(page.locator('#licence-fields [data-field="shop_names"]')).toContainText('官方旗舰店');

  // The grade, the score, and every factor behind it.
  const credit = page.locator('#credit');
  const grade = await credit.getAttribute('data-grade');
  expect(['A+', 'A', 'B', 'C', 'D']).toContain(grade);
  await expect(page.locator('#credit-grade')).toHaveText(grade!);
  const score = Number(await credit.getAttribute('data-score'));
  expect(score).toBeGreaterThanOrEqual(0);
  expect(score).toBeLessThanOrEqual(1000);
  await expect(page.locator('#credit-score')).toHaveText(String(score));
  const factors = page.locator('#credit-factors tbody tr');
  await expect(factors).toHaveCount(11); // the base and the ten factors
  const verification = page.locator('#credit-factors tr[data-factor="verification"]');
  await expect(verification.locator('.label')).toHaveText('实名认证');
  await expect(verification.locator('.points')).toHaveText('+100');
  await expect(verification.locator('.range')).toHaveText('0 … +100');
  await expect(verification.locator('.detail')).toHaveText('✓');
  await expect(page.locator('#credit-factors tr[data-factor="complaint_rate"] .label')).toHaveText('投诉率');
  await expect(page.locator('#credit-factors tr[data-factor="complaint_rate"] .range')).toHaveText('−200 … +100');
  // The points add up to the score (clamped to 0…1000).
  const points = await page.locator('#credit-factors tbody tr').evaluateAll((rows) =>
    rows.map((r) => Number((r.querySelector('.points')!.textContent ?? '0').replace('−', '-').replace('+', ''))),
  );
  expect(Math.max(0, Math.min(1000, points.reduce((a, b) => a + b, 0)))).toBe(score);
  await expect(page.locator('#method-link')).toHaveAttribute('href', '/credit/method');

  // Statistics, the public file, ratings, the fund's figures.
  await expect(page.locator('#stats [data-field="complaints"] dd')).toHaveText(/^\d+$/);
  await expect(page.locator('#records')).toBeVisible();
  await expect(page.locator('#ratings')).toBeVisible();
  await expect(page.locator('#merchant-fund')).toBeVisible();
  // Case outcomes on display carry their case number and display period.
  const outcome = page.locator('#records-table tr[data-kind="settled"]').first();
  await expect(outcome.locator('.case')).toHaveText(/\S+/);
  await expect(outcome.locator('.until')).toHaveText(/^\d{4}-\d{2}-\d{2}$/);

  // Nobody but the merchant's account sees its panel, and no consumer's full name shows.
  await expect(page.locator('#merchant-manage')).toHaveCount(0);
  await expect(page.locator('body')).not.toContainText(FULL_NAME);

  // /merchants/register is for merchant accounts.
  await open(page, info, '/merchants/register');
  await expect(page.locator('#mybiz-refused')).toBeVisible();
});

// ---- (c) registration

test('a merchant registers a business: a bad code is refused on its field, a good one waits with its licence', async ({ page, request }, info) => {
  const email = await newMerchantAccount(request, info, 'reg');
  await signIn(page, info, email, PASSWORD);
  await page.click('#nav-my-business');
  await expect(page).toHaveURL(/\/merchants\/register$/);
  if (info.project.name === 'js') await page.waitForSelector('body[data-hydrated="1"]');
  await expect(page.locator('#requests-none')).toBeVisible();
  await expect(page.locator('#verified-none')).toBeVisible();

  const uscc = newUscc();
  const form = page.locator('#register-business-form');
  const fill = async (code: string) => {
    const r = registration(code, `公道测试商贸有限公司（${info.project.name}）`);
    await form.locator('[name=uscc]').fill(r.uscc);
    await form.locator('[name=name]').fill(r.name);
    await form.locator('[name=entity_type]').selectOption(r.entity_type);
    await form.locator('[name=kind]').selectOption('logistics');
    await form.locator('[name=registered_address]').fill(r.registered_address);
    await form.locator('[name=business_scope]').fill(r.business_scope);
    await form.locator('[name=shop_names]').fill(r.shop_names.join('\n'));
    await form.locator('[name=licence_valid_until]').fill(r.licence_valid_until);
  };

  // A code failing its check character is refused, the error under the field.
  await fill(badCheck(uscc));
  await form.locator('button[type=submit]').click();
  const fieldError = page.locator('#register-business-form .field-error[data-field="uscc"]');
  await expect(fieldError).toHaveText('统一社会信用代码校验位不正确');
  await expect(page.locator('#requests-none')).toBeVisible();

  // A valid one is accepted and waits for a regulator.
  await fill(uscc);
  await submit(page, info, form);
  await expect(page.locator('#registered-notice')).toContainText('等待监管部门审核');
  const request1 = page.locator(`#verification-requests .request[data-uscc="${uscc}"]`);
  await expect(request1).toHaveAttribute('data-status', 'pending');
  await expect(request1.locator('.badge.status')).toHaveText('待审核');
  await expect(request1.locator('.licence-state')).toHaveAttribute('data-uploaded', 'false');

  // The licence: something that is not an image is refused with the reason; a PNG is stored.
  const upload = request1.locator('form.licence-form');
  await upload.locator('input[name=file]').setInputFiles({ name: 'licence.png', mimeType: 'image/png', buffer: Buffer.from('not an image') });
  await submit(page, info, upload);
  await expect(page.locator('#licence-error')).toContainText('只接受');
  await upload.locator('input[name=file]').setInputFiles({ name: 'licence.png', mimeType: 'image/png', buffer: PNG });
  await submit(page, info, upload);
  await expect(page.locator('#licence-ok')).toHaveText('营业执照已上传。');
  await expect(request1.locator('.licence-state')).toHaveAttribute('data-uploaded', 'true');

  // The same code again, while it waits, is refused on its field.
  await fill(uscc);
  await form.locator('button[type=submit]').click();
  await expect(page.locator('#register-business-form .field-error[data-field="uscc"]')).toHaveText('您对该经营者的认证申请正在审核中');
  await expect(page.locator('#verification-requests .request')).toHaveCount(1);
});

// ---- (b) the commitment, and due process on a finding

test('a verified merchant signs the credit commitment, objects to a finding and applies for its repair', async ({ page, browser, request }, info) => {
  test.setTimeout(150_000);
  // Off-screen: a new merchant account registers a business with its licence; the regulator verifies it.
  const email = await newMerchantAccount(request, info, 'sign');
  const merchantToken = await apiToken(test.info(), email, PASSWORD);
  const name = `公道承诺测试有限公司（${info.project.name}）`;
  const v = await api(request, merchantToken, '/api/v1/merchants', registration(newUscc(), name));
  const up = await request.post(`/api/v1/merchants/verifications/${v.id}/licence`, {
    headers: { Authorization: `Bearer ${merchantToken}` },
    multipart: { file: { name: 'licence.png', mimeType: 'image/png', buffer: PNG } },
  });
  expect(up.status(), await up.text()).toBe(200);
  expect((await up.json()).licence_sha256).toMatch(/^[0-9a-f]{64}$/);
  const regulator = await apiToken(test.info(), REGULATOR);
  await api(request, regulator, `/api/v1/regulator/verifications/${v.id}/decision`, { approve: true, reason: '执照信息核对无误' });
  const merchantId = v.merchant_id;

  // The merchant finds the business under 我的商户 and opens its page.
  await signIn(page, info, email, PASSWORD);
  await open(page, info, '/merchants/register');
  await expect(page.locator(`#verification-requests .request[data-request="${v.id}"]`)).toHaveAttribute('data-status', 'verified');
  await page.locator(`#verified-businesses li[data-merchant="${merchantId}"] a`).click();
  await expect(page).toHaveURL(new RegExp(`/merchants/${merchantId}$`));
  if (info.project.name === 'js') await page.waitForSelector('body[data-hydrated="1"]');
  await expect(page.locator('#merchant-manage')).toBeVisible();

  // The full standard text, both languages; ticking 我已阅读并同意 signs it.
  const zh = (await page.locator('#commitment-zh').textContent())!;
  expect(zh).toContain('本经营者郑重承诺');
  await expect(page.locator('#commitment-en')).toContainText('We solemnly commit');
  await page.locator('#commitment-accept').check();
  await submit(page, info, page.locator('#commitment-form'));
  await expect(page.locator('#manage-done')).toContainText('已签署信用承诺');
  await expect(page.locator('#commitment-signed')).toBeVisible();
  await expect(page.locator('#commitment-form')).toHaveCount(0);

  // Anyone sees it: version, time, and the SHA-256 of the Chinese text signed; the licence and mark too.
  const anon = await party(browser, info);
  await open(anon, info, `/merchants/${merchantId}`);
  const sha = createHash('sha256').update(zh, 'utf8').digest('hex');
  const signed = anon.locator('#commitments tr[data-version]');
  await expect(signed).toHaveCount(1);
  await expect(signed).toHaveAttribute('data-sha256', sha);
  await expect(signed.locator('.hash')).toHaveText(sha);
  await expect(signed.locator('.signed-at')).toHaveText(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/);
  await expect(signed.locator('.state')).toHaveText('有效');
  await expect(anon.locator('#verified-mark')).toBeVisible();
  const licence = await anon.locator('#licence-link').getAttribute('href');
  expect(licence).toMatch(/^\/api\/v1\/merchants\/verifications\/\d+\/licence$/);
  const image = await anon.request.get(licence!);
  expect(image.headers()['content-type']).toBe('image/png');
  await expect(anon.locator('#licence-fields [data-field="kind"]')).toHaveText('网店');
  await expect(anon.locator('#merchant-manage')).toHaveCount(0);

  // A regulator's finding waits out the objection period, seen only by the merchant.
  const finding = await api(request, regulator, `/api/v1/regulator/merchants/${merchantId}/records`, {
    kind: 'false_advertising',
    severity: 'serious',
    summary: '商品详情页宣称“全网最低价”，经核查不实。',
    evidence: '执法检查笔录 2026-001',
    occurred_on: beijingDate(3),
  });
  expect(finding.status).toBe('pending');
  await open(page, info, `/merchants/${merchantId}`);
  const pending = page.locator(`#pending-records li[data-record="${finding.id}"]`);
  await expect(pending.locator('.kind')).toHaveText('虚假宣传');
  await expect(pending.locator('.objection-until')).toContainText('异议截止');
  await expect(pending.locator('.evidence')).toContainText('执法检查笔录');
  await open(anon, info, `/merchants/${merchantId}`);
  await expect(anon.locator(`#records-table tr[data-record="${finding.id}"]`)).toHaveCount(0);

  // The merchant objects; the finding stays unpublished while it waits.
  const objection = pending.locator('form.objection-form');
  await objection.locator('[name=text]').fill('该宣传语已于检查前下架，且有比价记录为证。');
  await objection.locator('[name=evidence]').fill('下架截图与比价记录');
  await submit(page, info, objection);
  await expect(page.locator('#manage-done')).toContainText('异议已提交');
  const objected = page.locator(`#record-requests tr[data-kind="objection"][data-record="${finding.id}"]`);
  await expect(objected).toHaveAttribute('data-status', 'pending');
  await expect(page.locator(`#pending-records li[data-record="${finding.id}"] .request-open`)).toBeVisible();
  await expect(page.locator(`#pending-records li[data-record="${finding.id}"] form.objection-form`)).toHaveCount(0);

  // The regulator refuses the objection: the finding is published for everyone.
  const requestId = await objected.getAttribute('data-request');
  await api(request, regulator, `/api/v1/regulator/requests/${requestId}/decision`, { grant: false, reason: '下架时间晚于检查时间，异议不成立。' });
  await open(anon, info, `/merchants/${merchantId}`);
  const published = anon.locator(`#records-table tr[data-record="${finding.id}"]`);
  await expect(published.locator('.kind')).toHaveText('虚假宣传');
  await expect(published.locator('.severity')).toHaveText('严重');
  await expect(published.locator('.date')).toHaveText(beijingDate(3));
  await expect(published.locator('.until')).toHaveText(/^\d{4}-\d{2}-\d{2}$/);
  await expect(published.locator('.summary')).toContainText('全网最低价');
  await expect(anon.locator('body')).not.toContainText('执法检查笔录');
  await leave(anon);

  // The merchant sees the decision and applies for credit repair with a renewed commitment.
  await open(page, info, `/merchants/${merchantId}`);
  await expect(objected).toHaveAttribute('data-status', 'refused');
  await expect(objected.locator('.status')).toContainText('异议不成立');
  const repair = page.locator(`#repairable-records li[data-record="${finding.id}"] form.repair-form`);
  await repair.locator('[name=text]').fill('已全面整改商品宣传用语，并建立上架前审核制度。');
  await repair.locator('[name=evidence]').fill('整改报告与审核制度文件');
  await repair.locator('[name=renew_commitment]').check();
  await submit(page, info, repair);
  await expect(page.locator('#manage-done')).toContainText('信用修复申请已提交');
  await expect(page.locator(`#record-requests tr[data-kind="repair"][data-record="${finding.id}"]`)).toHaveAttribute('data-status', 'pending');
  await expect(page.locator(`#repairable-records li[data-record="${finding.id}"] .request-open`)).toBeVisible();
});

// ---- (d) mutual ratings

/** Closes a new complaint of the demo consumer against merchant 1 through the API; returns the case id. */
async function closedCase(request: APIRequestContext, info: TestInfo): Promise<number> {
  const consumer = await apiToken(test.info(), CONSUMER);
  const merchant = await apiToken(test.info(), MERCHANT);
  const c = await api(request, consumer, '/api/v1/cases', {
    merchant_id: 1,
    category: 'quality',
    title: `信用互评测试（${info.project.name}）`,
    narrative: '收到的水杯有裂纹，商户同意退款后已退款。',
    order_ref: `RATE-${info.project.name}-${Date.now()}`,
    order_date: beijingDate(7),
    amount_paid_fen: 5900,
    amount_claimed_fen: 5900,
    remedy: 'refund',
  });
  // On SQLite a step whose transaction meets another write (the outbox
  // delivering mail and recomputing the merchant's credit after the previous
  // step) is refused with 409 "the case changed, retry" and nothing is done;
  // like any client, retry it after a moment.
  const step = async (bearer: string, data: object): Promise<any> => {
    let result: any;
    await expect(async () => {
      const r = await request.post(`/api/v1/cases/${c.id}/actions`, { data, headers: { Authorization: `Bearer ${bearer}` } });
      const body = await r.text();
      expect(r.status() === 409 && body.includes('"field":"case"'), `retry ${JSON.stringify(data)}`).toBe(false);
      expect(r.ok(), `${JSON.stringify(data)}: ${r.status()} ${body}`).toBeTruthy();
      result = JSON.parse(body);
    }).toPass({ intervals: [100, 250, 500, 1000], timeout: 20_000 });
    return result;
  };
  await step(merchant, { action: 'offer', amount_fen: 5900, remedy: 'refund', fulfil_within_days: 3, message: '同意全额退款。' });
  await step(consumer, { action: 'accept_offer' });
  await step(merchant, { action: 'comply', message: '已退款' });
  const closed = await step(consumer, { action: 'confirm_fulfilment' });
  expect(closed.status).toBe('closed');
  return c.id;
}

test('the consumer rates a closed case and follows up; the merchant flags it; the profile shows the rating masked', async ({ page, browser, request }, info) => {
  test.setTimeout(120_000);
  await signIn(page, info, CONSUMER);
  let url: string;
  if (info.project.name === 'js') {
    // The closed demo case.
    await open(page, info, '/cases');
    const row = page.locator('#case-list tbody tr', { hasText: '苹果味道异常' });
    await expect(row).toHaveCount(1);
    await row.locator('a').first().click();
    await expect(page.locator('#case-status')).toHaveText('已结案');
    url = page.url();
  } else {
    url = `/cases/${await closedCase(request, info)}`;
    await open(page, info, url);
  }
  const number = (await page.locator('#case-number').textContent())!.trim();
  await expect(page.locator('#case-ratings-none')).toBeVisible();

  // The consumer: stars and a text; then the one follow-up.
  const mine = page.locator('#case-ratings li.rating[data-side="consumer"]');
  await submitRetrying(page, info, 'form[data-action="rate"]', async (f) => {
    await f.locator('[name=stars]').selectOption('4');
    await f.locator('[name=text]').fill('商户处理及时，退款到账快，但商品质量有待提高。');
  }, mine);
  await expect(mine.locator('.stars')).toHaveAttribute('data-stars', '4');
  await expect(mine.locator('.stars')).toHaveText('★★★★☆');
  await expect(mine.locator('.text')).toHaveText('商户处理及时，退款到账快，但商品质量有待提高。');
  await expect(page.locator('form[data-action="rate"]')).toHaveCount(0);
  await submitRetrying(page, info, 'form[data-action="follow_up"]', (f) => f.locator('[name=text]').fill('一周后再看：换货的新商品没有问题。'), mine.locator('.follow-up'));
  await expect(mine.locator('.follow-up')).toContainText('一周后再看');
  await expect(page.locator('form[data-action="follow_up"]')).toHaveCount(0);

  // The merchant rates the case and flags it; it sees the consumer masked.
  const merchant = await party(browser, info, MERCHANT);
  await open(merchant, info, url);
  await expect(merchant.locator('#case-ratings li.rating[data-side="consumer"] .author')).toHaveText('王**');
  await expect(merchant.locator('form[data-action="rate"] [name=stars]')).toHaveCount(0);
  const theirs = merchant.locator('#case-ratings li.rating[data-side="merchant"]');
  await submitRetrying(merchant, info, 'form[data-action="rate"]', async (f) => {
    await f.locator('[name=text]').fill('消费者在退款后仍多次要求额外补偿，疑似恶意投诉。');
    await f.locator('[name=flag_malicious]').check();
  }, theirs);
  await expect(theirs.locator('.flagged')).toBeVisible();
  await expect(theirs.locator('.text')).toContainText('疑似恶意投诉');
  await expect(merchant.locator('form[data-action="follow_up"]')).toBeVisible();
  await leave(merchant);

  // Anyone sees the consumer's rating on the merchant's page, the name masked; the merchant's stays with the case.
  const anon = await party(browser, info);
  await open(anon, info, '/merchants/1');
  const shown = anon.locator(`#ratings li.rating[data-case="${number}"]`);
  await expect(shown).toHaveCount(1);
  await expect(shown.locator('.author')).toHaveText('王**');
  await expect(shown.locator('.stars')).toHaveAttribute('data-stars', '4');
  await expect(shown.locator('.text')).toHaveText('商户处理及时，退款到账快，但商品质量有待提高。');
  await expect(shown.locator('.follow-up')).toContainText('一周后再看');
  await expect(anon.locator('body')).not.toContainText(FULL_NAME);
  await expect(anon.locator('body')).not.toContainText('疑似恶意投诉');
  await leave(anon);
});

// ---- (e) the method

test('the published credit method lists the formula, grades, periods and every parameter, in both languages', async ({ page }, info) => {
  await open(page, info, '/');
  await page.click('#footer-method');
  await expect(page).toHaveURL(/\/credit\/method$/);
  if (info.project.name === 'js') await page.waitForSelector('body[data-hydrated="1"]');
  await expect(page.locator('h1')).toHaveText('信用评分方法');
  await expect(page.locator('#method-factors tbody tr')).toHaveCount(11);
  await expect(page.locator('#method-factors tr[data-factor="adverse_records"]')).toContainText('−600 … 0');
  await expect(page.locator('#method-grades tbody tr')).toHaveCount(5);
  await expect(page.locator('#method-grades tr[data-grade="A+"]')).toContainText('900');
  await expect(page.locator('#method-caps')).toContainText('最高为 B');
  await expect(page.locator('#method-periods li[data-severity="severe"]')).toContainText('1825 天');
  await expect(page.locator('#method-black')).toContainText('¥5000.00');

  // The parameter table: every row of the published parameters, labelled.
  const params = page.locator('#method-params tr[data-param]');
  await expect(params).toHaveCount(48);
  await expect(page.locator('#method-params tr[data-param="credit.param.base"] .value')).toHaveText('600');
  const prior = page.locator('#method-params tr[data-group="credit.factor.complaint_rate"][data-param="credit.param.prior"]');
  await expect(prior.locator('.param')).toHaveText('平台先验值');
  await expect(prior.locator('.value')).toHaveText('2.00‰');
  await expect(page.locator('#method-params tr[data-group="credit.param.group.display"][data-param="credit.param.severe_days"] .value')).toHaveText('1825');
  // No label is left untranslated.
  expect(await page.locator('#method-params').textContent()).not.toMatch(/credit\.(param|factor)\./);

  // English, by the language switch.
  await page.click('#lang-switch');
  await expect(page.locator('h1')).toHaveText('Credit scoring method');
  await expect(page.locator('#method-params tr[data-param="credit.param.base"] .param')).toHaveText('Base score');
  await expect(page.locator('#method-periods li[data-severity="minor"]')).toContainText('365 days');
  await page.click('#lang-switch');
  await expect(page.locator('h1')).toHaveText('信用评分方法');
});
