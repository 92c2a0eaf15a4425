import { expect } from '@playwright/test';
import { open, signIn, test } from './helpers';

// Webhooks on the admin's organisation page, JavaScript on and off: a
// platform (its key holds webhooks:manage, ticked by default) registers an
// endpoint through the API and sends a complaint; the organisation's
// webhooks section lists the endpoint and the delivery of `case.filed`.
// (Signatures, retries and replay against a real receiver are in
// server/tests/it/webhooks.rs.)

const ADMIN = 'admin@demo.gongdao.cn';
const MERCHANT_USCC = '913101157642793047';
const CHARSET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

function freshUscc(): string {
  let body = '91440300MA';
  while (body.length < 17) body += CHARSET[Math.floor(Math.random() * 31)];
  const sum = [...body].reduce((s, c, i) => s + CHARSET.indexOf(c) * WEIGHTS[i], 0);
  return body + CHARSET[(31 - (sum % 31)) % 31];
}

test('the organisation page lists its webhook endpoints and deliveries', async ({ page, request }, info) => {
  const name = `推送商城-${info.project.name}-${Date.now()}`;
  await signIn(page, info, ADMIN);
  await open(page, info, '/admin/organisations');
  await page.selectOption('#new-organisation select[name=kind]', 'ecommerce_platform');
  await page.fill('#new-organisation input[name=name]', name);
  await page.fill('#new-organisation input[name=uscc]', freshUscc());
  await page.fill('#new-organisation input[name=contact_email]', 'odr@mall.example.cn');
  await page.click('#new-organisation button[type=submit]');
  await expect(page.locator('#organisations-notice')).toContainText('机构已创建');
  const org = page.locator('li.organisation', { hasText: name });
  await org.locator('summary').click();
  await expect(org.locator('.key-form input[name=webhooks_manage]')).toBeChecked();
  await org.locator('.key-form input[name=label]').fill('推送');
  await org.locator('.key-form button[type=submit]').click();
  const key = (await page.locator('#new-key').textContent())!.trim();
  const auth = { authorization: `Bearer ${key}` };

  // http:// is refused, naming the field, in Chinese by default.
  const refused = await request.post('/api/v1/platform/webhooks', { headers: auth, data: { url: 'http://hooks.example.cn/in' } });
  expect(refused.status()).toBe(422);
  expect((await refused.json()).error.message).toContain('推送地址');
  const url = `https://1.1.1.1/gongdao-e2e-${info.project.name}`;
  const made = await request.post('/api/v1/platform/webhooks', { headers: auth, data: { url } });
  expect(made.status()).toBe(201);
  expect((await made.json()).secret).toMatch(/^whsec_[0-9a-f]{64}$/);

  const line = JSON.stringify({
    external_id: `E2E-WH-${info.project.name}-${Date.now()}`, merchant_uscc: MERCHANT_USCC, category: 'quality',
    title: '洗衣机漏水', narrative: '收到的洗衣机第一次使用就漏水，联系客服要求退货被拒绝。',
    order_ref: 'E2E-O-1', order_date: '2026-11-01', amount_paid_fen: 259900, amount_claimed_fen: 259900,
    remedy: 'refund', consumer: { email: `wh-${info.project.name}-${Date.now()}@buyer.example.cn`, name: '赵六' },
  });
  const filed = await request.post('/api/v1/platform/complaints', {
    headers: { ...auth, 'content-type': 'application/x-ndjson' }, data: line + '\n',
  });
  expect(filed.status()).toBe(200);
  expect((await filed.json()).items[0].result).toBe('created');

  await open(page, info, '/admin/organisations');
  await page.locator('li.organisation', { hasText: name }).locator('.webhooks-link').click();
  await expect(page.locator('#webhooks')).toHaveText('推送（Webhook）');
  await expect(page.locator('#webhook-endpoints tbody tr')).toHaveCount(1);
  await expect(page.locator('#webhook-endpoints tbody tr').first()).toContainText(url);
  await expect(page.locator('#webhook-deliveries tbody tr')).toHaveCount(1);
  await expect(page.locator('#webhook-deliveries tbody tr').first()).toContainText('case.filed');
});
