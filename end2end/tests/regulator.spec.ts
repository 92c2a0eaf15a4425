import { APIRequestContext, Browser, expect, Page, TestInfo } from '@playwright/test';
import { apiAs, leave, mailedLink, open, party, signIn, test, uniqueEmail } from './helpers';

// The regulator's workspace (/regulator), the public red and black lists and
// the admins' personal-data access log. Each project works on its own demo
// merchants, so the two runs against one server never meet:
//   js: 150 (verification), 152 (finding), 154 (black list)
//   nojs: 151, 153, 155.

const REGULATOR = 'regulator@demo.gongdao.cn';
const ADMIN = 'admin@demo.gongdao.cn';
const CONSUMER = 'consumer@demo.gongdao.cn';
const PASSWORD = 'correct-horse-42';

/** The smallest valid PNG (1×1): a licence image. */
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);

function merchantFor(info: TestInfo, base: number): number {
  return info.project.name === 'js' ? base : base + 1;
}

type Playwright = { request: { newContext: (o: object) => Promise<APIRequestContext> } };

/**
 * A merchant account registered, verified by mail and signed in, that claims
 * demo merchant `merchantId` by its USCC with a licence image. Returns the
 * request's id and the business's facts.
 */
async function claimant(page: Page, playwright: Playwright, info: TestInfo, merchantId: number, tag: string) {
  const anon = await playwright.request.newContext({ baseURL: info.project.use.baseURL });
  const m = await (await anon.get(`/api/v1/merchants/${merchantId}`)).json();
  expect(m.verified_at).toBeNull();
  const email = uniqueEmail(info, tag);
  const reg = await anon.post('/api/v1/users', {
    data: { email, password: PASSWORD, display_name: `测试商户${tag}`, role: 'merchant' },
  });
  expect(reg.status(), await reg.text()).toBe(201);
  await anon.dispose();
  await page.goto(await mailedLink(page, info, email, '/verify?token='));
  await expect(page.locator('#verified')).toBeVisible();
  const { api, headers } = await apiAs(info, email, PASSWORD);
  const shop = `${m.name}官方旗舰店（${info.project.name}）`;
  const v = await api.post('/api/v1/merchants', {
    headers,
    data: {
      uscc: m.uscc,
      name: m.name,
      entity_type: 'enterprise',
      kind: 'shop',
      registered_address: m.address || '北京市朝阳区测试路 1 号',
      business_scope: m.business_scope || '日用百货销售',
      shop_names: [shop],
      licence_valid_until: '',
    },
  });
  expect(v.status(), await v.text()).toBe(201);
  const request = await v.json();
  const up = await api.post(`/api/v1/merchants/verifications/${request.id}/licence`, {
    headers,
    multipart: { file: { name: 'licence.png', mimeType: 'image/png', buffer: PNG } },
  });
  expect(up.status(), await up.text()).toBe(200);
  return { api, headers, requestId: request.id as number, uscc: m.uscc as string, name: m.name as string, shop };
}

/**
 * Submits `form` (clicking `button`) and waits until the redirect's page is
 * there. Hydrated, the form posts with fetch and the router then navigates;
 * without JavaScript the post itself navigates. Either way the main frame
 * navigates once the decision is stored.
 */
async function submit(page: Page, info: TestInfo, button: ReturnType<Page['locator']>) {
  const navigated = page.waitForEvent('framenavigated', { predicate: (f) => f === page.mainFrame() });
  await button.click();
  await navigated;
  await page.waitForLoadState('load');
  if (info.project.name === 'js') await page.waitForSelector('body[data-hydrated="1"]');
}

test('a new merchant account is verified from the queue: rejecting needs a reason, approving shows the mark', async ({ page, browser, playwright }, info) => {
  const merchantId = merchantFor(info, 150);
  const c = await claimant(page, playwright, info, merchantId, 'claim');

  const reg = await party(browser, info, REGULATOR);
  await expect(reg.locator('#nav-regulator')).toBeVisible();
  await expect(reg.locator('#nav-lists')).toBeVisible();
  await reg.locator('#nav-regulator').click();
  await expect(reg).toHaveURL(/\/regulator$/);
  if (info.project.name === 'js') await reg.waitForSelector('body[data-hydrated="1"]');
  await expect(reg.locator('#tab-verifications')).toHaveClass(/active/);
  const item = reg.locator(`#verifications article[data-request="${c.requestId}"]`);
  await expect(item).toHaveAttribute('data-uscc', c.uscc);
  await expect(item.locator('.name')).toHaveText(c.name);
  await expect(item.locator('.uscc')).toHaveText(c.uscc);
  await expect(item.locator('.shops')).toHaveText(c.shop);
  const licence = item.locator('a.licence');
  await expect(licence).toHaveAttribute('href', `/api/v1/merchants/verifications/${c.requestId}/licence`);
  const img = await reg.request.get((await licence.getAttribute('href'))!);
  expect(img.status()).toBe(200);
  expect(img.headers()['content-type']).toBe('image/png');

  // Rejecting without a reason is refused with the field named; the request stays.
  await item.locator('.reject-form button[type=submit]').click();
  await expect(reg.getByRole('alert')).toHaveText('理由：此项必填');
  await expect(reg.locator('#regulator-done')).toHaveCount(0);
  await expect(reg.locator(`#verifications article[data-request="${c.requestId}"]`)).toHaveCount(1);

  // Approved: the queue confirms it and no longer lists it.
  await submit(reg, info, reg.locator(`#verifications article[data-request="${c.requestId}"] .approve-form button[type=submit]`));
  await expect(reg.locator('#regulator-done')).toHaveAttribute('data-done', 'verified');
  await expect(reg.locator('#regulator-done')).toHaveAttribute('data-id', String(c.requestId));
  await expect(reg.locator('#regulator-done')).toContainText(`已通过实名认证申请 #${c.requestId}`);
  await expect(reg.locator(`#verifications article[data-request="${c.requestId}"]`)).toHaveCount(0);
  await expect(reg.getByRole('alert')).toHaveCount(0);

  // The public profile now carries the verification mark and the licence; the applicant sees its request verified.
  const anon = await playwright.request.newContext({ baseURL: info.project.use.baseURL });
  const profile = await (await anon.get(`/api/v1/merchants/${merchantId}`)).json();
  expect(profile.verified_at).not.toBeNull();
  expect(profile.shop_names).toEqual([c.shop]);
  expect(profile.licence_url).toBeTruthy();
  await anon.dispose();
  const mine = await (await c.api.get(`/api/v1/merchants/verifications/${c.requestId}`, { headers: c.headers })).json();
  expect(mine.status).toBe('verified');
  await c.api.dispose();
  // And so does its page, for anyone.
  await open(page, info, `/merchants/${merchantId}`);
  await expect(page.locator('#verified-mark')).toBeVisible();
  await expect(page.locator('#unverified-mark')).toHaveCount(0);
  await leave(reg);
});

test('a regulator records a finding: pending with its objection deadline, not public yet', async ({ page, playwright }, info) => {
  const merchantId = merchantFor(info, 152);
  await signIn(page, info, REGULATOR);
  await open(page, info, '/regulator');
  await page.locator('#tab-findings').click();
  await expect(page).toHaveURL(/tab=findings/);
  if (info.project.name === 'js') await page.waitForSelector('body[data-hydrated="1"]');
  const form = page.locator('#finding-form');
  // Eight kinds of misconduct, a broken commitment and a commendation, in three groups.
  await expect(form.locator('select[name=kind] option')).toHaveCount(10);
  await expect(form.locator('select[name=kind] optgroup')).toHaveCount(3);
  await form.locator('input[name=merchant]').fill(String(merchantId));
  await form.locator('select[name=kind]').selectOption('false_advertising');
  await form.locator('select[name=severity]').selectOption('minor');
  const summary = `商品详情页宣称"全网最低价"，经核查与事实不符（${info.project.name}）。`;
  await form.locator('textarea[name=summary]').fill(summary);
  await form.locator('textarea[name=evidence]').fill('现场检查笔录 2026-11-20 第 12 号');
  await submit(page, info, form.locator('button[type=submit]'));

  const created = page.locator('#finding-created');
  await expect(created).toHaveAttribute('data-status', 'pending');
  await expect(created).toContainText('异议期至');
  const recordId = await created.getAttribute('data-record');
  expect(recordId).toBeTruthy();
  const row = page.locator(`#merchant-records tr[data-record="${recordId}"]`);
  await expect(row).toHaveClass(/created/);
  await expect(row).toHaveAttribute('data-status', 'pending');
  await expect(row).toHaveAttribute('data-public', 'false');
  await expect(row.locator('.kind')).toHaveText('虚假宣传 · 轻微');
  await expect(row.locator('.status')).toHaveText('异议期中（未公示）');
  await expect(row.locator('.objection-until')).toHaveText(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/);
  await expect(row.locator('.summary')).toHaveText(summary);
  await expect(page.locator('#merchant-records')).toHaveAttribute('data-merchant', String(merchantId));

  // Signed out, the credit file does not show it (nor its evidence).
  const anon = await playwright.request.newContext({ baseURL: info.project.use.baseURL });
  const records = await (await anon.get(`/api/v1/merchants/${merchantId}/records`)).json();
  expect(records.items.map((r: { id: number }) => r.id)).not.toContain(Number(recordId));
  await anon.dispose();
  // The regulator's own view of the file has it, pending, with its deadline.
  const mine = await (await page.request.get(`/api/v1/merchants/${merchantId}/records`)).json();
  const rec = mine.items.find((r: { id: number }) => r.id === Number(recordId));
  expect(rec.status).toBe('pending');
  expect(rec.objection_until).toBeTruthy();
  expect(rec.public).toBe(false);

  // A merchant that does not exist is named in the error; nothing else is recorded.
  await form.locator('input[name=merchant]').fill('91110000000000000X');
  await form.locator('textarea[name=summary]').fill(summary);
  await form.locator('button[type=submit]').click();
  await expect(page.getByRole('alert')).toContainText('商户：');

  // A commendation takes the same form and the same objection period; it has
  // no severity, and one given is named as the error.
  const commend = async (severity: string) => {
    await form.locator('input[name=merchant]').fill(String(merchantId));
    await form.locator('select[name=kind]').selectOption('commendation');
    await form.locator('select[name=severity]').selectOption(severity);
    await form.locator('textarea[name=summary]').fill(`在消费维权专项行动中主动先行赔付，表现突出（${info.project.name}）。`);
  };
  await open(page, info, `/regulator?tab=findings&merchant=${merchantId}`);
  await commend('serious');
  await form.locator('button[type=submit]').click();
  await expect(page.getByRole('alert')).toContainText('严重程度：');
  await open(page, info, `/regulator?tab=findings&merchant=${merchantId}`);
  await commend('');
  await submit(page, info, form.locator('button[type=submit]'));
  const commended = page.locator('#finding-created');
  await expect(commended).toHaveAttribute('data-status', 'pending');
  const commendedRow = page.locator(`#merchant-records tr[data-record="${await commended.getAttribute('data-record')}"]`);
  await expect(commendedRow.locator('.kind')).toHaveText('表彰奖励');
  await expect(commendedRow).toHaveAttribute('data-public', 'false');
});

test('due process to the black list: objection refused, proposal confirmed, published on /lists/black', async ({ page, browser, playwright }, info) => {
  const merchantId = merchantFor(info, 154);
  const c = await claimant(page, playwright, info, merchantId, 'black');
  const { api: regApi, headers: regHeaders } = await apiAs(info, REGULATOR);
  const approved = await regApi.post(`/api/v1/regulator/verifications/${c.requestId}/decision`, {
    headers: regHeaders,
    data: { approve: true, reason: '' },
  });
  expect(approved.status(), await approved.text()).toBe(200);

  // A serious finding, the merchant named by its USCC.
  const reg = await party(browser, info, REGULATOR);
  await open(reg, info, '/regulator?tab=findings');
  const form = reg.locator('#finding-form');
  await form.locator('input[name=merchant]').fill(c.uscc.toLowerCase());
  await form.locator('select[name=kind]').selectOption('counterfeit');
  await form.locator('select[name=severity]').selectOption('serious');
  await form.locator('textarea[name=summary]').fill('抽检发现该店销售的保温杯为假冒注册商标商品，共 120 件。');
  await submit(reg, info, form.locator('button[type=submit]'));
  await expect(reg.locator('#merchant-records')).toHaveAttribute('data-merchant', String(merchantId));
  const recordId = await reg.locator('#finding-created').getAttribute('data-record');

  // The merchant objects within its period.
  const objection = await c.api.post(`/api/v1/records/${recordId}/objection`, {
    headers: c.headers,
    data: { text: '该批商品系品牌方授权经销，已提交授权书原件。', evidence: '授权书编号 SQ-2026-001' },
  });
  expect(objection.status(), await objection.text()).toBe(201);
  const requestId = (await objection.json()).id;

  // The regulator reads it with the record and refuses it: the finding is published.
  await open(reg, info, '/regulator?tab=requests');
  const req = reg.locator(`#requests article[data-request="${requestId}"]`);
  await expect(req).toHaveAttribute('data-kind', 'objection');
  await expect(req.locator('.statement')).toHaveText('该批商品系品牌方授权经销，已提交授权书原件。');
  await expect(req.locator('.evidence').last()).toHaveText('授权书编号 SQ-2026-001');
  await expect(req.locator(`.record[data-record="${recordId}"]`)).toHaveAttribute('data-status', 'pending');
  await expect(req.locator('.record .kind')).toHaveText('假冒伪劣 · 严重');
  await req.locator('textarea[name=reason]').fill('授权书与品牌方备案不符，异议不成立。');
  await submit(reg, info, req.locator('button.refuse'));
  await expect(reg.locator('#regulator-done')).toHaveAttribute('data-status', 'refused');
  await expect(reg.locator('#regulator-done')).toContainText(`已处理申请 #${requestId}：驳回`);
  await expect(reg.locator(`#requests article[data-request="${requestId}"]`)).toHaveCount(0);

  // The published serious record puts the merchant on the black-list proposals (recomputed in the background).
  let entryId = 0;
  await expect
    .poll(async () => {
      const r = await regApi.get('/api/v1/regulator/lists/proposals', { headers: regHeaders });
      const e = (await r.json()).items.find((x: { merchant_id: number; list: string }) => x.merchant_id === merchantId && x.list === 'black');
      entryId = e?.id ?? 0;
      return entryId;
    }, { timeout: 20_000 })
    .toBeGreaterThan(0);

  // The merchant objects to the proposal; the regulator reads it and confirms with reasons.
  const listObjection = await c.api.post(`/api/v1/lists/${entryId}/objection`, {
    headers: c.headers,
    data: { text: '我店已下架全部涉事商品并向消费者退款，请求不列入黑名单。' },
  });
  expect(listObjection.status(), await listObjection.text()).toBe(200);
  await open(reg, info, '/regulator?tab=proposals');
  const prop = reg.locator(`#proposals article[data-entry="${entryId}"]`);
  await expect(prop).toHaveAttribute('data-list', 'black');
  await expect(prop.locator('li[data-reason="serious_record"]')).toHaveText('展示期内有严重或特别严重的不良记录');
  await expect(prop.locator('.objection')).toContainText('我店已下架全部涉事商品');
  const decision = `销售假冒注册商标商品，情节严重（${info.project.name}）。`;
  await prop.locator('textarea[name=reason]').fill(decision);
  await submit(reg, info, prop.locator('button.grant'));
  await expect(reg.locator('#regulator-done')).toHaveAttribute('data-status', 'confirmed');
  await expect(reg.locator(`#proposals article[data-entry="${entryId}"]`)).toHaveCount(0);
  await leave(reg);

  // Anyone reads the black list with its dates and reasons.
  await open(page, info, '/');
  await page.locator('#nav-lists').click();
  await expect(page).toHaveURL(/\/lists\/red$/);
  if (info.project.name === 'js') await page.waitForSelector('body[data-hydrated="1"]');
  await expect(page.locator('#public-list')).toHaveAttribute('data-list', 'red');
  await expect(page.locator(`#list-entries tr[data-merchant="${merchantId}"]`)).toHaveCount(0);
  await page.locator('#list-tab-black').click();
  await expect(page).toHaveURL(/\/lists\/black$/);
  await expect(page.locator('#public-list')).toHaveAttribute('data-list', 'black');
  const row = page.locator(`#list-entries tr[data-entry="${entryId}"]`);
  await expect(row.locator('.merchant a')).toHaveText(c.name);
  await expect(row.locator('.merchant a')).toHaveAttribute('href', `/merchants/${merchantId}`);
  await expect(row.locator('.since')).toHaveText(/^\d{4}-\d{2}-\d{2}$/);
  await expect(row.locator('.proposed')).toHaveText(/^\d{4}-\d{2}-\d{2}$/);
  await expect(row.locator('li[data-reason="serious_record"]')).toBeVisible();
  await expect(row.locator('.decision')).toHaveText(decision);
  await regApi.dispose();
  await c.api.dispose();
});

test('only regulators work in /regulator; admins verify and read risk warnings only', async ({ page, browser }, info) => {
  // Signed out: asked to sign in.
  await open(page, info, '/regulator');
  await expect(page.locator('#regulator-refused')).toContainText('请先登录');
  await expect(page.locator('#regulator-tabs')).toHaveCount(0);
  await expect(page.locator('#nav-regulator')).toHaveCount(0);

  // A consumer is refused, has no link to it, and cannot post a finding directly.
  await signIn(page, info, CONSUMER);
  await expect(page.locator('#nav-lists')).toBeVisible();
  await expect(page.locator('#nav-regulator')).toHaveCount(0);
  await open(page, info, '/regulator?tab=findings');
  await expect(page.locator('#regulator-refused')).toHaveText('仅监管部门可以访问此页面。');
  await expect(page.locator('#finding-form, #verifications')).toHaveCount(0);
  const r = await page.request.post('/api/regulator/finding', {
    form: { merchant: '1', kind: 'brushing', severity: '', summary: '消费者不能录入失信记录，这段文字足够长。', evidence: '', occurred_on: '2026-11-01' },
    headers: { Origin: new URL(page.url()).origin, Accept: 'application/json' },
    maxRedirects: 0,
  });
  expect(r.status()).toBeGreaterThanOrEqual(400);
  expect(await r.text()).toContain('"kind":"forbidden"');

  // The admin sees the verification queue and the risk warnings, not the regulators' own sections.
  const admin = await party(browser, info, ADMIN);
  await expect(admin.locator('#admin-verifications')).toBeVisible();
  await open(admin, info, '/regulator');
  // Verifications, risk warnings, and the dashboard (which admins read too).
  await expect(admin.locator('#regulator-tabs a')).toHaveCount(3);
  await expect(admin.locator('#tab-dashboard')).toHaveAttribute('href', '/regulator/dashboard');
  await expect(admin.locator('#verifications')).toBeVisible();
  await open(admin, info, '/regulator?tab=findings');
  await expect(admin.locator('#section-refused')).toHaveText('此栏目仅供监管部门使用。');
  await expect(admin.locator('#finding-form')).toHaveCount(0);
  await leave(admin);

  // The regulator's other sections: risk warnings and the export links (which answer with the data).
  const reg = await party(browser, info, REGULATOR);
  await open(reg, info, '/regulator?tab=risk');
  await expect(reg.locator('#risk')).toBeVisible();
  await expect(reg.locator('#risk-empty, #risk-warnings tbody tr').first()).toBeVisible();
  await open(reg, info, '/regulator?tab=export');
  await expect(reg.locator('#export-ndjson')).toHaveAttribute('href', '/api/v1/export/credit?format=ndjson');
  const csv = await reg.request.get((await reg.locator('#export-csv').getAttribute('href'))!);
  expect(csv.status()).toBe(200);
  expect(csv.headers()['content-type']).toContain('text/csv');
  expect((await csv.text()).split('\n').length).toBeGreaterThan(300);
  await leave(reg);
});

test('the personal-data log is for admins and shows a regulator revealing a case', async ({ page, browser, playwright }, info) => {
  // A case of the demo consumer.
  const { api, headers } = await apiAs(info, CONSUMER);
  const cases = (await (await api.get('/api/v1/cases', { headers })).json()).items;
  expect(cases.length).toBeGreaterThan(0);
  const c = cases[info.project.name === 'js' ? 0 : cases.length - 1];
  await api.dispose();

  // The regulator is refused the log, and sees the case masked until it states why.
  await signIn(page, info, REGULATOR);
  await open(page, info, '/admin/pii-log');
  await expect(page.locator('#pii-refused')).toHaveText('仅管理员可以访问此页面。');
  await expect(page.locator('#pii-log')).toHaveCount(0);
  await open(page, info, `/cases/${c.id}`);
  await expect(page.locator('#consumer-name')).toHaveText('王**');
  const why = `核查投诉举报线索 ${info.project.name}-${Date.now()}`;
  await page.locator('#reveal-form input[name=reveal]').fill(why);
  await submit(page, info, page.locator('#reveal-form button[type=submit]'));
  await expect(page.locator('#consumer-name')).toHaveText('王小明');

  // The admin finds the read in the log: who, role, case, what, why, when.
  const admin = await party(browser, info, ADMIN);
  await expect(admin.locator('#admin-pii-log')).toBeVisible();
  await admin.locator('#admin-pii-log').click();
  await expect(admin).toHaveURL(/\/admin\/pii-log$/);
  const row = admin.locator('#pii-log tbody tr', { hasText: why }).first();
  await expect(row).toHaveAttribute('data-case', String(c.id));
  await expect(row).toHaveAttribute('data-role', 'regulator');
  await expect(row.locator('.staff')).toHaveText('市场监管局刘科长');
  await expect(row.locator('.role')).toHaveText('监管部门');
  await expect(row.locator('.case a')).toHaveText(c.number);
  await expect(row.locator('.case a')).toHaveAttribute('href', `/cases/${c.id}`);
  await expect(admin.locator('#pii-log tbody tr', { hasText: why }).locator('.fields[data-fields="name,narrative"]')).toHaveText('姓名、投诉内容');
  await expect(row.locator('.at')).toHaveText(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/);
  await leave(admin);
});

test('a regulator acknowledges a stored risk warning with a note; admins read it', async ({ page, browser, playwright }, info) => {
  // The demo data holds an open warning against merchant 160 (js) / 161 (nojs).
  const merchant = merchantFor(info, 160);
  await signIn(page, info, REGULATOR);
  await open(page, info, '/regulator?tab=risk');
  const row = page.locator(`#risk-warnings tr[data-merchant="${merchant}"]`).first();
  await expect(row).toHaveAttribute('data-state', 'open');
  await expect(row).toContainText('同一 IP 多次评价');
  const id = (await row.getAttribute('data-warning'))!;
  // It reached the regulator's inbox once, when it was raised.
  const { api, headers } = await apiAs(info, REGULATOR);
  const inbox = await (await api.get('/api/v1/notifications', { headers })).json();
  expect(JSON.stringify(inbox)).toContain('risk_warning');

  // Acknowledged with a note: who and when are shown with the note.
  const note = `已约谈商户负责人，要求说明评价来源（${info.project.name}）。`;
  const form = row.locator('form.ack-form');
  await form.locator('textarea[name="note"]').fill(note);
  const navigated = page.waitForEvent('framenavigated', { predicate: (f) => f === page.mainFrame() });
  await form.locator('button[type=submit]').click();
  await navigated;
  await page.waitForLoadState('load');
  if (info.project.name === 'js') await page.waitForSelector('body[data-hydrated="1"]');
  await expect(page.locator('#regulator-done')).toHaveAttribute('data-done', 'risk_ack');
  const done = page.locator(`#risk-warnings tr[data-warning="${id}"]`);
  await expect(done).toHaveAttribute('data-state', 'acknowledged');
  await expect(done.locator('.note')).toHaveText(note);
  await expect(done.locator('.acknowledged')).toContainText('确认');
  await expect(done.locator('form.ack-form')).toHaveCount(0);

  // Once: a second acknowledgement is refused.
  const again = await api.post(`/api/v1/regulator/risk-warnings/${id}/acknowledge`, { headers, data: { note: '再次确认' } });
  expect(again.status()).toBe(409);
  const open_ = await (await api.get('/api/v1/regulator/risk-warnings?state=open', { headers })).json();
  expect(open_.items.map((w: { id: number }) => w.id)).not.toContain(Number(id));
  await api.dispose();

  // The admin reads the warnings and the note, without a form.
  const admin = await party(browser, info, ADMIN);
  await open(admin, info, '/regulator?tab=risk');
  const seen = admin.locator(`#risk-warnings tr[data-warning="${id}"]`);
  await expect(seen.locator('.note')).toHaveText(note);
  await expect(admin.locator('form.ack-form')).toHaveCount(0);
  await leave(admin);
});
