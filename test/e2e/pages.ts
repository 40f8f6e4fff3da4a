// Helpers for driving the game in a page: wait for a screen, read the test hooks, save screenshots.

import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';

export const SCREENSHOTS = fileURLToPath(new URL('../../test-results/screenshots/', import.meta.url));

export interface Hooks {
  scene: string;
  ready: boolean;
  captions: Record<string, number>;
  cameraFocus: string | null;
  lastResult: { passed: boolean; stars: number } | null;
}

/** A page at 1600×900 that fails the test on any uncaught page error. */
export async function openPage(browser: Browser, url: string, errors: string[], viewport = { width: 1600, height: 900 }): Promise<Page> {
  const page = await browser.newPage({ viewport });
  page.on('pageerror', (e) => errors.push(`${url}: ${e.message}`));
  page.on('dialog', (d) => void d.accept());
  await page.goto(url);
  await page.waitForFunction(() => (window as unknown as { __pp?: Hooks }).__pp?.ready === true, null, { timeout: 30_000 });
  return page;
}

export async function waitForScene(page: Page, scene: string, timeout = 30_000): Promise<void> {
  await page.waitForFunction((s) => (window as unknown as { __pp: Hooks }).__pp.scene === s, scene, { timeout });
}

export function hooks(page: Page): Promise<Hooks> {
  return page.evaluate(() => {
    const h = (window as unknown as { __pp: Hooks }).__pp;
    return { scene: h.scene, ready: h.ready, captions: { ...h.captions }, cameraFocus: h.cameraFocus, lastResult: h.lastResult };
  });
}

export async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: `${SCREENSHOTS}${name}.png` });
}
