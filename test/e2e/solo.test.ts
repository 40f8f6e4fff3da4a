// Solo play in real headless Chromium with no game server at all: the page is served as static files
// and nothing else listens. A level is played through the HUD to its result screen.

import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from './browser.ts';
import { hooks, openPage, shot, waitForScene } from './pages.ts';
import { serveStatic, type StaticServer } from './static-server.ts';

const dist = fileURLToPath(new URL('../../client/dist', import.meta.url));
let server: StaticServer;
let browser: Browser;
const errors: string[] = [];

beforeAll(async () => {
  server = await serveStatic(dist, 4177);
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

/** Forward every waiting packet the way the level wants: server-bound traffic on the long link. */
async function routeByHand(page: Page): Promise<void> {
  const items = await page.$$eval('[data-testid=router-panel] .queue-item:not(.held)', (els) =>
    els.map((e) => ({ id: (e as HTMLElement).dataset.packet!, next: (e as HTMLElement).dataset.next! })),
  );
  const first = items[0];
  if (first === undefined) return;
  await page.evaluate((id) => document.querySelector<HTMLElement>(`.queue-item[data-packet="${id}"]`)?.click(), first.id);
  // Keys 1–3 are the links wifi, short, long: anything the table would send on "short" goes long.
  await page.keyboard.press(first.next === 'short' ? '3' : first.next === 'wifi' ? '1' : '2');
}

/** A new page in `lang`, in the level `id`'s game scene. */
async function openLevel(lang: 'en' | 'ko', id: string): Promise<Page> {
  const page = await openPage(browser, `${server.url}/?lang=${lang}&aa=0`, errors);
  await page.click('[data-testid=menu-solo]');
  await waitForScene(page, 'solo');
  await page.click(`[data-testid=play-${id}]`);
  await waitForScene(page, 'game');
  await page.click('[data-testid=level-start]');
  return page;
}

/** Wait until the caption strip says something matching `pattern`. */
async function captionSays(page: Page, pattern: RegExp): Promise<void> {
  await page.waitForFunction((src) => new RegExp(src).test(document.querySelector('[data-testid=captions]')?.textContent ?? ''), pattern.source, { timeout: 60_000 });
}

/** The level ends on its result screen with this outcome, and nothing went wrong in the page. */
async function expectResult(page: Page, passed: boolean, stars: number): Promise<void> {
  await waitForScene(page, 'result', 60_000);
  const h = await hooks(page);
  expect(h.lastResult?.passed).toBe(passed);
  expect(h.lastResult?.stars).toBe(stars);
  expect(errors).toEqual([]);
  await page.close();
}

describe('solo', () => {
  test('the title screen offers every way to play, in English and Korean', async () => {
    const page = await openPage(browser, `${server.url}/?lang=en&aa=0`, errors);
    await waitForScene(page, 'title');
    for (const id of ['menu-solo', 'menu-join', 'menu-host', 'menu-watch', 'menu-sandbox', 'menu-open-file']) expect(await page.isVisible(`[data-testid=${id}]`)).toBe(true);
    expect(await page.textContent('[data-testid=menu-solo]')).toContain('Play solo');
    await shot(page, '01-title-en');
    await page.click('[data-testid=lang-ko]');
    expect(await page.textContent('[data-testid=menu-solo]')).toContain('혼자 하기');
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('ko');
    await shot(page, '02-title-ko');
    // A file that is no scenario is named and refused, and the title stays.
    await page.setInputFiles('[data-testid=menu-file]', { name: 'notes.json', mimeType: 'application/json', buffer: Buffer.from('{"durationMs": "soon"}') });
    await page.waitForFunction(() => /notes\.json: .*durationMs/.test(document.querySelector('.toast')?.textContent ?? ''), null, { timeout: 5_000 });
    expect(await page.evaluate(() => (window as unknown as { __pp: { scene: string } }).__pp.scene)).toBe('title');
    await page.close();
  });

  test('on a phone the map, the panels and the captions each have their own part of the screen', async () => {
    const page = await openPage(browser, `${server.url}/?lang=ko&aa=0`, errors, { width: 390, height: 844 });
    const overflow = () => page.evaluate(() => [...document.querySelectorAll<HTMLElement>('.menu-card, .title-card, .level-card')].filter((e) => e.scrollWidth > e.clientWidth + 1).length);
    expect(await overflow()).toBe(0);
    await page.click('[data-testid=menu-solo]');
    await waitForScene(page, 'solo');
    expect(await overflow()).toBe(0);
    await page.click('[data-testid=play-router-lossy]');
    await waitForScene(page, 'game');
    await shot(page, '09-phone-briefing-ko');
    await page.click('[data-testid=level-start]');
    await page.waitForSelector('[data-testid=router-panel]');
    const box = (sel: string) => page.evaluate((q) => {
      const r = document.querySelector(q)!.getBoundingClientRect();
      return { top: Math.round(r.top), bottom: Math.round(r.bottom), left: Math.round(r.left), right: Math.round(r.right) };
    }, sel);
    const map = await box('#game canvas');
    const side = await box('.side');
    const bottom = await box('.bottom');
    // The map spans the width between the top bar and the panels; the panels sit under it, the captions under them.
    expect([map.left, map.right]).toEqual([0, 390]);
    expect(map.bottom - map.top).toBeGreaterThan(200);
    expect(side.top).toBeGreaterThanOrEqual(map.bottom);
    expect([side.left, side.right]).toEqual([0, 390]);
    expect(bottom.top).toBeGreaterThanOrEqual(side.bottom);
    await shot(page, '09-phone-level-ko');
    await page.close();
    expect(errors).toEqual([]);
  });

  test('a level is played to its result screen with no server running', async () => {
    const page = await openPage(browser, `${server.url}/?lang=en&aa=0`, errors);
    const requests: string[] = [];
    page.on('request', (r) => requests.push(r.url()));
    await page.click('[data-testid=menu-solo]');
    await waitForScene(page, 'solo');
    await shot(page, '03-solo-levels');
    await page.click('[data-testid=play-router-lossy]');
    await waitForScene(page, 'game');
    // The level opens with its briefing, and its clock waits for the player.
    await page.waitForSelector('[data-testid=level-briefing]');
    expect(await page.textContent('[data-testid=briefing-goal]')).toBe('Deliver the 24 KB upload before 25 s.');
    expect(await page.textContent('[data-testid=level-briefing] .star-list')).toBe('☆ Finish before 18 s☆ Lose no packet at all');
    await page.waitForTimeout(1500);
    expect(await page.textContent('[data-testid=clock]')).toMatch(/^0:00\.0 \//);
    expect(await page.$('[data-testid=router-panel] .queue-item')).toBeNull();
    await shot(page, '03b-solo-briefing');
    await page.keyboard.press('Enter');
    expect(await page.$('[data-testid=level-briefing]')).toBeNull();
    await page.waitForSelector('[data-testid=router-panel] .queue-item', { timeout: 30_000 });
    await shot(page, '04-solo-router-queue');
    // The first packets by hand (that teaches auto-forward the long way), then auto-forward, fast.
    for (let i = 0; i < 3; i++) {
      await page.waitForSelector('[data-testid=router-panel] .queue-item:not(.held)', { timeout: 30_000 });
      await routeByHand(page);
    }
    await page.keyboard.press('a');
    for (let i = 0; i < 4; i++) await page.click('[aria-label="faster"]');
    await page.waitForTimeout(1500);
    await shot(page, '05-solo-game');
    await page.click('[data-testid=chart-seq]');
    await waitForScene(page, 'result', 120_000);
    const h = await hooks(page);
    expect(h.lastResult?.passed).toBe(true);
    expect(await page.getAttribute('[data-testid=result]', 'data-passed')).toBe('true');
    expect(await page.textContent('[data-testid=result-verdict]')).toBe('Level complete!');
    await shot(page, '06-solo-result');
    // Progress is kept in the browser: the level list shows the stars.
    await page.click('[data-testid=result-levels]');
    await waitForScene(page, 'solo');
    expect(await page.textContent('[data-level=router-lossy] .stars')).toMatch(/★/);
    // Static files from this page's own server, nothing else: no game server was needed.
    expect(requests.every((u) => u.startsWith(server.url))).toBe(true);
    expect(errors).toEqual([]);
    await page.close();
  });

  test('the eavesdropper reads a password off the tap and types it in', async () => {
    const page = await openLevel('en', 'tap-password');
    for (let i = 0; i < 3; i++) await page.click('[aria-label="faster"]');
    // The bank login crosses the tap as ciphertext; the forum login's form field is readable text.
    await page.waitForSelector('[data-testid=tap-list] .tap-frame.readable', { timeout: 60_000 });
    await page.waitForFunction(() => /password=sunflower7/.test(document.querySelector('[data-testid=tap-list]')?.textContent ?? ''), null, { timeout: 60_000 });
    await page.fill('[data-testid=answer-input]', 'hunter2');
    await page.click('[data-testid=answer-submit]');
    await page.waitForFunction(() => (document.querySelector('[data-testid=answer-feedback]')?.textContent ?? '') !== '');
    await shot(page, '09-solo-tap');
    await page.fill('[data-testid=answer-input]', 'sunflower7');
    await page.keyboard.press('Enter');
    await waitForScene(page, 'result', 30_000);
    const h = await hooks(page);
    expect(h.lastResult?.passed).toBe(true);
    expect(h.lastResult?.stars).toBe(2);
    expect(errors).toEqual([]);
    await page.close();
  });

  test('the tampering attacker alters a ServerHello and TLS catches it at Finished', async () => {
    const page = await openLevel('en', 'tap-tamper');
    expect(await page.getAttribute('[data-testid=tamper-none]', 'aria-pressed')).toBe('true');
    await page.click('[data-testid=tamper-server-hello]');
    expect(await page.getAttribute('[data-testid=tamper-server-hello]', 'aria-pressed')).toBe('true');
    for (let i = 0; i < 2; i++) await page.click('[aria-label="faster"]');
    // The bank compares Alice's Finished with its own transcript hash and aborts.
    await captionSays(page, /decrypt_error/);
    expect(await page.textContent('[data-testid=tap-list]')).toMatch(/TLS/);
    await shot(page, '10-solo-tamper');
    // The caption strip fills up with long (wrapped) TLS captions: the newest stays whole, older ones give way.
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=captions] .caption').length >= 4);
    const strip = await page.$eval('[data-testid=captions]', (el) => {
      const bottom = el.closest('footer')!.getBoundingClientRect();
      const latest = el.querySelector('.caption.latest')!.getBoundingClientRect();
      return { latestTop: latest.top, latestBottom: latest.bottom, stripTop: bottom.top, stripBottom: bottom.bottom };
    });
    expect(strip.latestTop).toBeGreaterThanOrEqual(strip.stripTop);
    expect(strip.latestBottom).toBeLessThanOrEqual(strip.stripBottom);
    expect(errors).toEqual([]);
    await page.close();
  });

  test('the server operator opens with an event loop and every reader is served while the uploads trickle in', async () => {
    const page = await openLevel('en', 'server-io');
    await page.click('[data-testid=server-io-nonblocking-1]');
    await page.click('[data-testid=server-open]');
    await page.waitForSelector('[data-testid=server-setup]', { state: 'detached' });
    for (let i = 0; i < 3; i++) await page.click('[aria-label="faster"]');
    // One event loop, polling; the readers' pages are answered while the four uploads are still arriving.
    await page.waitForFunction(() => /pages [1-9]\d*\/30/.test(document.querySelector('[data-testid=objective-status]')?.textContent ?? ''), null, { timeout: 60_000 });
    expect(await page.textContent('[data-testid=server-you]')).toMatch(/event loop/i);
    await shot(page, '11-solo-server-io');
    await expectResult(page, true, 3);
  });

  test('the technician names the layer of each friend\'s trouble', async () => {
    const page = await openLevel('en', 'osi-layers');
    for (let i = 0; i < 3; i++) await page.click('[aria-label="faster"]');
    // Dave's 404 shows in the captions; a wrong layer first, then the right one.
    await captionSays(page, /404/);
    await page.click('[data-testid=quiz-dave-4]');
    expect(await page.textContent('[data-testid=quiz-feedback-dave]')).toMatch(/Not that layer/);
    await page.click('[data-testid=quiz-dave-7]');
    expect(await page.textContent('[data-testid=quiz-feedback-dave]')).toMatch(/layer 7, Application/);
    await page.click('[data-testid=quiz-bob-1]');
    // Erin's connection to port 8080 is refused by the server's TCP.
    await captionSays(page, /RST/);
    await page.click('[data-testid=quiz-erin-4]');
    // Carol's replies die of TTL at 4.4 s of simulated time.
    await captionSays(page, /TTL/);
    await shot(page, '12-solo-osi');
    await page.click('[data-testid=quiz-carol-3]');
    await expectResult(page, true, 2);
  });

  test('in Korean: the chicken shop, ordered the asynchronous, non-blocking way', async () => {
    const page = await openLevel('ko', 'sender-call');
    expect(await page.textContent('[data-flow="order4"]')).toMatch(/비동기 · 논블로킹/);
    await page.click('[data-testid=start-order4]');
    await captionSays(page, /콜백/);
    await expectResult(page, true, 3);
  });

  test('the congestion-control level: NewReno picked in the sender panel, the sawtooth on the cwnd chart', async () => {
    const page = await openLevel('en', 'sender-cc');
    expect(await page.isVisible('[data-testid=sender-hint]')).toBe(true);
    // Before Start there is no congestion window yet: the figures say so rather than "0 B".
    expect(await page.textContent('[data-testid=flow-panel]')).toContain('cwnd - · ssthresh -');
    await page.click('[data-testid=choose-upload-newreno]');
    await page.click('[data-testid=start-upload]');
    // The choice is made: its buttons and the how-to-choose hint fold away, and the transfer's line names what it runs.
    await page.waitForSelector('[data-testid=choose-upload-newreno]', { state: 'hidden' });
    await page.waitForSelector('[data-testid=sender-hint]', { state: 'hidden' });
    expect(await page.textContent('[data-flow=upload]')).toContain('TCP NewReno');
    // Start scrolls the side panel to the protocol view's chart, whole, which a laptop's screen had below the fold.
    await page.waitForFunction(() => {
      const side = document.querySelector('.side')!.getBoundingClientRect();
      const chart = document.querySelector('[data-testid=chart]')!.getBoundingClientRect();
      return chart.top >= side.top && chart.bottom <= side.bottom + 1;
    }, null, { timeout: 5_000 });
    // The application hands over its 600 KB and closes: FIN_WAIT_1 for the whole transfer, said why.
    await page.waitForFunction(() => /FIN_WAIT_1 \(the application has closed; its FIN waits behind the data still to send\)/.test(document.querySelector('[data-flow=upload]')?.textContent ?? ''), null, { timeout: 10_000 });
    for (let i = 0; i < 3; i++) await page.click('[aria-label="faster"]');
    await captionSays(page, /fast retransmit|three duplicate ACKs/i);
    await page.waitForTimeout(1500);
    await shot(page, '22-solo-cc');
    await expectResult(page, true, 3);
  });

  test('a missed level says what to try: Tahoe runs out of time, and Try again stands out', async () => {
    const page = await openLevel('en', 'sender-cc');
    await page.click('[data-testid=choose-upload-tahoe]');
    await page.click('[data-testid=start-upload]');
    for (let i = 0; i < 3; i++) await page.click('[aria-label="faster"]');
    await waitForScene(page, 'result', 60_000);
    expect(await page.textContent('[data-testid=result-verdict]')).toBe('Not this time');
    expect(await page.textContent('[data-testid=result-hint] p')).toMatch(/^Tahoe falls back to one segment at every loss/);
    expect(await page.getAttribute('[data-testid=result-retry]', 'class')).toContain('btn-primary');
    await shot(page, '23-solo-missed');
    // Playing again starts at once, in the same level, with no briefing in between.
    await page.click('[data-testid=result-retry]');
    await waitForScene(page, 'game');
    expect(await page.$('[data-testid=level-briefing]')).toBeNull();
    expect(errors).toEqual([]);
    await page.close();
  });

  test('in Korean: the video-call level, started over UDP from the sender panel', async () => {
    const page = await openLevel('ko', 'sender-video');
    expect(await page.textContent('[data-testid=scenario-name]')).toBe('영상 통화에는 TCP? UDP?');
    await page.click('[data-testid=start-call-udp]');
    await page.waitForFunction(() => /재생된 프레임 [1-9]/.test(document.querySelector('[data-flow="call-udp"] .stats')?.textContent ?? ''), null, { timeout: 30_000 });
    await shot(page, '08-solo-video-ko');
    expect(errors).toEqual([]);
    await page.close();
  });

  test('the sandbox runs any scenario with the host controls, and opens packets layer by layer', async () => {
    const page = await openPage(browser, `${server.url}/?lang=en&aa=0`, errors);
    await page.click('[data-testid=menu-sandbox]');
    await waitForScene(page, 'game');
    await page.waitForTimeout(2500);
    await page.click('[data-testid=host-pause]');
    // Open a packet from the map: the first one drawn.
    const packet = await page.evaluate(() => {
      const w = (window as unknown as { __pp: { source: { world: { packets: { list: Array<{ id: number }> } } } } }).__pp.source.world;
      return w.packets.list[0]?.id ?? null;
    });
    expect(packet).not.toBeNull();
    await page.evaluate(async (id: number) => {
      const s = (window as unknown as { __pp: { source: { inspect(id: number): Promise<unknown> } } }).__pp.source;
      return s.inspect(id);
    }, packet!);
    await shot(page, '07-sandbox');
    // Jumps in time: a minute ahead at once, then ten seconds back (the same run played again).
    const simNow = () => page.evaluate(() => (window as unknown as { __pp: { source: { engine: { nowMs: number } } } }).__pp.source.engine.nowMs);
    const paused = await simNow();
    // The jump runs once the button has been painted saying so; the buttons are back when it is done.
    const jumpDone = () => page.waitForFunction(() => document.querySelector('[data-testid=host-back]:not([disabled])') !== null, null, { timeout: 10_000 });
    await page.click('[data-testid=host-forward-min]');
    await jumpDone();
    expect(await simNow()).toBe(paused + 60_000);
    await page.click('[data-testid=host-back]');
    await jumpDone();
    expect(await simNow()).toBe(paused + 50_000);
    // A scenario file of the player's own: a broken one is refused with the field named, a good one runs.
    const mine = { name: 'my two hosts', durationMs: 5000, nodes: [{ id: 'a', kind: 'host' }, { id: 'b', kind: 'host' }], links: [{ id: 'l', a: 'a', b: 'b', bandwidthBps: 1_000_000, delayMs: 5 }], flows: [{ id: 'f', from: 'a', to: 'b', transport: 'tcp', bytes: 5000 }] };
    await page.setInputFiles('[data-testid=scenario-file]', { name: 'broken.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify({ ...mine, durationMs: 'soon' })) });
    await page.waitForFunction(() => /durationMs/.test(document.querySelector('.toast')?.textContent ?? ''), null, { timeout: 5_000 });
    await page.setInputFiles('[data-testid=scenario-file]', { name: 'mine.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(mine)) });
    await page.waitForFunction(() => document.querySelector('[data-testid=scenario-name]')?.textContent === 'my two hosts', null, { timeout: 5_000 });
    expect(errors).toEqual([]);
    await page.close();
  });
});
