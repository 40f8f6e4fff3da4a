// The client's picture of a run, built from the engine's trace alone: packets on links, the flow's
// handshake, window and congestion history, and retransmissions marked on the packets that carry them.

import { describe, expect, test } from 'vitest';
import { FlowHistory, windowView } from '../../client/model/flow-history.ts';
import type { WorldEvent } from '../../client/model/events.ts';
import { World } from '../../client/model/world.ts';
import type { FlowView } from '../../client/model/topology.ts';
import { LocalSource } from '../../client/solo/local-source.ts';
import { loadScenario } from '../../shared/scenario/load.ts';
import type { ScenarioInput } from '../../shared/scenario/schema.ts';

function source(input: ScenarioInput): LocalSource {
  const loaded = loadScenario(input);
  if (!loaded.ok) throw new Error(loaded.errors.join('\n'));
  return new LocalSource(loaded.scenario, { mode: 'sandbox', role: { role: 'host', node: null, flows: [] }, speed: 1 });
}

const transfer: ScenarioInput = {
  seed: 4,
  durationMs: 30_000,
  nodes: [
    { id: 'client', kind: 'host' },
    { id: 'router', kind: 'router' },
    { id: 'server', kind: 'host' },
  ],
  links: [
    { id: 'l1', a: 'client', b: 'router', bandwidthBps: 1_000_000, delayMs: 20 },
    { id: 'l2', a: 'router', b: 'server', bandwidthBps: 1_000_000, delayMs: 20 },
  ],
  flows: [{ id: 'f', from: 'client', to: 'server', transport: 'tcp', app: 'bulk', bytes: 20_000, mss: 1000, cc: 'reno', mslMs: 500 }],
  faults: [{ kind: 'drop-segment', flow: 'f', segment: 5 }],
};

describe('handshake steps', () => {
  test('keep their first moment: a SYN-ACK sent again after the handshake does not move step 2 past step 3', () => {
    const h = new FlowHistory('f');
    const send = (t: number, side: 'client' | 'server', flags: string, retransmit = false) =>
      h.apply({ type: 'send', t, flow: 'f', side, seq: side === 'client' ? 100 : 500, ack: 0, len: 0, flags, retransmit } as WorldEvent);
    send(1000, 'client', 'SYN');
    send(1500, 'client', 'SYN', true); // the first SYN was lost
    send(2100, 'server', 'SYN,ACK');
    h.apply({ type: 'ack', t: 2700, flow: 'f', side: 'client', seq: 101, ack: 501, window: 65535, sack: null } as WorldEvent);
    send(3100, 'server', 'SYN,ACK', true); // its ACK was lost: the server sends the SYN-ACK again
    expect([...h.steps]).toEqual([['syn', 1000], ['syn-ack', 2100], ['ack', 2700]]);
  });
});

describe('world from the trace', () => {
  test('handshake, transfer and teardown are all seen, in order', () => {
    const s = source(transfer);
    // When the engine sent the sender's FIN (behind the data), and when the receiver acknowledged it.
    const told: Array<[string, number]> = [];
    s.tapTrace((e) => {
      if (e.type === 'send' && e.side === 'client' && String(e.flags).includes('FIN')) told.push(['fin', e.t]);
      if (e.type === 'state' && e.side === 'client' && e.to === 'FIN_WAIT_1') told.push(['close', e.t]);
      if (e.type === 'state' && e.side === 'server' && e.to === 'CLOSE_WAIT') told.push(['close-wait', e.t]);
    });
    s.advance(30_000);
    const h = s.world.history('f');
    const steps = [...h.steps.entries()].sort((a, b) => a[1] - b[1]).map(([k]) => k);
    expect(steps).toEqual(['syn', 'syn-ack', 'ack', 'fin-client', 'ack-server', 'fin-server', 'ack-client']);
    // The application closed right after writing its 20 KB, long before the FIN left behind them.
    const at = Object.fromEntries(told);
    expect(at.close).toBeLessThan(at.fin! - 100);
    expect([h.steps.get('fin-client'), h.steps.get('ack-server')]).toEqual([at.fin, at['close-wait']]);
    expect(h.clientState).toBe('CLOSED');
    expect(h.serverState).toBe('CLOSED');
    expect(h.delivered).toBe(20_000);
    // Everything sent was acknowledged (the FIN's sequence number is not a data byte).
    expect(h.una).toBe(20_000);
    expect(h.nxt).toBe(20_000);
    expect(windowView(h).inFlight).toBe(0);
  });

  test('a lost segment: the retransmission is marked on the packet that carries it', () => {
    const s = source(transfer);
    const marked = new Set<string>();
    s.world.on(() => {
      for (const p of s.world.packets.list) if (p.retransmit) marked.add(`${p.id} ${p.link}`);
    });
    s.advance(30_000);
    const h = s.world.history('f');
    expect(h.retransmits).toBe(1);
    expect(h.sends.filter((p) => p.retransmit)).toHaveLength(1);
    // One retransmitted segment, marked on both its hops and nothing else marked.
    const ids = [...marked].map((m) => m.split(' ')[0]);
    expect(new Set(ids).size).toBe(1);
    expect([...marked].map((m) => m.split(' ')[1]).sort()).toEqual(['l1', 'l2']);
    expect(s.world.dropsByReason.get('loss')).toBe(1);
  });

  test("a balanced flow's server end is the backend: its retransmission is marked on the backend's packet", () => {
    const w = new World();
    const f: FlowView = {
      id: 'd1', from: 'c1', to: 'lb', transport: 'tcp', app: 'bulk', label: null, cc: 'reno', arq: 'tcp', mss: 1000, bytes: 5000,
      rateBps: 0, rwndBytes: 0, readRateBps: null, windowSegments: 4, started: true, controllable: false,
    };
    w.setTopology([], [], [f]);
    const tx = (packet: number, t: number): WorldEvent => ({ type: 'tx', t, packet, flow: 'd1', kind: 'fin', link: 'sw-s2', from: 's2', to: 'sw', bytes: 60, departMs: t, arriveMs: t + 5 });
    const finAgain = (t: number, node?: string): WorldEvent => ({ type: 'send', t, flow: 'd1', side: 'server', ...(node === undefined ? {} : { node }), seq: 9, ack: 1, len: 0, flags: 'FIN,ACK', retransmit: true });
    expect(w.endNode(f, 'server')).toBe('lb');
    // Named by the event itself.
    w.ingest(tx(7, 100));
    w.ingest(finAgain(100, 's2'));
    expect(w.packets.get(7)?.retransmit).toBe(true);
    // Not named (a source that could not tell): the end as last seen, s2, not the balancer.
    expect(w.endNode(f, 'server')).toBe('s2');
    w.ingest(tx(8, 200));
    w.ingest(finAgain(200));
    expect(w.packets.get(8)?.retransmit).toBe(true);
  });

  test('congestion window history names its phases', () => {
    const s = source(transfer);
    s.advance(30_000);
    const phases = [...new Set(s.world.history('f').cwnd.map((p) => p.phase))];
    expect(phases[0]).toBe('slow-start');
    expect(phases).toContain('fast-recovery');
  });

  test('packets on links are facts with departure and arrival, pruned once they arrive', () => {
    const s = source(transfer);
    s.advance(10);
    const onLink = s.world.packets.list;
    expect(onLink).toHaveLength(1);
    const syn = onLink[0]!;
    expect(syn).toMatchObject({ kind: 'syn', link: 'l1', from: 'client', to: 'router', departMs: 0 });
    // Serialisation at 1 Mbit/s, then 20 ms of propagation.
    expect(syn.arriveMs).toBeCloseTo(20 + (syn.bytes * 8) / 1000, 9);
    const arrived = syn.arriveMs;
    s.advance(15);
    // The router forwards it at once: its next hop starts when the first one ended.
    expect(s.world.packets.list.map((p) => `${p.link} ${p.departMs}`)).toEqual([`l2 ${arrived}`]);
  });

  test('a player-controlled router shows its queue with the usual link of each packet', () => {
    const s = source({ ...transfer, nodes: [{ id: 'client', kind: 'host' }, { id: 'router', kind: 'router', controller: 'player' }, { id: 'server', kind: 'host' }] });
    s.advance(100);
    expect(s.world.queues.get('router')).toEqual([
      { id: 1, kind: 'syn', app: null, flow: 'f', dest: 'server', next: 'l2', held: false, retransmit: false, duplicate: false, sinceMs: 0 },
    ]);
  });
});
