import { expect, Page, TestInfo } from '@playwright/test';
import { leave, mailedLink, open, party, signIn, test, uniqueEmail } from './helpers';

// A merchant's staff accounts (/merchants/team), JavaScript on and off: the
// demo merchant's main account invites a fresh address, the invited person
// opens the mailed link, sets a name and a password, signs in, sees the
// team as staff and leaves it; the main account withdraws another invitation.

const PASSWORD = 'correct-horse-42';
const MERCHANT = 'merchant@demo.gongdao.cn';

/** Submits a form and waits for the page the server sends back. */
async function submit(page: Page, info: TestInfo, form: ReturnType<Page['locator']>, url: RegExp) {
  await form.locator('button[type=submit]').click();
  await expect(page).toHaveURL(url);
  if (info.project.name === 'js') await page.waitForSelector('body[data-hydrated="1"]');
}

async function invite(page: Page, info: TestInfo, email: string, name: string) {
  const form = page.locator('#invite-form');
  await form.locator('input[name=email]').fill(email);
  await form.locator('input[name=name]').fill(name);
  await submit(page, info, form, /notice=invited/);
  await expect(page.locator(`#invitations li:has-text("${email}")`)).toBeVisible();
}

test('the main account invites staff by mail; the invited person joins with a new account and leaves', async ({ page, browser }, info) => {
  await signIn(page, info, MERCHANT);
  await open(page, info, '/merchants/register');
  await page.locator('#team-link').click();
  await expect(page).toHaveURL(/\/merchants\/team$/);
  if (info.project.name === 'js') await page.waitForSelector('body[data-hydrated="1"]');
  await expect(page.locator('h1')).toHaveText('团队账户');
  await expect(page.locator('#team-members tr[data-main="true"]')).toHaveCount(1);

  // A bad address is named; a good one is invited.
  const bad = page.locator('#invite-form');
  await bad.locator('input[name=email]').fill('not@an');
  await bad.locator('input[name=name]').fill('小王');
  await bad.locator('button[type=submit]').click();
  await expect(page.getByRole('alert')).toContainText('邮箱');
  await open(page, info, '/merchants/team');
  const email = uniqueEmail(info, 'staff');
  await invite(page, info, email, '小王');

  // The invited person, signed out, opens the link.
  const staff = await party(browser, info);
  await open(staff, info, await mailedLink(staff, info, email, '/merchants/team/join?token='));
  await expect(staff.locator('#join-invitation')).toContainText('小王');
  const join = staff.locator('#join-form');
  await join.locator('input[name=password]').fill(PASSWORD);
  await submit(staff, info, join, /\/login\?notice=joined/);
  await signIn(staff, info, email, PASSWORD);
  await open(staff, info, '/merchants/team');
  await expect(staff.locator('#team-members tr[data-main="false"]')).toContainText('小王');
  await expect(staff.locator('#invite-form')).toHaveCount(0);
  // The main account sees the new member.
  await open(page, info, '/merchants/team');
  await expect(page.locator('#team-members tr[data-main="false"]', { hasText: email })).toBeVisible();

  // The staff member leaves; the team page then refuses it.
  await submit(staff, info, staff.locator('#team-members tr[data-main="false"] form'), /\/account\?notice=left_team/);
  await open(staff, info, '/merchants/team');
  await expect(staff.locator('#team-error')).toBeVisible();
  await leave(staff);

  // Another invitation, withdrawn.
  const late = uniqueEmail(info, 'staff-late');
  await invite(page, info, late, '小李');
  await submit(page, info, page.locator(`#invitations li:has-text("${late}") form`), /notice=revoked/);
  await expect(page.locator(`#invitations li:has-text("${late}")`)).toHaveCount(0);
});
