import { expect } from '@playwright/test';
import { open, signIn, test } from './helpers';

// Platforms as participants (/admin/organisations), JavaScript on and off:
// the admin creates an e-commerce platform and issues it a key, which the
// page shows once — a reload shows it no more — and which works on the
// platforms' API; revoked, it is refused at once.

const ADMIN = 'admin@demo.gongdao.cn';
const CHARSET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

/** A valid USCC (GB 32100-2015 check character) not used before. */
function freshUscc(): string {
  let body = '91440300MA';
  while (body.length < 17) body += CHARSET[Math.floor(Math.random() * 31)];
  const sum = [...body].reduce((s, c, i) => s + CHARSET.indexOf(c) * WEIGHTS[i], 0);
  return body + CHARSET[(31 - (sum % 31)) % 31];
}

test('an admin creates an organisation and a key shown once', async ({ page, request }, info) => {
  const name = `测试商城-${info.project.name}-${Date.now()}`;
  await signIn(page, info, ADMIN);
  await open(page, info, '/admin/organisations');
  await expect(page.locator('h1')).toHaveText('机构与平台');

  // A wrong USCC is refused, naming the field.
  await page.selectOption('#new-organisation select[name=kind]', 'ecommerce_platform');
  await page.fill('#new-organisation input[name=name]', name);
  await page.fill('#new-organisation input[name=uscc]', '91440300MA5D00001X');
  await page.fill('#new-organisation input[name=contact_email]', 'odr@mall.example.cn');
  await page.click('#new-organisation button[type=submit]');
  await expect(page.getByRole('alert')).toContainText('统一社会信用代码');

  await open(page, info, '/admin/organisations');
  await page.selectOption('#new-organisation select[name=kind]', 'ecommerce_platform');
  await page.fill('#new-organisation input[name=name]', name);
  await page.fill('#new-organisation input[name=uscc]', freshUscc());
  await page.fill('#new-organisation input[name=contact_email]', 'odr@mall.example.cn');
  await page.click('#new-organisation button[type=submit]');
  await expect(page.locator('#organisations-notice')).toContainText('机构已创建');
  const org = page.locator('li.organisation', { hasText: name });
  await expect(org).toHaveAttribute('data-state', 'active');

  // Issue a key: shown once, in full.
  await org.locator('summary').click();
  await org.locator('.key-form input[name=label]').fill('订单系统');
  await org.locator('.key-form button[type=submit]').click();
  const shown = page.locator('#new-key');
  await expect(shown).toBeVisible();
  const key = (await shown.textContent())!.trim();
  expect(key).toMatch(/^gd_live_[0-9a-f]{12}_[0-9a-f]{64}$/);
  const row = page.locator('li.organisation', { hasText: name }).locator('tr[data-state=live]');
  await expect(row).toHaveCount(1);
  await expect(row.locator('.prefix')).toContainText(key.slice(0, 20));

  // The key works on the platforms' API, and only there.
  const cases = await request.get('/api/v1/platform/cases', { headers: { authorization: `Bearer ${key}` } });
  expect(cases.status()).toBe(200);
  const me = await request.get('/api/v1/me', { headers: { authorization: `Bearer ${key}` } });
  expect(me.status()).toBe(401);

  // Never shown again.
  await page.reload();
  await expect(page.locator('#new-key')).toHaveCount(0);
  await expect(page.locator('#new-key-gone')).toBeVisible();
  expect(await page.content()).not.toContain(key);

  // Revoked: refused at once.
  const again = page.locator('li.organisation', { hasText: name });
  await again.locator('.revoke-form button[type=submit]').click();
  await expect(page.locator('#organisations-notice')).toContainText('密钥已吊销');
  await expect(page.locator('li.organisation', { hasText: name }).locator('tr[data-state=revoked]')).toHaveCount(1);
  const refused = await request.get('/api/v1/platform/cases', { headers: { authorization: `Bearer ${key}` } });
  expect(refused.status()).toBe(401);

  // The call it made is logged (a refused key is no caller: not logged).
  await page.locator('li.organisation', { hasText: name }).locator('.calls-link').click();
  await expect(page.locator('#call-log tbody tr')).toHaveCount(1);
  await expect(page.locator('#call-log tbody tr').first()).toHaveAttribute('data-status', '200');
  await expect(page.locator('#call-log tbody tr').first()).toContainText('/platform/cases');
});
