import { describe, expect, it } from 'vitest';
import { run } from './helpers.ts';
import { macToString, makeMac } from '../../shared/protocols/net/addresses.ts';

// A small LAN + WAN (seed: OSI layers — hub and repeater at L1, switch and bridge at L2, router at L3):
//   h1, h2, h3 — switch sw —┐
//                            r1 —— wan —— r2 —— web
//   h4, h5 ——— hub hb ——────┘
const scenario = {
  durationMs: 400,
  nodes: [
    { id: 'h1', kind: 'host' as const },
    { id: 'h2', kind: 'host' as const },
    { id: 'h3', kind: 'host' as const },
    { id: 'sw', kind: 'switch' as const },
    { id: 'h4', kind: 'host' as const },
    { id: 'h5', kind: 'host' as const },
    { id: 'hb', kind: 'hub' as const },
    { id: 'r1', kind: 'router' as const },
    { id: 'r2', kind: 'router' as const },
    { id: 'web', kind: 'host' as const },
  ],
  links: [
    { id: 'p1', a: 'h1', b: 'sw', bandwidthBps: 100e6, delayMs: 0.1 },
    { id: 'p2', a: 'h2', b: 'sw', bandwidthBps: 100e6, delayMs: 0.1 },
    { id: 'p3', a: 'h3', b: 'sw', bandwidthBps: 100e6, delayMs: 0.1 },
    { id: 'up', a: 'sw', b: 'r1', bandwidthBps: 100e6, delayMs: 0.1 },
    { id: 'p4', a: 'h4', b: 'hb', bandwidthBps: 10e6, delayMs: 0.1 },
    { id: 'p5', a: 'h5', b: 'hb', bandwidthBps: 10e6, delayMs: 0.1 },
    { id: 'hubup', a: 'hb', b: 'r1', bandwidthBps: 10e6, delayMs: 0.1 },
    { id: 'wan', a: 'r1', b: 'r2', bandwidthBps: 2e6, delayMs: 20 },
    { id: 'dc', a: 'r2', b: 'web', bandwidthBps: 100e6, delayMs: 1 },
  ],
  flows: [
    { id: 'lan', from: 'h1', to: 'h2', transport: 'udp' as const, app: 'cbr' as const, rateBps: 64_000, stopMs: 100 },
    { id: 'far', from: 'h4', to: 'web', transport: 'udp' as const, app: 'cbr' as const, rateBps: 64_000, startMs: 200, stopMs: 260 },
  ],
};

describe('devices act at their OSI layer', () => {
  const r = run(scenario, ['l2', 'tx', 'drop', 'deliver']);
  const l2 = r.of('l2');
  const sw = l2.filter((e) => e.node === 'sw');
  const mac = (node: number, port: number) => macToString(makeMac(node, port));

  it('switch: floods frames to a MAC it has not learned, and learns the sender', () => {
    // h1 (node 0) talks to h2 (node 1) directly: they are on one segment, so the frame carries h2's MAC.
    expect(sw[0]).toMatchObject({ action: 'learn', mac: mac(0, 0), port: 'p1' });
    expect(sw[1]).toMatchObject({ action: 'flood', src: mac(0, 0), dst: mac(1, 0), in: 'p1', out: ['p2', 'p3', 'up'] });
    // h2 never sends (UDP has no replies), so its port is never learned and every frame floods.
    expect(sw.filter((e) => e.action === 'forward')).toHaveLength(0);
    expect(sw.filter((e) => e.action === 'flood')).toHaveLength(5); // one per datagram in 100 ms at 20 ms
    // The copies reaching h3 and r1 are discarded by their network cards; h2 gets each datagram once.
    const filtered = r.of('drop').filter((e) => e.reason === 'mac-filter' && e.flow === 'lan');
    expect(filtered.map((e) => e.node).sort()).toEqual([...Array(5).fill('h3'), ...Array(5).fill('r1')].sort());
    expect(r.engine.summary().flows.lan).toMatchObject({ sentSegments: 5, receivedDatagrams: 5, duplicates: 0 });
  });

  it('hub: repeats every frame out of every other port without reading addresses', () => {
    const hub = l2.filter((e) => e.node === 'hb');
    expect(hub.length).toBeGreaterThan(0);
    expect(hub.every((e) => e.action === 'repeat')).toBe(true);
    expect(hub[0]).toMatchObject({ in: 'p4', out: ['p5', 'hubup'] });
    // h5 hears h4's traffic to the web server and discards it.
    expect(r.of('drop').filter((e) => e.flow === 'far' && e.reason === 'mac-filter').map((e) => e.node)).toEqual(Array(hub.length).fill('h5'));
  });

  it('switch: a frame from the router toward h1 is forwarded, not flooded, once h1 was learned', () => {
    const r2 = run(
      {
        ...scenario,
        flows: [
          { id: 'out', from: 'h1', to: 'web', transport: 'udp' as const, app: 'cbr' as const, stopMs: 30 },
          { id: 'back', from: 'web', to: 'h1', transport: 'udp' as const, app: 'cbr' as const, startMs: 100, stopMs: 130 },
        ],
      },
      ['l2'],
    );
    const fromRouter = r2.of('l2').filter((e) => e.node === 'sw' && e.in === 'up');
    expect(fromRouter.length).toBeGreaterThan(0);
    expect(fromRouter.every((e) => e.action === 'forward' && (e.out as string[]).join() === 'p1')).toBe(true);
  });

  it('router: rewrites the frame addresses and decrements TTL at each hop', () => {
    // The first datagram: the hub repeats it to h5 (the original) and to r1 (a copy), then the routers carry it.
    const far = r.of('tx').filter((e) => e.flow === 'far');
    const firstOnEachLink = [...new Map(far.map((e) => [e.link, e])).keys()];
    expect(firstOnEachLink).toEqual(['p4', 'p5', 'hubup', 'wan', 'dc']);
    const r3 = run({ ...scenario, durationMs: 221 }, [], 221);
    const inFlight = r3.engine.packetsInNetwork().filter((p) => p.flowId === 'far');
    const onWan = inFlight.find((p) => p.hopLink === 'wan');
    expect(onWan).toBeDefined();
    const layers = r3.engine.inspect(onWan!.id)!.layers;
    expect(layers[0]!.fields).toContainEqual({ name: 'source', value: mac(7, 2) }); // r1's third port (wan)
    expect(layers[0]!.fields).toContainEqual({ name: 'destination', value: mac(8, 0) }); // r2's first port
    expect(layers[1]!.fields).toContainEqual({ name: 'ttl', value: 63 });
  });
});
