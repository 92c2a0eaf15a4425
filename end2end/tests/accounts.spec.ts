import { expect } from '@playwright/test';
import { mailedLink, open, test, uniqueEmail } from './helpers';

const PASSWORD = 'correct-horse-42';

test('sign up, verify by mail, sign in, switch language', async ({ page }, info) => {
  const email = uniqueEmail(info, 'signup');

  // Sign up as a consumer (Chinese is the default language).
  await open(page, info, '/register');
  await expect(page.locator('h1')).toHaveText('注册账号');
  await page.fill('#register-form input[name=display_name]', '测试用户');
  await page.fill('#register-form input[name=email]', email);
  await page.fill('#register-form input[name=password]', PASSWORD);
  await page.click('#register-form button[type=submit]');
  await expect(page).toHaveURL(/\/login\?notice=registered/);
  await expect(page.getByRole('status')).toContainText('注册成功');

  // The same address cannot register twice.
  await open(page, info, '/register');
  await page.fill('#register-form input[name=display_name]', '测试用户');
  await page.fill('#register-form input[name=email]', email.toUpperCase());
  await page.fill('#register-form input[name=password]', PASSWORD);
  await page.click('#register-form button[type=submit]');
  await expect(page.getByRole('alert')).toContainText('该邮箱已注册');

  // Verify through the link mailed to the development mailbox.
  const link = await mailedLink(page, info, email, '/verify?token=');
  await page.goto(link);
  await expect(page.locator('#verified')).toBeVisible();

  // A wrong password is refused without saying whether the account exists.
  await open(page, info, '/login');
  await page.fill('#login-form input[name=email]', email);
  await page.fill('#login-form input[name=password]', 'wrong-password');
  await page.click('#login-form button[type=submit]');
  await expect(page.getByRole('alert')).toHaveText('邮箱或密码不正确。');

  // Sign in.
  await open(page, info, '/login');
  await page.fill('#login-form input[name=email]', email);
  await page.fill('#login-form input[name=password]', PASSWORD);
  await page.click('#login-form button[type=submit]');
  await expect(page).toHaveURL(/\/dashboard$/);
  await expect(page.locator('#dash-role')).toHaveAttribute('data-role', 'consumer');
  await expect(page.locator('#unverified')).toHaveCount(0);
  await expect(page.locator('h1')).toHaveText('我的工作台');

  // Switch to English; the choice persists across pages and reloads.
  await page.click('#lang-switch');
  await expect(page.locator('h1')).toHaveText('My dashboard');
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  await open(page, info, '/');
  await expect(page.locator('#lang-switch')).toHaveText('中文');
  await page.reload();
  await expect(page.locator('nav')).toContainText('Dashboard');

  // And back to Chinese.
  await page.click('#lang-switch');
  await expect(page.locator('html')).toHaveAttribute('lang', 'zh-CN');

  // Sign out.
  await open(page, info, '/dashboard');
  await page.click('#logout');
  await expect(page).toHaveURL(/\/$/);
  await expect(page.locator('#nav-login')).toBeVisible();
});

test('demo accounts are listed on the sign-in page and each role reaches its dashboard', async ({ page }, info) => {
  await open(page, info, '/login');
  const demo = page.locator('#demo-accounts');
  await expect(demo).toBeVisible();
  await expect(demo.locator('tr')).toHaveCount(7);
  await page.fill('#login-form input[name=email]', 'regulator@demo.gongdao.cn');
  await page.fill('#login-form input[name=password]', 'gongdao-demo');
  await page.click('#login-form button[type=submit]');
  await expect(page.locator('#dash-role')).toHaveAttribute('data-role', 'regulator');
  await expect(page.locator('.placeholder')).toContainText('红黑名单');
});

test('home page searches merchants from the demo data', async ({ page }, info) => {
  await open(page, info, '/');
  const count = Number(await page.locator('#merchant-count').textContent());
  expect(count).toBeGreaterThanOrEqual(250);
  await page.fill('form.search input[name=q]', '有限公司');
  await page.click('form.search button');
  await expect(page).toHaveURL(/\/search\?q=/);
  await expect(page.locator('#results li').first()).toContainText('有限公司');
});
