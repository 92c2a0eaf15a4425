import { expect, Page, TestInfo } from '@playwright/test';

/** Opens `path`; with JavaScript on, waits until the page has hydrated so clicks go through Leptos. */
export async function open(page: Page, info: TestInfo, path: string) {
  await page.goto(path);
  if (info.project.name === 'js') {
    await page.waitForSelector('body[data-hydrated="1"]');
  }
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
