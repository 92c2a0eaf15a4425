import { expect, Page, TestInfo } from '@playwright/test';
import { leave, mailedLink, open, party, signIn, test, uniqueEmail } from './helpers';

// The holder's own settings (/account) and the admins' account list
// (/admin/accounts), JavaScript on and off: a fresh consumer changes the
// password, the address (confirmed by the mailed link) and deletes the
// account; an admin deactivates a fresh staff account, which then cannot
// sign in, and reactivates it; both acts are in the audit log.

const PASSWORD = 'correct-horse-42';
const ADMIN = 'admin@demo.gongdao.cn';

/** A fresh consumer, verified by mail and signed in on `page`. */
async function consumer(page: Page, info: TestInfo, tag: string): Promise<string> {
  const email = uniqueEmail(info, tag);
  await open(page, info, '/register');
  await page.fill('#register-form input[name=display_name]', '测试用户');
  await page.fill('#register-form input[name=email]', email);
  await page.fill('#register-form input[name=password]', PASSWORD);
  await page.click('#register-form button[type=submit]');
  await expect(page).toHaveURL(/\/login\?notice=registered/);
  await page.goto(await mailedLink(page, info, email, '/verify?token='));
  await expect(page.locator('#verified')).toBeVisible();
  await signIn(page, info, email, PASSWORD);
  return email;
}

/** Submits a form and waits for the page the server sends back. */
async function submit(page: Page, info: TestInfo, form: ReturnType<Page['locator']>, url: RegExp) {
  await form.locator('button[type=submit]').click();
  await expect(page).toHaveURL(url);
  if (info.project.name === 'js') await page.waitForSelector('body[data-hydrated="1"]');
}

test('a consumer changes the password and the address, sees who read their data, and deletes the account', async ({ page }, info) => {
  const email = await consumer(page, info, 'account');
  await page.locator('#dash-account').click();
  await expect(page).toHaveURL(/\/account$/);
  if (info.project.name === 'js') await page.waitForSelector('body[data-hydrated="1"]');
  await expect(page.locator('h1')).toHaveText('账户设置');
  await expect(page.locator('#reads-empty')).toBeVisible();

  // A wrong current password is named; the right one changes it.
  const pw = page.locator('#password-form');
  await pw.locator('input[name=current_password]').fill('not-my-password');
  await pw.locator('input[name=new_password]').fill('a-new-horse-42');
  await pw.locator('button[type=submit]').click();
  await expect(page.getByRole('alert')).toContainText('密码不正确');
  await open(page, info, '/account');
  await pw.locator('input[name=current_password]').fill(PASSWORD);
  await pw.locator('input[name=new_password]').fill('a-new-horse-42');
  await submit(page, info, pw, /notice=password/);
  await expect(page.locator('#account-notice')).toContainText('密码已修改');

  // A new address: nothing changes until its link is used.
  const fresh = uniqueEmail(info, 'account-new');
  const em = page.locator('#email-form');
  await em.locator('input[name=email]').fill(fresh);
  await em.locator('input[name=password]').fill('a-new-horse-42');
  await submit(page, info, em, /notice=email/);
  await expect(page.locator('#account-email')).toHaveText(email);
  // Opening the link changes nothing (a mail scanner may fetch it); the
  // button on its page does.
  const link = await mailedLink(page, info, fresh, '/account/email?token=');
  await open(page, info, link);
  await open(page, info, '/account');
  await expect(page.locator('#account-email')).toHaveText(email);
  await open(page, info, link);
  await submit(page, info, page.locator('#confirm-email-form'), /confirmed=1/);
  await expect(page.locator('#email-confirmed')).toBeVisible();
  await open(page, info, '/account');
  await expect(page.locator('#account-email')).toHaveText(fresh);

  // Deleting needs the password; afterwards the address signs in no more.
  await page.locator('#delete-account summary').click();
  const del = page.locator('#delete-form');
  await del.locator('input[name=password]').fill('a-new-horse-42');
  await submit(page, info, del, /notice=deleted/);
  await expect(page.locator('#account-deleted')).toBeVisible();
  await open(page, info, '/login');
  await page.fill('#login-form input[name=email]', fresh);
  await page.fill('#login-form input[name=password]', 'a-new-horse-42');
  await page.click('#login-form button[type=submit]');
  await expect(page.getByRole('alert')).toHaveText('邮箱或密码不正确。');
});

test('an admin deactivates a staff account, which cannot sign in, then reactivates it; both in the audit log', async ({ page, browser }, info) => {
  // A fresh mediator, made on the admin's staff page.
  await signIn(page, info, ADMIN);
  const staff = uniqueEmail(info, 'mediator');
  await open(page, info, '/admin/users');
  const create = page.locator('#staff-form');
  await create.locator('input[name=display_name]').fill(`调解员${info.project.name}`);
  await create.locator('input[name=email]').fill(staff);
  await create.locator('input[name=password]').fill(PASSWORD);
  await create.locator('select[name=role]').selectOption('mediator');
  await submit(page, info, create, /notice=created/);

  // Found by address on the account list.
  await open(page, info, `/admin/accounts?q=${encodeURIComponent(staff)}`);
  const item = page.locator('#account-list li.account').first();
  await expect(item.locator('.email')).toHaveText(staff);
  await expect(item).toHaveAttribute('data-state', 'active');
  const id = await item.getAttribute('data-account');

  // A reason is required (the browser holds a short one back; the server names it too).
  await item.locator('details summary').click();
  const status = item.locator('form.status-form');
  await status.locator('input[name=reason]').fill('离职交接完毕，停用账号');
  await submit(page, info, status, /notice=status/);
  const after = page.locator(`#account-list li[data-account="${id}"]`);
  await open(page, info, `/admin/accounts?q=${encodeURIComponent(staff)}`);
  await expect(after).toHaveAttribute('data-state', 'deactivated');
  await expect(page.locator(`#audit tr[data-account="${id}"][data-action="deactivated"]`)).toHaveCount(1);

  // The mediator cannot sign in, and is told why.
  const med = await party(browser, info);
  await open(med, info, '/login');
  await med.fill('#login-form input[name=email]', staff);
  await med.fill('#login-form input[name=password]', PASSWORD);
  await med.click('#login-form button[type=submit]');
  await expect(med.getByRole('alert')).toContainText('已被停用');

  // Reactivated, they can.
  await after.locator('details summary').click();
  await after.locator('form.status-form input[name=reason]').fill('返岗，恢复账号');
  await submit(page, info, after.locator('form.status-form'), /notice=status/);
  await expect(page.locator(`#audit tr[data-account="${id}"][data-action="reactivated"]`)).toHaveCount(1);
  await signIn(med, info, staff, PASSWORD);
  await leave(med);
});
