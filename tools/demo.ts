// A short narrated run of the engine in the terminal: a TCP Reno upload and a UDP voice stream
// share a lossy bottleneck. It shows the handshake, the window growing and halving, retransmissions,
// and the close — the same facts the game draws.

import { readFileSync } from 'node:fs';
import { Engine } from '../shared/protocols/engine.ts';
import { loadScenarioText } from '../shared/scenario/load.ts';

const file = process.argv[2] ?? new URL('../scenarios/demo-tcp-vs-udp.json', import.meta.url).pathname;
const loaded = loadScenarioText(readFileSync(file, 'utf8'));
if (!loaded.ok) {
  process.stderr.write(`demo: ${file} is not a valid scenario:\n  ${loaded.errors.join('\n  ')}\n`);
  process.exit(2);
}
const engine = new Engine(loaded.scenario);
const fmt = (t: number) => `${t.toFixed(1).padStart(8)} ms`;
let lastCwndPrint = -Infinity;
engine.subscribe(['state', 'cwnd', 'drop', 'rto'], (e) => {
  if (e.type === 'state') console.log(`${fmt(e.t)}  ${e.flow} ${e.side}: ${e.from} → ${e.to}`);
  else if (e.type === 'drop') console.log(`${fmt(e.t)}  ✗ ${e.kind} of ${e.flow ?? '-'} dropped on ${e.link ?? e.node} (${e.reason})`);
  else if (e.type === 'rto') console.log(`${fmt(e.t)}  ⏱ ${e.flow} retransmission timeout, RTO now ${e.rtoMs} ms`);
  else if (e.type === 'cwnd' && e.reason !== 'fast-recovery' && (e.reason !== 'slow-start' && e.reason !== 'congestion-avoidance' || e.t - lastCwndPrint > 500)) {
    lastCwndPrint = e.t;
    console.log(`${fmt(e.t)}  ${e.flow} cwnd ${e.cwnd} B, ssthresh ${e.ssthresh} B (${e.reason})`);
  }
});
const summary = engine.run();
console.log('\nsummary:');
for (const [id, f] of Object.entries(summary.flows)) {
  console.log(`  ${id}: delivered ${f.deliveredBytes} B at ${(f.goodputBps / 1e6).toFixed(2)} Mbit/s, ` +
    `${f.retransmits} retransmissions, ${f.timeouts} timeouts, ${f.fastRetransmits} fast retransmits` +
    (f.lostDatagrams !== undefined ? `, ${f.lostDatagrams} datagrams lost for good` : ''));
}
console.log(`  ${summary.events} simulation events; try: npm run sim -- ${file} --trace cwnd,drop`);
