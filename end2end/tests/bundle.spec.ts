import { expect, Page, TestInfo } from '@playwright/test';
import { discardDraft, leave, open, party, signIn, submitFiling, test } from './helpers';

/** Clicks the case page's bundle link and returns the downloaded file's name and bytes. */
async function downloadBundle(page: Page): Promise<{ name: string; bytes: Buffer }> {
  const link = page.locator('#bundle-link');
  await expect(link).toHaveText('下载案件证据包（可离线核验）');
  const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
  const path = await download.path();
  const fs = await import('fs');
  return { name: download.suggestedFilename(), bytes: fs.readFileSync(path!) };
}

async function fileComplaint(page: Page, info: TestInfo): Promise<string> {
  await discardDraft(page, info);
  await open(page, info, '/cases/new?merchant=1&name=' + encodeURIComponent('演示商户'));
  await page.fill('#file-form input[name=title]', '保温杯不保温');
  await page.fill('#file-form textarea[name=narrative]', '收到的保温杯完全不保温，请联系我，电话13912345678。');
  await page.selectOption('#file-form select[name=category]', 'not_as_pictured');
  await page.fill('#file-form input[name=order_ref]', `E2E-BUNDLE-${info.project.name}-${Date.now()}`);
  await page.fill('#file-form input[name=order_date]', '2026-11-01');
  await page.fill('#file-form input[name=amount_paid]', '99.00');
  await page.fill('#file-form input[name=amount_claimed]', '99');
  await page.selectOption('#file-form select[name=remedy]', 'refund');
  await submitFiling(page, info);
  await expect(page).toHaveURL(/\/cases\/\d+$/);
  return page.url();
}

test('the parties download the case bundle from the case page', async ({ page, browser }, info) => {
  await signIn(page, info, 'consumer@demo.gongdao.cn');
  const url = await fileComplaint(page, info);
  const number = (await page.locator('#case-number').textContent())!.trim();

  const own = await downloadBundle(page);
  expect(own.name).toBe(`gongdao-${number}.zip`);
  // A zip (PK…) whose directory names the signed manifest and the trail.
  expect(own.bytes.subarray(0, 2).toString()).toBe('PK');
  for (const f of ['manifest.txt', 'manifest.sig', 'trail.json', 'case.json', 'signing-key.pem']) {
    expect(own.bytes.includes(Buffer.from(f)), f).toBe(true);
  }
  await expect(page.locator('#bundle')).not.toContainText('已遮蔽');

  // The merchant's copy: told its personal data is masked, still a bundle.
  const merchant = await party(browser, info, 'merchant@demo.gongdao.cn');
  await open(merchant, info, new URL(url).pathname);
  await expect(merchant.locator('#bundle')).toContainText('个人信息已遮蔽');
  const theirs = await downloadBundle(merchant);
  expect(theirs.name).toBe(`gongdao-${number}.zip`);
  expect(theirs.bytes.includes(Buffer.from('manifest.sig'))).toBe(true);
  await leave(merchant);

  // The key that signs them is published.
  const key = await page.request.get('/.well-known/gongdao-signing-key');
  expect(key.ok()).toBe(true);
  const doc = await key.json();
  expect(doc.algorithm).toBe('Ed25519');
  expect(doc.keys[0].public_key_pem).toContain('BEGIN PUBLIC KEY');
});
