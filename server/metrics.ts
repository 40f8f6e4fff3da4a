// Tick timing across every room of this process, for /healthz and the load test: the duration of
// each room tick (engine advance, projection, scoring) in a ring of the latest samples.

const SAMPLES = 20_000;
const ticks = new Float64Array(SAMPLES);
let count = 0;
let next = 0;

export function recordTick(durationMs: number): void {
  ticks[next] = durationMs;
  next = (next + 1) % SAMPLES;
  if (count < SAMPLES) count++;
}

export interface TickStats {
  samples: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

export function tickStats(): TickStats {
  if (count === 0) return { samples: 0, p50Ms: 0, p99Ms: 0, maxMs: 0 };
  const sorted = Array.from(ticks.subarray(0, count)).sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  const round = (x: number) => Math.round(x * 1000) / 1000;
  return { samples: count, p50Ms: round(at(0.5)), p99Ms: round(at(0.99)), maxMs: round(sorted[sorted.length - 1]!) };
}

export function resetTicks(): void {
  count = 0;
  next = 0;
}
