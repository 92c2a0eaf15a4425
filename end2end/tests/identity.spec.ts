import { expect } from '@playwright/test';
import { apiAs, open, party, leave, signIn, test, uniqueEmail } from './helpers';

// Real-name identity (实名认证): a fresh consumer adds one on the dashboard,
// a wrong check character is named beside the field, and afterwards only
// the masked number shows; the merchant sees the demo consumer's masked on a
// case page. Runs with JavaScript on and off.

const PASSWORD = 'correct horse battery';
const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];

/** A valid resident ID number: Hangzhou, born 1990-01-01, a random sequence. */
function residentId(): string {
  const seq = String(Math.floor(Math.random() * 1000)).padStart(3, '0');
  const first17 = `330106${1960 + Math.floor(Math.random() * 40)}0101${seq}`;
  const sum = [...first17].reduce((s, d, i) => s + Number(d) * WEIGHTS[i], 0);
  return first17 + '10X98765432'[sum % 11];
}

test('a consumer adds a real-name identity and sees it masked; a bad checksum is named', async ({ page, playwright }, info) => {
  const email = uniqueEmail(info, 'identity');
  const api = await playwright.request.newContext({ baseURL: info.project.use.baseURL });
  const made = await api.post('/api/v1/users', {
    data: { email, password: PASSWORD, display_name: '实名测试', role: 'consumer' },
  });
  expect(made.status()).toBe(201);
  await api.dispose();
  await signIn(page, info, email, PASSWORD);
  await open(page, info, '/dashboard');
  const form = page.locator('#identity-form');
  await expect(form).toBeVisible();

  // One character off: the check character is wrong, named beside the field.
  let id = residentId();
  while (id.endsWith('X')) id = residentId();
  const wrong = id.slice(0, 17) + ((Number(id[17]) + 1) % 10);
  await form.locator('input[name=real_name]').fill('王测试');
  await form.locator('input[name=resident_id]').fill(wrong);
  await form.locator('button[type=submit]').click();
  await expect(page.locator('#err-resident_id')).toContainText('校验位不正确');
  await expect(page.locator('#identity-masked')).toHaveCount(0);

  // The right number: verified, shown masked only.
  const again = page.locator('#identity-form');
  await again.locator('input[name=real_name]').fill('王测试');
  await again.locator('input[name=resident_id]').fill(id);
  await again.locator('button[type=submit]').click();
  const masked = `${id.slice(0, 4)}**********${id.slice(14)}`;
  await expect(page.locator('#identity-masked')).toHaveText(masked);
  await expect(page.locator('#identity-name')).toHaveText('王测试');
  await expect(page.locator('#identity-form')).toHaveCount(0);
  expect(await page.content()).not.toContain(id);
});

test('the merchant sees the demo consumer identity masked on a case page', async ({ browser }, info) => {
  const { api, headers } = await apiAs(info, 'consumer@demo.gongdao.cn');
  const cases = (await (await api.get('/api/v1/cases', { headers })).json()).items;
  await api.dispose();
  const merchant = await party(browser, info, 'merchant@demo.gongdao.cn');
  await open(merchant, info, `/cases/${cases[0].id}`);
  await expect(merchant.locator('#consumer-resident-id')).toHaveText('1101**********002X');
  await expect(merchant.locator('#consumer-real-name')).toHaveText('王**');
  expect(await merchant.content()).not.toContain('11010519491231002X');
  await leave(merchant);
});
