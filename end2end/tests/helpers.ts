import AxeBuilder from '@axe-core/playwright';
import { APIRequestContext, Browser, expect, Locator, Page, request as playwrightRequest, test as base, TestInfo } from '@playwright/test';
import { readFileSync } from 'fs';
import { join } from 'path';

/**
 * `test` that fails when the browser logs an error (a hydration mismatch, a
 * panic in the wasm), when one of our requests fails, or when a server
 * function answers with an internal error. Server functions answer every
 * error with status 500 and the `AppError` as JSON; expected refusals (a
 * wrong password, a taken address) are fine, `internal` ones are not.
 */
export const test = base.extend<{ consoleErrors: string[] }>({
  consoleErrors: [
    async ({ page }, use) => {
      const errors = watchErrors(page);
      await use(errors);
      expect(errors, 'browser errors').toEqual([]);
    },
    { auto: true },
  ],
});

/** Statuses a test expects for a path on a page (`expectStatus`), which are then not errors. */
const expected = new WeakMap<Page, Map<string, number>>();

/**
 * Opens `path` and checks it answers `status`: a record page of a withdrawn
 * or missing record is a 404 on purpose, so that answer (and the icon request
 * the browser makes for an error page) is not counted as a browser error.
 */
export async function expectStatus(page: Page, info: TestInfo, path: string, status: number) {
  const map = expected.get(page) ?? new Map<string, number>();
  map.set(path, status);
  map.set('/favicon.svg', 404);
  expected.set(page, map);
  // A page the public cache served a moment ago may take a moment to go.
  let got: number | undefined;
  for (let i = 0; i < 20; i++) {
    got = (await page.goto(path))?.status();
    if (got === status) break;
    await page.waitForTimeout(250);
  }
  expect(got, `status of ${path}`).toBe(status);
  if (info.project.name === 'js') await page.waitForSelector('body[data-hydrated="1"]');
}

/** Collects what `page` logs as an error, and our requests that fail (see `test`). */
export function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('response', async (r) => {
    if (r.status() < 400) return;
    const path = new URL(r.url()).pathname;
    if (expected.get(page)?.get(path) === r.status()) return;
    const serverFn = path.startsWith('/api/') && !path.startsWith('/api/v1/');
    if (!serverFn) {
      errors.push(`${r.status()} ${path}`);
      return;
    }
    const body = await r.text().catch(() => '');
    if (/"kind":"(internal|transport)"/.test(body) || !body.includes('"kind"')) errors.push(`${r.status()} ${path}: ${body}`);
  });
  return errors;
}

/** What the browser of each extra party logged as an error. */
const partyErrors = new WeakMap<Page, string[]>();

/** Another browser context with the same JavaScript setting, watched like `test`'s page; signed in as `email` unless none is given. */
export async function party(browser: Browser, info: TestInfo, email?: string, password = 'gongdao-demo'): Promise<Page> {
  const ctx = await browser.newContext({
    baseURL: info.project.use.baseURL,
    locale: 'zh-CN',
    javaScriptEnabled: info.project.use.javaScriptEnabled,
  });
  const page = await ctx.newPage();
  partyErrors.set(page, watchErrors(page));
  if (email) await signIn(page, info, email, password);
  return page;
}

/** Closes an extra party's context after checking its browser logged no error. */
export async function leave(page: Page) {
  expect(partyErrors.get(page), 'browser errors').toEqual([]);
  await page.context().close();
}

/** Opens `path`; with JavaScript on, waits until the page has hydrated so clicks go through Leptos. */
export async function open(page: Page, info: TestInfo, path: string) {
  await page.goto(path);
  if (info.project.name === 'js') {
    await page.waitForSelector('body[data-hydrated="1"]');
  }
}

/**
 * An API client of its own, signed in as `email` with a bearer token, and
 * the headers that carry it. Signing in through the API also sets the
 * session cookie, and a write riding on a cookie must name its origin
 * (CSRF): so each sign-in uses a request context apart from every page.
 */
export async function apiAs(info: TestInfo, email: string, password = 'gongdao-demo'): Promise<{ api: APIRequestContext; headers: { Authorization: string } }> {
  const api = await playwrightRequest.newContext({ baseURL: info.project.use.baseURL });
  const r = await api.post('/api/v1/session', { data: { email, password } });
  expect(r.status(), `sign-in of ${email}: ${await r.text()}`).toBe(200);
  const token: string = (await r.json()).token;
  return { api, headers: { Authorization: `Bearer ${token}` } };
}

/** A bearer token for `email` (its request context is let go). */
export async function apiToken(info: TestInfo, email: string, password = 'gongdao-demo'): Promise<string> {
  const { api, headers } = await apiAs(info, email, password);
  await api.dispose();
  return headers.Authorization.slice('Bearer '.length);
}

/** axe-core's serious and critical violations of WCAG 2.1 A/AA on the page now, one line each. */
export async function axeViolations(page: Page): Promise<string[]> {
  // Violations only in full (passes one node each): a third less work a page.
  const result = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
    .options({ resultTypes: ['violations'] })
    .analyze();
  // A page axe-core found nothing to check on (a blank page) is no pass.
  expect(result.passes.length, `axe-core checked ${page.url()}`).toBeGreaterThan(10);
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).slice(0, 5).join(' | ')}`);
}

/** A fresh address per run and project. */
export function uniqueEmail(info: TestInfo, tag: string): string {
  return `e2e-${tag}-${info.project.name}-${Date.now()}-${Math.floor(Math.random() * 1e6)}@example.cn`;
}

/** Waits for a mail to `to` in the development mailbox and returns the first link containing `pathPart`. */
export async function mailedLink(page: Page, info: TestInfo, to: string, pathPart: string): Promise<string> {
  for (let i = 0; i < 40; i++) {
    await open(page, info, '/dev/mailbox');
    const mail = page.locator(`article.mail[data-to="${to}"]`).first();
    if (await mail.count()) {
      const href = await mail.locator(`a[href*="${pathPart}"]`).first().getAttribute('href');
      expect(href).toBeTruthy();
      return href!;
    }
    await page.waitForTimeout(250);
  }
  throw new Error(`no mail to ${to} with a ${pathPart} link`);
}

/** Signs in through the form and waits for the dashboard. */
export async function signIn(page: Page, info: TestInfo, email: string, password = 'gongdao-demo') {
  await open(page, info, '/login');
  await page.fill('#login-form input[name=email]', email);
  await page.fill('#login-form input[name=password]', password);
  await page.click('#login-form button[type=submit]');
  await expect(page).toHaveURL(/\/dashboard/);
}

/**
 * Submits the case page's form for `action`, filling `fields` (name → value)
 * first, and waits for the case page it leads to. On SQLite a step whose
 * transaction meets another write (the outbox delivering mail or recomputing
 * the merchant's credit after the previous step) is refused with "the case
 * changed, try again" and nothing is done; like a person, this tries again
 * (at most 5 times). Any other refusal fails the test with its message.
 */
export async function act(page: Page, info: TestInfo, action: string, fields: Record<string, string> = {}) {
  const js = info.project.name === 'js';
  for (let attempt = 1; ; attempt++) {
    // A click while the page hydrates can fall between the server's form
    // and the hydrated one (no post at all): act on a hydrated page.
    if (js) await page.waitForSelector('body[data-hydrated="1"]');
    const form = await actionForm(page, action);
    for (const [name, value] of Object.entries(fields)) {
      const input = form.locator(`[name="${name}"]`);
      if ((await input.evaluate((e) => e.tagName)) === 'SELECT') await input.selectOption(value);
      else await input.fill(value);
    }
    // Hydrated, the form posts with fetch and the redirect then loads the
    // case page again; without JavaScript (or before hydration) the post
    // itself navigates, a refusal back to the page with `__err`.
    const navigated = page.waitForEvent('framenavigated', { predicate: (f) => f === page.mainFrame() });
    // Not awaited when the step is refused and tried again: no unhandled rejection then.
    navigated.catch(() => {});
    const answered = js ? serverFnAnswer(page) : null;
    await form.locator('button[type=submit]').click();
    let changed = false;
    if (answered) {
      const r = await answered;
      if (r.status() >= 400) {
        const body = await r.text();
        changed = body.includes('err.case_changed');
        if (!changed) throw new Error(`${action} refused: ${r.status()} ${body}`);
      }
    }
    if (!changed) {
      await navigated;
      await page.waitForLoadState('load');
      if (js) await page.waitForSelector('body[data-hydrated="1"]');
      const alert = page.locator(`form[data-action="${action}"] [role=alert]`).first();
      changed = page.url().includes('__err=') && (await alert.count()) > 0 && ((await alert.textContent()) ?? '').includes('请刷新后重试');
      if (!changed) return;
    }
    expect(attempt, `${action} refused as changed ${attempt} times`).toBeLessThan(6);
    await page.waitForTimeout(250 * attempt);
  }
}

/** The answer to the next server function `page` calls (a hydrated form posts to `/api/…`; the JSON API is `/api/v1/…`). */
export function serverFnAnswer(page: Page) {
  return page.waitForResponse((r) => {
    const path = new URL(r.url()).pathname;
    return r.request().method() === 'POST' && path.startsWith('/api/') && !path.startsWith('/api/v1/');
  });
}

/**
 * The case page's form for `action`, visible: a step that is not the one
 * expected next is folded in its own `<details>`, opened here as a person
 * opens it (a click on its summary works with JavaScript off too).
 */
export async function actionForm(page: Page, action: string) {
  const form = page.locator(`form[data-action="${action}"]`);
  const folded = page.locator(`details.action-more[data-action="${action}"]`);
  if ((await folded.count()) > 0 && (await folded.getAttribute('open')) === null) {
    await folded.locator(':scope > summary').click();
  }
  await expect(form).toBeVisible();
  return form;
}

/** Clicks `target` (a selector or a locator) and waits for the page it loads (with JavaScript on, hydrated too). */
export async function clickToLoad(page: Page, info: TestInfo, target: string | Locator) {
  const navigated = page.waitForEvent('framenavigated', { predicate: (f) => f === page.mainFrame() });
  await (typeof target === 'string' ? page.locator(target) : target).click();
  await navigated;
  await page.waitForLoadState('load');
  if (info.project.name === 'js') await page.waitForSelector('body[data-hydrated="1"]');
}

/**
 * Submits the filing form as a person does: "下一步：核对" (`#file-review`),
 * then, if the review page shows (`#filing-review`: everything checked), its
 * "确认提交". Ends on the case page, or on the form with the error on top.
 */
export async function submitFiling(page: Page, info: TestInfo) {
  await clickToLoad(page, info, '#file-form #file-review');
  if (await page.locator('#filing-review').count()) {
    await clickToLoad(page, info, '#filing-review #filing-confirm');
  }
}

/**
 * Discards the signed-in consumer's filing draft, if any (through the API,
 * with the page's session): the drafts of the demo consumer, whom many specs
 * share, live on the server, so a spec that files — or leaves a refused form
 * behind — starts or ends without one.
 */
export async function discardDraft(page: Page, info: TestInfo) {
  const origin = new URL(info.project.use.baseURL!).origin;
  const r = await page.request.delete('/api/v1/cases/filing/draft', { headers: { origin } });
  expect(r.status(), 'discarding the filing draft').toBe(204);
}

/**
 * Keeps a complete filing draft for the signed-in consumer against the demo
 * merchant, with one image (through the API, with the page's session): for
 * specs that look at the draft's form and the review page.
 */
export async function saveDraft(page: Page, info: TestInfo) {
  const origin = new URL(info.project.use.baseURL!).origin;
  const image = readFileSync(join(__dirname, '..', 'fixtures', 'receipt-green.png'));
  const r = await page.request.post('/api/v1/cases/filing', {
    headers: { origin },
    multipart: {
      step: 'save',
      merchant: '1',
      category: 'quality',
      title: '收到的保温杯有裂纹',
      narrative: '开箱发现杯身有裂纹，附收货照片，要求退款。',
      order_ref: `E2E-DRAFT-${info.project.name}-${Date.now()}`,
      order_date: '2026-11-20',
      amount_paid: '89.00',
      amount_claimed: '89',
      remedy: 'refund',
      evidence: { name: '收货照片.png', mimeType: 'image/png', buffer: image },
    },
  });
  expect(r.status(), 'saving a filing draft').toBe(200);
}

/** The HTML as a browser without JavaScript renders it: no scripts, `<noscript>` content shown. */
function withoutScripts(html: string): string {
  return html.replace(/<script\b[\s\S]*?<\/script>/gi, '').replace(/<\/?noscript>/gi, '');
}

/**
 * A page in which a test may run its own scripts (`evaluate`, axe-core) on
 * what `page`'s visitor sees: `page` itself with JavaScript on. With it off
 * a script cannot run in the page at all (`evaluate` never returns), so:
 * a page of a new context with JavaScript on and `page`'s cookies, whose
 * documents arrive without their scripts (nothing hydrates) and with
 * `<noscript>` content shown. Close its context when done (if it is not `page`).
 */
export async function withScriptsRunnable(page: Page, info: TestInfo): Promise<Page> {
  if (info.project.use.javaScriptEnabled !== false) return page;
  const ctx = await page.context().browser()!.newContext({
    baseURL: info.project.use.baseURL,
    locale: 'zh-CN',
    javaScriptEnabled: true,
    viewport: page.viewportSize(),
    storageState: await page.context().storageState(),
  });
  await ctx.route('**/*', async (route) => {
    const req = route.request();
    if (req.resourceType() === 'document') {
      const resp = await route.fetch({ maxRedirects: 0 });
      const headers = { ...resp.headers() };
      if (!(headers['content-type'] ?? '').includes('text/html')) return route.fulfill({ response: resp });
      // The body comes decoded: its length and encoding are no longer so.
      delete headers['content-length'];
      delete headers['content-encoding'];
      return route.fulfill({ status: resp.status(), headers, body: withoutScripts(await resp.text()) });
    }
    if (req.resourceType() === 'script' || /\.(js|wasm)$/.test(new URL(req.url()).pathname)) return route.abort();
    return route.continue();
  });
  return ctx.newPage();
}
