// The browser game's frame cost (npm run bench:client). Headless Chromium renders the real game
// scene and HUD at 1920×1080 on a classroom-sized network, fed the way a busy server feeds it, with
// 0 and with 1,000 packets in flight, alternating in one run so both see the same machine state.
// Prints frame time p50/p95 for each and the game's own per-frame update time (the scene's update:
// clock, interpolation of every packet, drawing commands, effects).
//
// Goals (issue 5): 1,000 packets cost at most 25% more frame time than none; update p95 < 2 ms.
// This machine renders WebGL in software (SwiftShader), so the ratio says more than the frame rate.

import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { launchChromium } from '../test/e2e/browser.ts';
import { serveStatic } from '../test/e2e/static-server.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = `${root}client/dist`;
const PORT = Number(process.env.BENCH_PORT ?? 4176);
const BLOCK_MS = Number(process.env.BENCH_BLOCK_MS ?? 4000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const COUNTS = [0, 1000];

function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.round(q * (sorted.length - 1))));
  return sorted[i]!;
}

if (process.env.BENCH_SKIP_BUILD !== '1' || !existsSync(`${dist}/index.html`)) {
  execFileSync(`${root}node_modules/.bin/vite`, ['build', '--config', 'client/vite.config.ts', '--logLevel', 'warn'], { cwd: root, stdio: 'inherit', env: { ...process.env, NODE_ENV: 'production' } });
}

const server = await serveStatic(dist, PORT);
const browser = await launchChromium();
try {
  const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
  page.on('pageerror', (e) => console.error('page error:', e.message));
  const renderer = process.env.BENCH_RENDERER ?? 'webgl';
  await page.goto(`${server.url}/?bench=0&aa=0&lang=en&renderer=${renderer}`);
  await page.waitForFunction(() => (window as unknown as { __pp?: { scene: string } }).__pp?.scene === 'game', null, { timeout: 30_000 });
  const gl = await page.evaluate(() => {
    const c = document.createElement('canvas').getContext('webgl');
    const ext = c?.getExtension('WEBGL_debug_renderer_info');
    return c === null || c === undefined ? 'none' : ext ? String(c.getParameter(ext.UNMASKED_RENDERER_WEBGL)) : 'unknown';
  });
  const frames = new Map<number, number[]>(COUNTS.map((c) => [c, []]));
  const updates = new Map<number, number[]>(COUNTS.map((c) => [c, []]));
  const drawn = new Map<number, number[]>(COUNTS.map((c) => [c, []]));
  // Warm up once with packets so code paths are compiled before anything is measured.
  await page.evaluate(() => (window as unknown as { __bench: { setPackets(n: number): void } }).__bench.setPackets(1000));
  await page.waitForTimeout(2500);
  for (let round = 0; round < ROUNDS; round++) {
    for (const count of COUNTS) {
      await page.evaluate((n) => (window as unknown as { __bench: { setPackets(n: number): void } }).__bench.setPackets(n), count);
      await page.waitForTimeout(600); // let the next patch bring the count in
      const r = await page.evaluate(async (ms) => {
        const w = window as unknown as { __pp: { frame: { updateMs: number[]; packetsDrawn: number } } };
        const startUpdates = w.__pp.frame.updateMs.length;
        const deltas: number[] = [];
        const drawnSamples: number[] = [];
        let last = performance.now();
        const end = last + ms;
        await new Promise<void>((resolve) => {
          const step = (t: number) => {
            deltas.push(t - last);
            last = t;
            drawnSamples.push(w.__pp.frame.packetsDrawn);
            if (t < end) requestAnimationFrame(step);
            else resolve();
          };
          requestAnimationFrame(step);
        });
        return { deltas: deltas.slice(1), updates: w.__pp.frame.updateMs.slice(startUpdates), drawn: drawnSamples };
      }, BLOCK_MS);
      frames.get(count)!.push(...r.deltas);
      updates.get(count)!.push(...r.updates);
      drawn.get(count)!.push(...r.drawn);
    }
  }
  const rows = COUNTS.map((count) => {
    const f = [...frames.get(count)!].sort((a, b) => a - b);
    const u = [...updates.get(count)!].sort((a, b) => a - b);
    const d = drawn.get(count)!;
    return {
      count,
      frames: f.length,
      p50: quantile(f, 0.5),
      p95: quantile(f, 0.95),
      fps: 1000 / quantile(f, 0.5),
      upd50: quantile(u, 0.5),
      upd95: quantile(u, 0.95),
      drawn: d.reduce((s, x) => s + x, 0) / Math.max(1, d.length),
    };
  });
  const base = rows[0]!;
  const busy = rows[1]!;
  const pad = (s: string, n: number) => s.padStart(n);
  console.log(`renderer: ${renderer} (${gl}), viewport 1920x1080, ${ROUNDS} rounds of ${BLOCK_MS} ms per count`);
  console.log(`${pad('packets', 8)} ${pad('drawn', 7)} ${pad('frames', 7)} ${pad('frame p50', 10)} ${pad('frame p95', 10)} ${pad('fps', 6)} ${pad('update p50', 11)} ${pad('update p95', 11)}`);
  for (const r of rows) {
    console.log(
      `${pad(String(r.count), 8)} ${pad(r.drawn.toFixed(0), 7)} ${pad(String(r.frames), 7)} ${pad(r.p50.toFixed(1) + ' ms', 10)} ${pad(r.p95.toFixed(1) + ' ms', 10)} ${pad(r.fps.toFixed(1), 6)} ${pad(r.upd50.toFixed(2) + ' ms', 11)} ${pad(r.upd95.toFixed(2) + ' ms', 11)}`,
    );
  }
  const ratio50 = busy.p50 / base.p50;
  const ratio95 = busy.p95 / base.p95;
  console.log(`1,000 packets vs none: frame p50 ×${ratio50.toFixed(2)} (${((ratio50 - 1) * 100).toFixed(0)}%), p95 ×${ratio95.toFixed(2)}; goal ≤ ×1.25`);
  console.log(`update p95 with 1,000 packets: ${busy.upd95.toFixed(2)} ms; goal < 2 ms`);
} finally {
  await browser.close();
  await server.close();
}
