// Retakes docs/screenshots: the filing flow (picker, form, review, the
// filed case) and a case page as both sides
// see it, 中文 and English, desktop (1280 px) and phone (375 px), full page.
//
//   cargo xtask run            # the demo, in another terminal
//   node end2end/screenshots.mjs [http://127.0.0.1:3000]
//
// It files one complaint through the API as the demo consumer and has the
// demo merchant answer and make an offer, so the case page shows a thread
// and an offer to answer. Install Debian's fonts-noto-cjk first, or Chinese
// renders as boxes. Not part of the test suite: it asserts nothing.
import { chromium, request } from '@playwright/test';
import { fileURLToPath } from 'node:url';
import { readFileSync } from 'node:fs';

const base = process.argv[2] ?? 'http://127.0.0.1:3000';
const out = fileURLToPath(new URL('../docs/screenshots/', import.meta.url));
const fixture = (n) => readFileSync(fileURLToPath(new URL(`./fixtures/${n}`, import.meta.url)));
const PASSWORD = 'gongdao-demo';

async function token(email) {
  const api = await request.newContext({ baseURL: base });
  const r = await api.post('/api/v1/session', { data: { email, password: PASSWORD } });
  if (r.status() !== 200) throw new Error(`sign-in of ${email}: ${r.status()}`);
  const t = (await r.json()).token;
  await api.dispose();
  return t;
}

async function post(bearer, path, data) {
  const api = await request.newContext({ baseURL: base });
  for (let i = 0; i < 10; i++) {
    const r = await api.post(path, { data, headers: { Authorization: `Bearer ${bearer}` } });
    if (r.ok()) {
      const v = await r.json();
      await api.dispose();
      return v;
    }
    if (r.status() !== 409) throw new Error(`POST ${path}: ${r.status()} ${await r.text()}`);
    await new Promise((res) => setTimeout(res, 500));
  }
  throw new Error(`POST ${path}: still 409`);
}

const consumer = await token('consumer@demo.gongdao.cn');
const merchant = await token('merchant@demo.gongdao.cn');
const day = new Date(Date.now() + 8 * 3600_000 - 4 * 86400_000).toISOString().slice(0, 10);
const filed = await post(consumer, '/api/v1/cases', {
  merchant_id: 1,
  category: 'not_as_pictured',
  title: '收到的保温杯与商品图片不符',
  narrative: '商品页面展示的是不锈钢杯身，收到的是塑料杯身，保温效果也很差。要求退款。',
  order_ref: `SHOT-${Date.now()}`,
  order_date: day,
  amount_paid_fen: 16800,
  amount_claimed_fen: 16800,
  remedy: 'refund',
});
const justFiled = await post(consumer, '/api/v1/cases', {
  merchant_id: 1,
  category: 'quality',
  title: '电水壶使用一周后漏水',
  narrative: '电水壶底部接缝处漏水，已停止使用，要求换货。',
  order_ref: `SHOT-NEW-${Date.now()}`,
  order_date: day,
  amount_paid_fen: 12900,
  amount_claimed_fen: 12900,
  remedy: 'replacement',
});
const step = (bearer, id, data) => post(bearer, `/api/v1/cases/${id}/actions`, data);
await step(merchant, filed.id, { action: 'respond', message: '您好，我们已收到投诉，正在核实该批次商品。' });
await step(consumer, filed.id, { action: 'message', message: '附件里有收货时拍的照片，杯身明显是塑料的。' });
await step(merchant, filed.id, {
  action: 'offer',
  message: '核实属实，向您致歉。可全额退款，商品无需寄回。',
  amount_fen: 16800,
  remedy: 'refund',
  fulfil_within_days: 3,
});

const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
const widths = { desktop: { width: 1280, height: 900 }, phone: { width: 375, height: 812 } };
for (const lang of ['zh', 'en']) {
  for (const [form, viewport] of Object.entries(widths)) {
    const ctx = await browser.newContext({ viewport, locale: lang === 'zh' ? 'zh-CN' : 'en-GB' });
    await ctx.addCookies([{ name: 'gongdao_lang', value: lang, url: base }]);
    const page = await ctx.newPage();
    const shot = async (name) => {
      await page.waitForLoadState('load');
      await page.screenshot({ path: `${out}${name}-${lang}-${form}.jpg`, fullPage: true, quality: 70 });
    };
    await page.goto(`${base}/login`);
    await page.fill('#login-form input[name=email]', 'consumer@demo.gongdao.cn');
    await page.fill('#login-form input[name=password]', PASSWORD);
    await page.click('#login-form button[type=submit]');
    await page.waitForURL(/\/dashboard/);
    await page.goto(`${base}/`);
    await shot('home');
    await page.goto(`${base}/cases/new?q=${encodeURIComponent('演示')}`);
    await shot('pick');
    // A draft left by an earlier run would fill the form: none.
    await page.request.delete(`${base}/api/v1/cases/filing/draft`, { headers: { origin: new URL(base).origin } });
    await page.goto(`${base}/cases/new?merchant=1&name=${encodeURIComponent('演示商户')}`);
    await page.setInputFiles('#evidence-files', [
      { name: '收货照片.png', mimeType: 'image/png', buffer: fixture('receipt-green.png') },
      { name: '破损细节.png', mimeType: 'image/png', buffer: fixture('damage-red.png') },
    ]);
    await page.fill('#file-form input[name=title]', '收到的保温杯有裂纹');
    await page.fill('#file-form textarea[name=narrative]', '开箱发现杯身有裂纹，附收货照片和破损细节，要求退款。');
    await page.selectOption('#file-form select[name=category]', 'quality');
    await page.fill('#file-form input[name=order_ref]', `SHOT-REVIEW-${Date.now()}`);
    await page.fill('#file-form input[name=order_date]', '2026年11月20日');
    await page.fill('#file-form input[name=amount_paid]', '89.00');
    await page.fill('#file-form input[name=amount_claimed]', '89');
    await shot('filing');
    await page.click('#file-form #file-review');
    await page.waitForLoadState('load');
    if (!page.url().includes('/cases/new/review')) {
      await page.screenshot({ path: '/tmp/review-refused.png', fullPage: true });
      throw new Error(`no review page: ${page.url()}, see /tmp/review-refused.png`);
    }
    await shot('review');
    // The review leaves a draft on the server: discarded, so the next round starts anew.
    await page.request.delete(`${base}/api/v1/cases/filing/draft`, { headers: { origin: new URL(base).origin } });
    await page.goto(`${base}/cases/${justFiled.id}`);
    await shot('filed');
    await page.goto(`${base}/cases`);
    await shot('cases');
    await page.goto(`${base}/cases/${filed.id}`);
    await shot('case');
    await ctx.close();
  }
}
await browser.close();
console.log(`screenshots in ${out} (cases ${filed.id} and ${justFiled.id})`);
