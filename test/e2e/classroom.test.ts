// A class in real headless Chromium against the real game server: the host creates it, two students
// join by its code in their own pages, the host gives one of them the sender's seat, the router player
// drops a data packet and the sender's page shows the retransmission; a spectator watches; the host
// ends the session and downloads the report.

import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from './browser.ts';
import { startGameServer, type GameServer } from './game-server.ts';
import { hooks, openPage, shot, waitForScene } from './pages.ts';

const PORT = 2592;
let server: GameServer;
let browser: Browser;
const errors: string[] = [];

beforeAll(async () => {
  server = await startGameServer(PORT);
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

async function join(page: Page, code: string, name: string): Promise<void> {
  await page.click('[data-testid=menu-join]');
  await waitForScene(page, 'join');
  await page.fill('[data-testid=code-input]', code);
  await page.fill('[data-testid=name-input]', name);
  await page.click('[data-testid=join-submit]');
}

/** The host's page creates a class on a built-in scenario and waits in the lobby; returns the page and the join code. */
async function createClass(url: string, scenario: string, name: string, screenshot?: string, studentAddresses?: string[]): Promise<{ host: Page; code: string }> {
  const host = await openPage(browser, url, errors);
  // This server listens on loopback only, so it knows no address for students: one as a teacher's laptop on a school network would report it.
  if (studentAddresses !== undefined) await host.route('**/api/join-addresses', (r) => r.fulfill({ json: { urls: studentAddresses } }));
  await host.click('[data-testid=menu-host]');
  await waitForScene(host, 'host');
  await host.waitForSelector(`[data-testid=host-scenario] option[value="${scenario}"]`, { state: 'attached' });
  await host.selectOption('[data-testid=host-scenario]', scenario);
  await host.fill('[data-testid=host-name]', name);
  if (screenshot !== undefined) await shot(host, screenshot);
  await host.click('[data-testid=host-create]');
  await waitForScene(host, 'lobby');
  return { host, code: (await host.textContent('[data-testid=lobby-code]'))!.trim() };
}

/** One decision at the router: drop the first data packet of alice's upload, forward everything else on its usual link. */
async function routeOnce(page: Page, state: { dropped: number | null }): Promise<void> {
  const items = await page.$$eval('[data-testid=router-panel] .queue-item:not(.held)', (els) =>
    els.map((e) => ({ id: Number((e as HTMLElement).dataset.packet), kind: (e as HTMLElement).dataset.kind!, next: (e as HTMLElement).dataset.next! })),
  );
  const item = items[0];
  if (item === undefined) return;
  // The list is redrawn as packets come and go, so the click goes straight to the element.
  const picked = await page.evaluate((id) => {
    const el = document.querySelector<HTMLElement>(`.queue-item[data-packet="${id}"]`);
    el?.click();
    return el !== null;
  }, item.id);
  if (!picked) return;
  if (state.dropped === null && item.kind === 'data') {
    const before = (await hooks(page)).captions['cap.drop.player'] ?? 0;
    await page.keyboard.press('d');
    // The drop counts once the room has applied it (its caption comes back). One that did not apply (the
    // room refused it, or the router role ignored the key in its grace period after the selection moved
    // on) is tried again on the next data packet.
    const applied = await page
      .waitForFunction((n) => ((window as unknown as { __pp: { captions: Record<string, number> } }).__pp.captions['cap.drop.player'] ?? 0) > n, before, { timeout: 5_000 })
      .then(() => true, () => false);
    if (applied) state.dropped = item.id;
    return;
  }
  const links = await page.$$eval('[data-testid=router-panel] .link-btn', (els) => els.map((e) => (e as HTMLElement).dataset.link!));
  const n = links.indexOf(item.next);
  if (n >= 0) await page.keyboard.press(String(n + 1));
}

describe('classroom', () => {
  test('host, two students, a dropped packet, its retransmission, a spectator, the end and the report', { timeout: 420_000 }, async () => {
    const url = `${server.url}/?lang=en&aa=0`;
    // The host creates a class.
    const { host, code } = await createClass(url, '2-congestion-lab', 'Ms Park', '10-host-create', ['http://192.0.2.10:2567']);
    expect(code).toMatch(/^[ABCDEFGHJKMNPQRSTUVWXYZ23456789]{6}$/);
    // The teacher's page is on localhost, which no student can type: the lobby says where to go instead.
    await host.waitForFunction(() => document.querySelector('[data-testid=join-address]')?.textContent === 'Students open http://192.0.2.10:2567', null, { timeout: 10_000 });

    // A student mistypes the code first: a clear error, then the right code.
    const a = await openPage(browser, url, errors);
    await join(a, 'ZZZZZZ', '민준');
    await a.waitForSelector('[data-testid=join-error]');
    expect(await a.textContent('[data-testid=join-error]')).toBe('There is no class with this code. Check it with your teacher.');
    await shot(a, '11-join-error');
    await a.fill('[data-testid=code-input]', code.toLowerCase());
    await a.click('[data-testid=join-submit]');
    await waitForScene(a, 'lobby');
    expect(await a.textContent('[data-testid=lobby-role]')).toBe('Your role: Router edge');

    const b = await openPage(browser, url, errors);
    await join(b, code, 'Minji');
    await waitForScene(b, 'lobby');
    expect(await b.textContent('[data-testid=lobby-role]')).toBe('Your role: Router core');

    // The host gives Minji alice's sending seat.
    await host.waitForSelector('[data-testid="seat-Minji"]');
    await shot(host, '12-lobby-host');
    await host.selectOption('[data-testid="seat-Minji"]', 'sender:alice');
    await b.waitForFunction(() => document.querySelector('[data-testid=lobby-role]')?.textContent === 'Your role: Sender alice', null, { timeout: 10_000 });
    await shot(b, '13-lobby-student');

    // Start: the students enter the game on their own.
    await host.click('[data-testid=lobby-start]');
    await waitForScene(host, 'game');
    await waitForScene(a, 'game');
    await waitForScene(b, 'game');
    await host.click('[data-testid="speed-2"]');

    // A spectator follows the class.
    const spectator = await openPage(browser, url, errors, { width: 1920, height: 1080 });
    await spectator.click('[data-testid=menu-watch]');
    await spectator.fill('[data-testid=code-input]', code);
    await spectator.click('[data-testid=join-submit]');
    await waitForScene(spectator, 'spectate');
    expect(await spectator.isVisible('[data-testid=router-panel]')).toBe(false);
    expect(await spectator.isVisible('[data-testid=host-panel]')).toBe(false);

    // The router player forwards everything promptly, except the first data segment of alice's upload.
    const state = { dropped: null as number | null };
    const deadline = Date.now() + 90_000;
    let before = -1;
    while (state.dropped === null && Date.now() < deadline) {
      const wasNull = state.dropped === null;
      if (wasNull) before = (await hooks(b)).captions['cap.retransmit'] ?? 0;
      await routeOnce(a, state);
      await a.waitForTimeout(50);
    }
    expect(state.dropped).not.toBeNull();
    await shot(a, '14-router-dropped');
    // From now on the router forwards by itself.
    await a.keyboard.press('a');

    // The sender's page shows the retransmission: a caption, the mark at the sender and the count.
    await b.waitForFunction((n) => ((window as unknown as { __pp: { captions: Record<string, number> } }).__pp.captions['cap.retransmit'] ?? 0) > n, before, { timeout: 90_000 });
    await b.waitForFunction(() => /retransmissions [1-9]/.test(document.querySelector('[data-testid=sender-panel] [data-flow="alice-upload"] .stats')?.textContent ?? ''), null, { timeout: 10_000 });
    await shot(b, '15-sender-retransmission');
    await shot(host, '16-host-dashboard');
    await spectator.waitForTimeout(1500);
    await shot(spectator, '17-spectator');

    // A student reloads the page: the title offers the way back, into the same seat.
    await b.reload();
    await waitForScene(b, 'title');
    expect(await b.textContent('[data-testid=menu-rejoin]')).toContain(`Back to class ${code}`);
    await b.click('[data-testid=menu-rejoin]');
    await waitForScene(b, 'game');
    await b.waitForFunction(() => document.querySelector('[data-testid=role-badge]')?.textContent === 'Sender alice', null, { timeout: 15_000 });

    // The host ends the session: everyone sees the end screen; the host downloads the report.
    await host.click('[data-testid=host-end]');
    await waitForScene(host, 'end');
    await waitForScene(a, 'end');
    await waitForScene(b, 'end');
    const download = host.waitForEvent('download');
    await host.click('[data-testid=end-report]');
    const file = await download;
    expect(file.suggestedFilename()).toBe(`packetplay-${code}.json`);
    await shot(host, '18-end-host');
    await shot(a, '19-end-student');

    // And the round as a replay: the router player's drop and forwards are in it, and the sandbox
    // plays it to where the class stopped, with the router's queue emptied by the logged commands.
    const replayDownload = host.waitForEvent('download');
    await host.click('[data-testid=end-replay]');
    const replayFile = await replayDownload;
    expect(replayFile.suggestedFilename()).toBe(`packetplay-${code}-round1.json`);
    const replayText = readFileSync((await replayFile.path())!, 'utf8');
    const replay = JSON.parse(replayText) as { name: string; durationMs: number; commands: Array<{ action: string; node?: string }> };
    expect(replay.commands.filter((c) => c.node === 'edge' && c.action === 'drop').length).toBeGreaterThanOrEqual(1);
    expect(replay.commands.filter((c) => c.node === 'edge' && c.action === 'forward').length).toBeGreaterThanOrEqual(1);
    // A student opens it from the title screen: straight into the sandbox, playing the class's round.
    const watch = await openPage(browser, `${server.url}/?lang=en&aa=0`, errors);
    await watch.setInputFiles('[data-testid=menu-file]', { name: 'replay.json', mimeType: 'application/json', buffer: Buffer.from(replayText) });
    await waitForScene(watch, 'game');
    await watch.waitForFunction((name) => document.querySelector('[data-testid=scenario-name]')?.textContent === name, replay.name, { timeout: 5_000 });
    await watch.evaluate(() => (window as unknown as { __pp: { source: { advance(ms: number): void } } }).__pp.source.advance(1e9));
    const replayed = await watch.evaluate(() => {
      const engine = (window as unknown as { __pp: { source: { engine: { nowMs: number; commandLog: unknown[]; replayVerdict: { state: string } } } } }).__pp.source.engine;
      return { nowMs: engine.nowMs, commands: engine.commandLog.length, verdict: engine.replayVerdict.state };
    });
    // The page's engine ran the server's round to the same fingerprint (the file's `recorded`).
    expect(replayed).toEqual({ nowMs: replay.durationMs, commands: replay.commands.length, verdict: 'same' });
    expect(await watch.locator('.toast-bad').count()).toBe(0);
    await watch.close();
    expect(errors).toEqual([]);
  });

  test('a teacher brings a scenario file: a mistake in it is named, a good one runs the class', async () => {
    const url = `${server.url}/?lang=en&aa=0`;
    const host = await openPage(browser, url, errors);
    await host.click('[data-testid=menu-host]');
    await waitForScene(host, 'host');
    const good = readFileSync(new URL('../../scenarios/topics/t12-udp-vs-tcp.json', import.meta.url), 'utf8');
    const bad = JSON.stringify({ ...JSON.parse(good), links: [{ id: 'l', a: 'cam-udp', b: 'screen-udp', bandwidthBps: -5, delayMs: 30 }] });
    await host.setInputFiles('[data-testid=host-file]', { name: 'broken.json', mimeType: 'application/json', buffer: Buffer.from(bad) });
    await host.waitForSelector('[data-testid=host-file-error]');
    expect(await host.textContent('[data-testid=host-file-error]')).toMatch(/^This scenario file cannot run: links\[0\]\.bandwidthBps: /);
    // A file the engine would run but a class would not (the server's limits): the server says why.
    const crowd = {
      name: 'a crowd', durationMs: 1000,
      nodes: Array.from({ length: 70 }, (_, i) => ({ id: `h${i}`, kind: 'host' })),
      links: Array.from({ length: 69 }, (_, i) => ({ id: `l${i}`, a: `h${i}`, b: `h${i + 1}`, bandwidthBps: 1_000_000, delayMs: 1 })),
      flows: [],
    };
    await host.setInputFiles('[data-testid=host-file]', { name: 'crowd.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(crowd)) });
    await host.waitForSelector('[data-testid=host-file-loaded]');
    await host.click('[data-testid=host-create]');
    await host.waitForSelector('[data-testid=host-file-error]');
    expect(await host.textContent('[data-testid=host-file-error]')).toContain('nodes: a classroom scenario may hold at most 64 nodes');
    await host.click('text=Use the list instead');
    await host.setInputFiles('[data-testid=host-file]', { name: 't12-udp-vs-tcp.json', mimeType: 'application/json', buffer: Buffer.from(good) });
    await host.waitForSelector('[data-testid=host-file-loaded]');
    expect(await host.textContent('[data-testid=host-file-loaded]')).toBe('t12-udp-vs-tcp.json: “UDP vs TCP: a video call that glitches beside one that stalls, and an upload that recovers”');
    expect(await host.isDisabled('[data-testid=host-scenario]')).toBe(true);
    await host.fill('[data-testid=host-name]', 'Ms Lee');
    await host.click('[data-testid=host-create]');
    await waitForScene(host, 'lobby');
    expect(await host.textContent('.menu-card h1')).toContain('UDP vs TCP: a video call');
    await host.close();
    expect(errors).toEqual([]);
  });

  test("the server lab's server player switches to an event loop before the clients come, then the choice is set", { timeout: 240_000 }, async () => {
    const url = `${server.url}/?lang=en&aa=0`;
    const { host, code } = await createClass(url, '6-server-lab', 'Mr Kim');

    const s = await openPage(browser, url, errors);
    await join(s, code, 'Seo');
    await waitForScene(s, 'lobby');
    await host.waitForSelector('[data-testid="seat-Seo"]');
    await host.selectOption('[data-testid="seat-Seo"]', 'receiver:web');
    await s.waitForFunction(() => document.querySelector('[data-testid=lobby-role]')?.textContent === 'Your role: Server operator web', null, { timeout: 10_000 });
    await host.click('[data-testid=lobby-start]');
    await waitForScene(s, 'game');

    // The scenario's server: four blocking threads, and a setup marked with it.
    await s.waitForSelector('[data-testid=server-web] [data-testid=server-setup]');
    expect(await s.getAttribute('[data-testid=server-io-blocking-4]', 'aria-pressed')).toBe('true');
    await s.click('[data-testid=server-io-nonblocking-1]');
    await s.click('[data-testid=server-apply]');
    await s.waitForFunction(() => document.querySelector('[data-testid=server-web] .server-setup .muted')?.textContent === 'Your server now runs non-blocking · event loop.', null, { timeout: 10_000 });
    await s.waitForFunction(() => (document.querySelector('[data-testid=server-web]')?.textContent ?? '').includes('Non-blocking I/O: one event loop'), null, { timeout: 10_000 });
    await shot(s, '20-server-lab-choice');

    // The clients connect from 30 s on: the choice is then set and the setup goes.
    await waitForScene(host, 'game');
    // The host's scenario choice starts on this lab, so that running it again is one click.
    expect(await host.inputValue('[data-testid=scenario-select]')).toBe('6-server-lab');
    await host.click('[data-testid="speed-4"]');
    await s.waitForSelector('[data-testid=server-web] [data-testid=server-setup]', { state: 'detached', timeout: 60_000 });
    await shot(s, '21-server-lab-running');

    // The teacher moves on to the DNS lab: the captions about this lab's server go with it at once,
    // not when the next lab's first caption comes.
    await s.waitForSelector('[data-testid=captions] .caption', { timeout: 30_000 });
    const before = await s.$$eval('[data-testid=captions] .caption', (els) => els.map((e) => e.textContent ?? ''));
    // At ×1 the DNS lab's first lookup is 5 s away: the old captions must go before any new one comes.
    await host.click('[data-testid="speed-1"]');
    await host.selectOption('[data-testid=scenario-select]', '7-dns-lab');
    await host.click('[data-testid=scenario-load]');
    await s.waitForFunction(() => document.querySelector('[data-testid=scenario-name]')?.textContent === 'DNS lab: lost in the lookup', null, { timeout: 10_000 });
    // The DNS lab may already have captions of its own by now; none of the server lab's is left.
    await s.waitForFunction(
      (old) => [...document.querySelectorAll('[data-testid=captions] .caption')].every((e) => !old.includes(e.textContent ?? '')),
      before,
      { timeout: 2_000 },
    );
    expect(errors).toEqual([]);
  });
});
