import { expect, Page, TestInfo } from '@playwright/test';
import { axeViolations, discardDraft, open, saveDraft, signIn, test, withScriptsRunnable } from './helpers';

/**
 * Phone width (issue 16): at 375 × 812 no page of the site (the routes in
 * `app/src/lib.rs`, as each role reaches them, filled with the demo data) is
 * wider than the screen: `document.documentElement.scrollWidth <= 375`, so
 * nothing needs sideways scrolling (a wide table scrolls inside its own
 * `.table-wrap` box instead). Chinese, and the public pages in English too
 * (longer words). With JavaScript off the width is read in a page whose
 * documents come without scripts (`withScriptsRunnable`). axe-core checks
 * each page at this width too (a table that scrolls inside its box must be
 * reachable by keyboard, text must keep its contrast): no serious or
 * critical violation.
 */

test.use({ viewport: { width: 375, height: 812 } });
test.describe.configure({ timeout: 240_000 });

/**
 * `paths` wider than 375 px, each with the first elements reaching past it,
 * and (with `axe`) each page's serious or critical axe-core violations.
 */
async function phoneFindings(page: Page, info: TestInfo, paths: string[], axe = true): Promise<string[]> {
  const found: string[] = [];
  const p = await withScriptsRunnable(page, info);
  try {
    for (const path of paths) {
      await open(p, info, path);
      const [width, culprits] = await p.evaluate(() => {
        const name = (e: Element) =>
          e.tagName.toLowerCase() + (e.id ? `#${e.id}` : '') + (typeof e.className === 'string' && e.className ? `.${e.className.trim().split(/\s+/).join('.')}` : '');
        const wide = Array.from(document.querySelectorAll('body *'))
          .filter((e) => e.getBoundingClientRect().right > 375.5 && !e.parentElement?.closest('.table-wrap'))
          .slice(0, 4)
          .map(name);
        return [document.documentElement.scrollWidth, wide] as const;
      });
      if (width > 375) found.push(`${path}: ${width} px (${culprits.join(', ')})`);
      if (axe) for (const v of await axeViolations(p)) found.push(`${path}: ${v}`);
    }
  } finally {
    if (p !== page) await p.context().close();
  }
  return found;
}

async function firstLink(page: Page, info: TestInfo, listPath: string, selector: string): Promise<string | null> {
  await open(page, info, listPath);
  const link = page.locator(selector).first();
  if (!(await link.count())) return null;
  return link.getAttribute('href');
}

const CASE_LINK = 'main a[href^="/cases/"]:not([href="/cases/new"])';

test('public pages fit a phone', async ({ page }, info) => {
  const merchant = await firstLink(page, info, '/search?q=%E5%95%86', 'main a[href^="/merchants/"]:not([href="/merchants/register"])');
  expect(merchant, 'a merchant from the search').toBeTruthy();
  const complaint = await firstLink(page, info, '/complaints', 'main a[href^="/complaints/"]');
  const paths = ['/', '/search', '/search?q=%E5%95%86', merchant!, '/complaints', '/fund', '/credit/method', '/lists/red', '/lists/black', '/login', '/register', '/forgot'];
  if (complaint) paths.push(complaint);
  const found = await phoneFindings(page, info, paths);
  const url = new URL(info.project.use.baseURL!);
  await page.context().addCookies([{ name: 'gongdao_lang', value: 'en', domain: url.hostname, path: '/' }]);
  for (const f of await phoneFindings(page, info, paths, false)) found.push(`[en] ${f}`);
  expect(found, 'pages wider than a 375 px phone, or with axe-core violations there').toEqual([]);
});

test('signed-in pages fit a phone', async ({ page }, info) => {
  const roles: [string, string[]][] = [
    ['consumer', ['/dashboard', '/cases', '/cases/new', `/cases/new?q=${encodeURIComponent('华奈')}`, '/cases/new?merchant=1', '/inbox', '/account']],
    ['merchant', ['/dashboard', '/cases', '/merchants/register', '/merchants/team', '/merchants/templates']],
    ['mediator', ['/dashboard', '/cases', '/staff/workload']],
    ['fund-admin', ['/dashboard', '/fund/admin']],
    ['regulator', ['/dashboard', '/regulator', '/regulator/dashboard']],
    ['admin', ['/dashboard', '/admin/users', '/admin/accounts', '/admin/calendar', '/admin/pii-log', '/admin/organisations']],
  ];
  const found: string[] = [];
  for (const [who, paths] of roles) {
    await signIn(page, info, `${who}@demo.gongdao.cn`);
    if (['consumer', 'merchant', 'mediator'].includes(who)) {
      const kase = await firstLink(page, info, '/cases', CASE_LINK);
      if (kase) paths.push(kase);
    }
    if (who === 'consumer') await discardDraft(page, info);
    for (const f of await phoneFindings(page, info, paths)) found.push(`[${who}] ${f}`);
    if (who === 'consumer') {
      // With a draft: the form filled from it and the review page.
      await saveDraft(page, info);
      for (const f of await phoneFindings(page, info, ['/cases/new', '/cases/new/review'])) found.push(`[${who}, draft] ${f}`);
      await discardDraft(page, info);
    }
    await page.context().clearCookies();
  }
  expect(found, 'pages wider than a 375 px phone, or with axe-core violations there').toEqual([]);
});

/** The controls on `paths` smaller than a 44 px tap target: buttons, button links, fields, folds and the header's links. */
async function smallTargets(page: Page, info: TestInfo, paths: string[]): Promise<string[]> {
  const found: string[] = [];
  const p = await withScriptsRunnable(page, info);
  try {
    for (const path of paths) {
      await open(p, info, path);
      const small = await p.evaluate(() => {
        const sel = 'button, a.button, select, textarea, summary, header nav a, input:not([type=hidden]):not([type=checkbox]):not([type=radio]):not([type=file])';
        return Array.from(document.querySelectorAll(sel))
          .map((e) => [e, e.getBoundingClientRect()] as const)
          // Not rendered (inside a closed <details>, hidden): nothing to tap.
          .filter(([, r]) => r.width > 0 && r.height > 0 && r.height < 43.5)
          .slice(0, 5)
          .map(([e, r]) => `${e.tagName.toLowerCase()}${e.id ? '#' + e.id : ''}${(e as HTMLElement).innerText ? ' "' + (e as HTMLElement).innerText.trim().slice(0, 12) + '"' : ''} ${Math.round(r.height)} px`);
      });
      if (small.length) found.push(`${path}: ${small.join(', ')}`);
    }
  } finally {
    if (p !== page) await p.context().close();
  }
  return found;
}

test('the filing and case pages have tap targets of at least 44 px on a phone', async ({ page }, info) => {
  const found: string[] = [];
  for (const [who, paths] of [
    ['consumer', ['/', '/cases', '/cases/new', `/cases/new?q=${encodeURIComponent('华奈')}`, '/cases/new?merchant=1']],
    ['merchant', ['/cases', '/merchants/templates']],
  ] as [string, string[]][]) {
    await signIn(page, info, `${who}@demo.gongdao.cn`);
    const kase = await firstLink(page, info, '/cases', CASE_LINK);
    if (kase) paths.push(kase);
    for (const f of await smallTargets(page, info, paths)) found.push(`[${who}] ${f}`);
    await page.context().clearCookies();
  }
  expect(found, 'controls smaller than 44 px').toEqual([]);
});
