// `npm run bench`: how fast the protocol engine simulates. For each scenario it prints the simulated
// time, the number of simulation events, the wall time of the first (cold) run, the median and the
// best of the following runs, and events per second at the median. The best run is the one the
// machine's other work disturbed least: the spread between it and the median shows how busy the
// machine was. One event is one packet arriving at a node (and everything
// the stack does about it) or one timer expiring. Runs on one core: the engine is single-threaded.

import { readFileSync } from 'node:fs';
import { Engine } from '../shared/protocols/engine.ts';
import { loadScenarioText } from '../shared/scenario/load.ts';
import type { EngineScenario } from '../shared/protocols/scenario.ts';

// Nine: the first two or three runs after the cold one are still warming up (fresh connections reach
// code the cold run never optimised), and with nine the median lies beyond them.
const RUNS = Number(process.env.BENCH_RUNS ?? 9);

function load(path: string): EngineScenario {
  const r = loadScenarioText(readFileSync(new URL(`../${path}`, import.meta.url), 'utf8'));
  if (!r.ok) throw new Error(`${path}: ${r.errors.join('; ')}`);
  return r.scenario;
}

function withLoss(s: EngineScenario, p: number): EngineScenario {
  return { ...s, links: s.links.map((l) => ({ ...l, loss: { ...l.loss, [`${l.a}->${l.b}`]: p } })) };
}

const cases: Array<{ name: string; scenario: EngineScenario }> = [
  { name: 'NewReno 10 Mbit/s, 50 ms, p=0.001, 600 s (the speed goal)', scenario: load('scenarios/mathis-newreno.json') },
  { name: 'NewReno 10 Mbit/s, 50 ms, p=0.01, 600 s', scenario: withLoss(load('scenarios/mathis-newreno.json'), 0.01) },
  { name: 'demo: TCP upload + UDP voice, 15 s', scenario: load('scenarios/demo-tcp-vs-udp.json') },
];

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

console.log(`engine benchmark, node ${process.version}, ${RUNS} runs per scenario after one cold run\n`);
const rows: string[][] = [['scenario', 'simulated s', 'events', 'cold ms', 'median ms', 'best ms', 'events/s (median)', 'x real time']];
for (const c of cases) {
  const times: number[] = [];
  let events = 0;
  let simMs = 0;
  for (let i = 0; i <= RUNS; i++) {
    const t0 = performance.now();
    const engine = new Engine(c.scenario);
    const summary = engine.run();
    times.push(performance.now() - t0);
    events = summary.events;
    simMs = summary.simMs;
  }
  const cold = times[0]!;
  const warm = times.slice(1);
  const med = median(warm);
  const best = Math.min(...warm);
  rows.push([
    c.name,
    (simMs / 1000).toFixed(0),
    events.toLocaleString('en-US'),
    cold.toFixed(0),
    med.toFixed(0),
    best.toFixed(0),
    Math.round(events / (med / 1000)).toLocaleString('en-US'),
    Math.round(simMs / med).toLocaleString('en-US'),
  ]);
}
const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
for (const r of rows) console.log(r.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  '));
