import AxeBuilder from '@axe-core/playwright';
import { BrowserContext, expect, Page, TestInfo } from '@playwright/test';
import { open, signIn, test, withScriptsRunnable } from './helpers';

/**
 * axe-core on every page, as each role reaches it, in Chinese and in English,
 * with JavaScript on and off (the two projects): no serious or critical
 * violation of WCAG 2.1 A/AA. A page is found the way a user finds it (the
 * first case in the role's list, the first merchant a search shows), so the
 * pages checked are the ones the demo data fills, not empty shells.
 *
 * axe-core is a script run in the page: in a context with JavaScript off it
 * never starts, and `analyze()` waits forever (dequelabs/axe-core-npm#529;
 * why this spec once hung in the `nojs` project). There the page a visitor
 * without JavaScript gets is checked in a second context with JavaScript on
 * whose documents arrive without their scripts (so nothing hydrates) and
 * with `<noscript>` content shown, signed in as the first.
 */

const LANGS = ['zh', 'en'] as const;

// Every page twice (both languages), each hydrating with JavaScript on.
test.describe.configure({ timeout: 300_000 });

async function setLang(ctx: BrowserContext, info: TestInfo, lang: string) {
  const url = new URL(info.project.use.baseURL!);
  await ctx.addCookies([{ name: 'gongdao_lang', value: lang, domain: url.hostname, path: '/' }]);
}

/** The serious and critical violations on the page now, one line each. */
async function violations(page: Page): Promise<string[]> {
  const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).slice(0, 5).join(' | ')}`);
}

/** Checks each path in both languages; collects every finding before failing, so one run names them all. */
async function checkPages(page: Page, info: TestInfo, paths: string[]) {
  const found: string[] = [];
  const p = await withScriptsRunnable(page, info);
  try {
    for (const lang of LANGS) {
      await setLang(p.context(), info, lang);
      for (const path of paths) {
        await open(p, info, path);
        await expect(p.locator('html')).toHaveAttribute('lang', lang === 'zh' ? 'zh-CN' : 'en');
        for (const v of await violations(p)) found.push(`[${lang}] ${path}: ${v}`);
      }
    }
  } finally {
    if (p !== page) await p.context().close();
  }
  expect(found, 'serious or critical axe-core violations').toEqual([]);
}

/** The `href` of the first `selector` on `listPath`, or none. */
async function firstLink(page: Page, info: TestInfo, listPath: string, selector: string): Promise<string | null> {
  await open(page, info, listPath);
  const link = page.locator(selector).first();
  if (!(await link.count())) return null;
  return link.getAttribute('href');
}

const CASE_LINK = 'main a[href^="/cases/"]:not([href="/cases/new"])';

test('public pages', async ({ page }, info) => {
  const merchant = await firstLink(page, info, '/search?q=%E5%95%86', 'main a[href^="/merchants/"]:not([href="/merchants/register"])');
  expect(merchant, 'a merchant from the search').toBeTruthy();
  const complaint = await firstLink(page, info, '/complaints', 'main a[href^="/complaints/"]');
  const paths = [
    '/',
    '/search',
    '/search?q=%E5%95%86',
    merchant!,
    '/complaints',
    '/fund',
    '/credit/method',
    '/lists/red',
    '/lists/black',
    '/login',
    '/register',
    '/forgot',
    '/reset?token=unknown',
    '/verify?token=unknown',
  ];
  if (complaint) paths.push(complaint);
  await checkPages(page, info, paths);
});

test('consumer pages', async ({ page }, info) => {
  await signIn(page, info, 'consumer@demo.gongdao.cn');
  const kase = await firstLink(page, info, '/cases', CASE_LINK);
  expect(kase, 'a demo case').toBeTruthy();
  await checkPages(page, info, ['/dashboard', '/cases', '/cases/new', kase!, '/inbox', '/account']);
});

test('merchant pages', async ({ page }, info) => {
  await signIn(page, info, 'merchant@demo.gongdao.cn');
  const kase = await firstLink(page, info, '/cases', CASE_LINK);
  const paths = ['/dashboard', '/cases', '/merchants/register', '/inbox', '/account'];
  if (kase) paths.push(kase);
  await checkPages(page, info, paths);
});

test('mediator and arbitrator pages', async ({ page }, info) => {
  for (const who of ['mediator', 'arbitrator']) {
    await signIn(page, info, `${who}@demo.gongdao.cn`);
    const kase = await firstLink(page, info, '/cases', CASE_LINK);
    const paths = ['/dashboard', '/cases'];
    if (kase) paths.push(kase);
    await checkPages(page, info, paths);
    await page.context().clearCookies();
  }
});

test('fund administrator pages', async ({ page }, info) => {
  await signIn(page, info, 'fund-admin@demo.gongdao.cn');
  await checkPages(page, info, ['/dashboard', '/fund/admin', '/fund']);
});

test('regulator pages, every tab', async ({ page }, info) => {
  await signIn(page, info, 'regulator@demo.gongdao.cn');
  await open(page, info, '/regulator');
  const tabs = await page.locator('a[id^="tab-"]').evaluateAll((as) => as.map((a) => a.getAttribute('href')!));
  expect(tabs.length).toBeGreaterThan(3);
  await checkPages(page, info, ['/dashboard', '/regulator', ...tabs]);
});

test('admin pages', async ({ page }, info) => {
  await signIn(page, info, 'admin@demo.gongdao.cn');
  await checkPages(page, info, ['/dashboard', '/admin/users', '/admin/accounts', '/admin/calendar', '/admin/pii-log']);
});
