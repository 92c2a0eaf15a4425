import { APIRequestContext, expect, Page } from '@playwright/test';
import { open, test } from './helpers';

// Merchant search (/search) and the name box with suggestions. Hydrated,
// typing part of a demo merchant's name offers it (debounced; an older
// answer never replaces a newer one) and the keyboard opens it. With
// JavaScript on and off, the form submits with its sort and filters,
// facets are links that filter, sorting by credit follows the scores,
// pages move on and back, and a wrong parameter is named in Chinese.
// Expectations come from the public API, so what other specs did to the
// demo merchants (grades, verification) does not matter.

/** The first row of services/demo/merchants.csv. */
const DEMO_NAME = '上海华奈工贸有限公司';
/** Words most demo names share: several pages of results. */
const MANY = '有限公司';

async function api(request: APIRequestContext, path: string) {
  const r = await request.get(path);
  expect(r.status(), path).toBe(200);
  return r.json();
}

/** The merchant ids listed, in order. */
async function listed(page: Page): Promise<string[]> {
  return page.locator('#results > li').evaluateAll((lis) => lis.map((li) => li.getAttribute('data-merchant') ?? ''));
}

test('typing part of a name suggests it; arrow and Enter open the merchant', async ({ page, request }, info) => {
  const id = (await api(request, `/api/v1/merchants/suggest?q=${encodeURIComponent('华奈工贸')}`)).items[0].id;
  await open(page, info, '/');
  const box = page.locator('#home-q');
  if (info.project.name !== 'js') {
    // Without JavaScript: a plain search field of a GET form.
    await expect(box).not.toHaveAttribute('role', 'combobox');
    await expect(page.locator('#home-q-listbox')).toHaveCount(0);
    await box.fill('华奈');
    await box.press('Enter');
    await expect(page).toHaveURL(/\/search\?q=%E5%8D%8E%E5%A5%88$/);
    await expect(page.locator(`#results li[data-merchant="${id}"]`)).toContainText(DEMO_NAME);
    return;
  }
  await expect(box).toHaveAttribute('role', 'combobox');
  await expect(box).toHaveAttribute('aria-expanded', 'false');
  await box.pressSequentially('华奈工', { delay: 40 });
  const options = page.locator('#home-q-listbox [role=option]');
  await expect(options.first()).toContainText(DEMO_NAME);
  await expect(box).toHaveAttribute('aria-expanded', 'true');
  await expect(options.first()).toHaveAttribute('data-merchant', String(id));
  await box.press('ArrowDown');
  await expect(box).toHaveAttribute('aria-activedescendant', 'home-q-option-0');
  await expect(options.first()).toHaveAttribute('aria-selected', 'true');
  await box.press('Enter');
  await expect(page).toHaveURL(new RegExp(`/merchants/${id}$`));
  await expect(page.locator('#merchant-name')).toHaveText(DEMO_NAME);

  // The /search page's box too: Escape closes the list, a click opens one.
  await open(page, info, '/search');
  const searchBox = page.locator('#search-q');
  await searchBox.pressSequentially('上海华奈', { delay: 40 });
  await expect(page.locator('#search-q-listbox [role=option]').first()).toContainText(DEMO_NAME);
  await searchBox.press('Escape');
  await expect(searchBox).toHaveAttribute('aria-expanded', 'false');
  await expect(page.locator('#search-q-listbox')).toBeHidden();
  await searchBox.press('ArrowDown');
  await expect(searchBox).toHaveAttribute('aria-expanded', 'true');
  await page.locator('#search-q-listbox [role=option]').first().click();
  await expect(page).toHaveURL(new RegExp(`/merchants/${id}$`));
});

test('an older answer never replaces a newer one', async ({ page }, info) => {
  test.skip(info.project.name !== 'js', 'suggestions need JavaScript');
  // The answer for 上海 is held back until after the one for 上海华奈 came.
  let released = false;
  await page.route('**/api/merchants/suggest', async (route) => {
    const q = new URLSearchParams(route.request().postData() ?? '').get('q');
    if (q === '上海') {
      await new Promise((r) => setTimeout(r, 1500));
      released = true;
    }
    await route.continue();
  });
  await open(page, info, '/');
  const box = page.locator('#home-q');
  await box.pressSequentially('上海', { delay: 20 });
  await page.waitForTimeout(300); // past the debounce: the 上海 request is out
  await box.pressSequentially('华奈', { delay: 20 });
  const options = page.locator('#home-q-listbox [role=option]');
  await expect(options.first()).toContainText(DEMO_NAME);
  await expect.poll(() => released, { timeout: 5000 }).toBe(true);
  await page.waitForTimeout(300);
  // Still the answer for 上海华奈, not the many names of 上海.
  await expect(options).toHaveCount(1);
  await expect(options.first()).toContainText(DEMO_NAME);
});

test('the form, facets, sort by credit and pages', async ({ page, request }, info) => {
  // The form submits (a GET: the same with JavaScript on and off).
  await open(page, info, '/search');
  await page.fill('#search-q', MANY);
  await page.selectOption('#search-sort', 'relevance');
  await page.click('#search-form button[type=submit]');
  await expect(page).toHaveURL(/\/search\?q=%E6%9C%89%E9%99%90%E5%85%AC%E5%8F%B8&sort=relevance/);
  if (info.project.name === 'js') await page.waitForSelector('body[data-hydrated="1"]');
  const all = await api(request, `/api/v1/merchants?q=${encodeURIComponent(MANY)}&sort=relevance`);
  expect(all.total).toBeGreaterThan(20);
  await expect(page.locator('#search-total')).toHaveAttribute('data-total', String(all.total));
  expect(await listed(page)).toEqual(all.items.map((m: { id: number }) => String(m.id)));
  for (const facet of ['grade', 'list', 'verified', 'province']) {
    await expect(page.locator(`#facets [data-facet="${facet}"] a`).first()).toBeVisible();
  }

  // A province facet: only that province, as many as it said, text and sort kept.
  const link = page.locator('#facets [data-facet="province"] a').first();
  const province = (await link.getAttribute('data-value'))!;
  const count = (await link.locator('.count').textContent())!.trim();
  await link.click();
  await expect(page).toHaveURL(new RegExp(`province=${encodeURIComponent(province)}`));
  await expect(page).toHaveURL(/q=%E6%9C%89%E9%99%90%E5%85%AC%E5%8F%B8/);
  await expect(page.locator('#search-total')).toHaveAttribute('data-total', count);
  await expect(page.locator('#facets [data-facet="province"] a.active')).toHaveAttribute('data-value', province);
  for (const where of await page.locator('#results > li .muted').allTextContents()) {
    expect(where.startsWith(province)).toBe(true);
  }
  // Its link now clears it again.
  await page.locator('#facets [data-facet="province"] a.active').click();
  await expect(page).not.toHaveURL(/province=/);
  await expect(page.locator('#search-total')).toHaveAttribute('data-total', String(all.total));

  // Sort by credit through the form: the order of the scores (as the API has it).
  await page.selectOption('#search-sort', 'credit');
  await page.click('#search-form button[type=submit]');
  await expect(page).toHaveURL(/sort=credit/);
  if (info.project.name === 'js') await page.waitForSelector('body[data-hydrated="1"]');
  const byCredit = await api(request, `/api/v1/merchants?q=${encodeURIComponent(MANY)}&sort=credit`);
  const creditIds = byCredit.items.map((m: { id: number }) => String(m.id));
  await expect.poll(() => listed(page)).toEqual(creditIds);
  expect(creditIds, 'sorting by credit reorders').not.toEqual(all.items.map((m: { id: number }) => String(m.id)));
  const scores = (await page.locator('#results > li').evaluateAll((lis) => lis.map((li) => li.getAttribute('data-score') ?? ''))).map(
    (s) => (s === '' ? -1 : Number(s)),
  );
  expect(scores[0]).toBeGreaterThan(-1);
  expect([...scores].sort((a, b) => b - a)).toEqual(scores);

  // Pages: on, and back.
  const pages = Number(await page.locator('#page-of').getAttribute('data-pages'));
  expect(pages).toBe(Math.ceil(byCredit.total / 20));
  await expect(page.locator('#page-of')).toHaveText(`第 1 页，共 ${pages} 页`);
  await expect(page.locator('#page-prev')).toHaveCount(0);
  await page.click('#page-next');
  await expect(page).toHaveURL(/page=2/);
  await expect(page.locator('#page-of')).toHaveAttribute('data-page', '2');
  const second = await api(request, `/api/v1/merchants?q=${encodeURIComponent(MANY)}&sort=credit&page=2`);
  await expect.poll(() => listed(page)).toEqual(second.items.map((m: { id: number }) => String(m.id)));
  await page.click('#page-prev');
  await expect(page).not.toHaveURL(/page=/);
  await expect(page.locator('#page-of')).toHaveAttribute('data-page', '1');
  await expect.poll(() => listed(page)).toEqual(creditIds);
});

test('a wrong parameter is named in Chinese and the page still renders', async ({ page }, info) => {
  for (const [query, message] of [
    ['grade=Z', '信用等级：须为 A+、A、B、C、D 或 none（未评级）'],
    ['sort=best', '排序：须为 relevance（相关度）、credit（信用分）或 complaints（投诉数）'],
    ['verified=yes', '实名认证：须为 true 或 false'],
    ['page=0', '页码：须为 1 至 10000 之间的整数'],
    [`q=${encodeURIComponent('长'.repeat(201))}`, '搜索词：不能超过 200 个字符'],
  ]) {
    await open(page, info, `/search?${query}`);
    await expect(page.locator('#search-error')).toHaveText(message);
    await expect(page.locator('#search-form')).toBeVisible();
    await expect(page.locator('#results')).toHaveCount(0);
  }
  // And a good search from there works.
  await page.fill('#search-q', '华奈');
  await page.click('#search-form button[type=submit]');
  await expect(page.locator('#results > li').first()).toContainText(DEMO_NAME);
  await expect(page.locator('#search-error')).toHaveCount(0);
});
