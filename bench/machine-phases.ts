// `node bench/machine-phases.ts`: is a slow run of the engine our code or the machine? Each round
// times three things in this one process, back to back: a loop of integer arithmetic in registers
// (no memory traffic), a walk over a 64 MB array (memory traffic only), and one run of the engine's
// speed-goal scenario. When all three slow down in the same rounds, the machine is busier, not our
// code slower; how much more the engine slows says how sensitive it is (docs/performance.md, "Measuring").

import { readFileSync } from 'node:fs';
import { Engine } from '../shared/protocols/engine.ts';
import { loadScenarioText } from '../shared/scenario/load.ts';

const ROUNDS = Number(process.env.ROUNDS ?? 12);
const loaded = loadScenarioText(readFileSync(new URL('../scenarios/mathis-newreno.json', import.meta.url), 'utf8'));
if (!loaded.ok) throw new Error(loaded.errors.join('; '));
const scenario = loaded.scenario;

function arithmetic(n: number): number {
  let a = 1;
  let b = 2;
  for (let i = 0; i < n; i++) {
    a = (Math.imul(a, 1103515245) + 12345) | 0;
    b ^= a >>> 3;
  }
  return a ^ b;
}

const memory = new Int32Array(16 * 1024 * 1024);
function walk(n: number): number {
  let sum = 0;
  let j = 0;
  for (let i = 0; i < n; i++) {
    j = (j + 40961) & (memory.length - 1); // a stride past the caches
    sum = (sum + memory[j]!) | 0;
    memory[j] = sum;
  }
  return sum;
}

function timed(f: () => unknown): number {
  const t0 = performance.now();
  f();
  return performance.now() - t0;
}

console.log('round  arithmetic ms  memory walk ms  engine ms');
let sink = 0;
for (let round = 1; round <= ROUNDS; round++) {
  const a = timed(() => (sink ^= arithmetic(200_000_000)));
  const m = timed(() => (sink ^= walk(20_000_000)));
  const e = timed(() => new Engine(scenario).run());
  console.log(`${String(round).padStart(5)}  ${a.toFixed(0).padStart(13)}  ${m.toFixed(0).padStart(14)}  ${e.toFixed(0).padStart(9)}`);
}
if (sink === 0.5) console.log(sink); // keeps the loops' results alive
