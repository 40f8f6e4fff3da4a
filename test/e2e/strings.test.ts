// The string tables in the browser: the same keys in Korean and English, and no screen showing a
// raw key instead of a sentence (what the page shows when a key is missing).

import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { en } from '../../client/i18n/en.ts';
import { ko } from '../../client/i18n/ko.ts';
import { launchChromium } from './browser.ts';
import { openPage, waitForScene } from './pages.ts';
import { serveStatic, type StaticServer } from './static-server.ts';

const dist = fileURLToPath(new URL('../../client/dist', import.meta.url));
let server: StaticServer;
let browser: Browser;
const errors: string[] = [];

beforeAll(async () => {
  server = await serveStatic(dist, 4179);
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

/** Known keys on screen, and key-shaped text under a known key's prefix (a key missing from the tables shows as itself). */
async function rawKeysShown(page: Page): Promise<string[]> {
  const text = await page.evaluate(() => document.body.innerText);
  const known = Object.keys(en).filter((k) => text.includes(k));
  const prefixes = [...new Set(Object.keys(en).map((k) => k.slice(0, k.indexOf('.'))))];
  const missing = text.match(new RegExp(`\\b(?:${prefixes.join('|')})\\.[A-Za-z0-9][\\w.-]*[A-Za-z0-9]`, 'g')) ?? [];
  return [...new Set([...known, ...missing.filter((m) => !(m in en))])];
}

describe('strings', () => {
  test('the Korean and English tables have the same keys', () => {
    expect(Object.keys(ko).sort()).toEqual(Object.keys(en).sort());
  });

  for (const lang of ['ko', 'en'] as const) {
    test(`no screen shows a raw key (${lang})`, async () => {
      const page = await openPage(browser, `${server.url}/?lang=${lang}&aa=0`, errors);
      expect(await rawKeysShown(page)).toEqual([]);
      for (const [menu, scene] of [
        ['menu-join', 'join'],
        ['menu-host', 'host'],
      ] as const) {
        await page.click(`[data-testid=${menu}]`);
        await waitForScene(page, scene);
        expect(await rawKeysShown(page)).toEqual([]);
        await page.click('button[type=button]');
        await waitForScene(page, 'title');
      }
      await page.click('[data-testid=menu-solo]');
      await waitForScene(page, 'solo');
      expect(await rawKeysShown(page)).toEqual([]);
      for (const level of ['router-lossy', 'lb-failover', 'sender-arq', 'tap-password', 'router-timewait', 'router-dns', 'tap-tamper', 'server-io', 'osi-layers', 'sender-call', 'sender-crypto', 'sender-cc']) {
        await page.click(`[data-testid=play-${level}]`);
        await waitForScene(page, 'game');
        expect(await rawKeysShown(page)).toEqual([]);
        await page.click('[data-testid=level-start]');
        await page.waitForTimeout(2500);
        expect(await rawKeysShown(page)).toEqual([]);
        await page.click('[data-testid=leave]');
        await waitForScene(page, 'solo');
      }
      await page.click('[data-testid=back]');
      await waitForScene(page, 'title');
      await page.click('[data-testid=menu-sandbox]');
      await waitForScene(page, 'game');
      await page.waitForTimeout(2500);
      expect(await rawKeysShown(page)).toEqual([]);
      expect(errors).toEqual([]);
      await page.close();
    });
  }
});
