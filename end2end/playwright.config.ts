import { defineConfig } from '@playwright/test';

// `cargo xtask test` starts the server on a free port and passes its URL.
const baseURL = process.env.GONGDAO_E2E_URL ?? 'http://127.0.0.1:3000';

// Every spec runs twice: hydrated (JavaScript on) and as plain HTML forms (off).
export default defineConfig({
  testDir: './tests',
  // The longest specs walk a case through four parties' pages, each page
  // hydrating a debug build (about 4 s a page on 2 cores until the dev
  // profile optimised the server's brotli, under 1 s since): 60 s was too
  // short then, and a loaded machine still needs the room.
  timeout: 120_000,
  expect: { timeout: 10_000 },
  workers: 1,
  retries: 0,
  reporter: 'list',
  use: {
    baseURL,
    locale: 'zh-CN',
    trace: 'off',
    launchOptions: {
      executablePath: '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
    },
  },
  projects: [
    { name: 'js', use: { javaScriptEnabled: true } },
    { name: 'nojs', use: { javaScriptEnabled: false } },
  ],
});
