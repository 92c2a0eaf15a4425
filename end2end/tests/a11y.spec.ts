import { BrowserContext, expect, Page, TestInfo } from '@playwright/test';
import { axeViolations, discardDraft, open, saveDraft, signIn, test, watchErrors, withScriptsRunnable } from './helpers';

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

// Every page twice (both languages, side by side), each hydrating with JavaScript on.
test.describe.configure({ timeout: 300_000 });

async function setLang(ctx: BrowserContext, info: TestInfo, lang: string) {
  const url = new URL(info.project.use.baseURL!);
  await ctx.addCookies([{ name: 'gongdao_lang', value: lang, domain: url.hostname, path: '/' }]);
}

/**
 * A page to check `lang` in, and what its browser logs as errors: with
 * JavaScript on, `page` itself for Chinese and a second context (its
 * cookies, watched like `page`) for English, so both languages load at
 * once; with it off, one page per language where axe-core can run
 * (`withScriptsRunnable`).
 */
async function pageFor(page: Page, info: TestInfo, lang: string): Promise<{ p: Page; errors: string[] }> {
  let p = page;
  let errors: string[] = [];
  if (info.project.use.javaScriptEnabled === false) {
    p = await withScriptsRunnable(page, info);
  } else if (lang !== LANGS[0]) {
    const ctx = await page.context().browser()!.newContext({
      baseURL: info.project.use.baseURL,
      locale: 'zh-CN',
      viewport: page.viewportSize(),
      storageState: await page.context().storageState(),
    });
    p = await ctx.newPage();
    errors = watchErrors(p);
  }
  await setLang(p.context(), info, lang);
  return { p, errors };
}

/** Checks each path in both languages (side by side); collects every finding before failing, so one run names them all. */
async function checkPages(page: Page, info: TestInfo, paths: string[]) {
  const found: string[] = [];
  const pages = await Promise.all(LANGS.map(async (lang) => ({ lang, ...(await pageFor(page, info, lang)) })));
  try {
    for (const path of paths) {
      await Promise.all(
        pages.map(async ({ lang, p }) => {
          await open(p, info, path);
          await expect(p.locator('html')).toHaveAttribute('lang', lang === 'zh' ? 'zh-CN' : 'en');
          for (const v of await axeViolations(p)) found.push(`[${lang}] ${path}: ${v}`);
        }),
      );
    }
  } finally {
    for (const { p } of pages) if (p !== page) await p.context().close();
  }
  expect(pages.flatMap((x) => x.errors), 'browser errors').toEqual([]);
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
  await discardDraft(page, info);
  await checkPages(page, info, ['/dashboard', '/cases', '/cases/new', `/cases/new?q=${encodeURIComponent('华奈')}`, '/cases/new?merchant=1', kase!, '/inbox', '/account']);
  // With a draft: the form filled from it (its files, discard) and the review page.
  await saveDraft(page, info);
  try {
    await checkPages(page, info, ['/cases/new', '/cases/new/review']);
  } finally {
    await discardDraft(page, info);
  }
});

test('merchant pages', async ({ page }, info) => {
  await signIn(page, info, 'merchant@demo.gongdao.cn');
  const kase = await firstLink(page, info, '/cases', CASE_LINK);
  const paths = ['/dashboard', '/cases', '/merchants/register', '/merchants/team', '/merchants/templates', '/inbox', '/account'];
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
