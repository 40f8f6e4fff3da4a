// Shared by the load-balancer tests: a small server farm behind one balancer or an active/passive pair.

import type { Engine } from '../../shared/protocols/engine.ts';
import type { LoadBalancer } from '../../shared/protocols/net/load-balancer.ts';

export const VIP = '10.0.9.1';

/** clients c1..cN — router r — balancer lb (or the pair lb1/lb2) — switch sw — backends s1..sM. */
export function farm(opts: { clients?: number; backends?: number; lb?: Record<string, unknown>; pair?: boolean; flows?: unknown[]; faults?: unknown[]; durationMs?: number; coreBps?: number }) {
  const clients = Array.from({ length: opts.clients ?? 3 }, (_, i) => `c${i + 1}`);
  const servers = Array.from({ length: opts.backends ?? 3 }, (_, i) => `s${i + 1}`);
  const link = (id: string, a: string, b: string, bandwidthBps = 10_000_000) => ({ id, a, b, bandwidthBps, delayMs: 2 });
  const balancers = opts.pair
    ? [
        { id: 'lb1', kind: 'loadbalancer', vip: VIP, backends: servers, pair: 'lb2', role: 'active', ...opts.lb },
        { id: 'lb2', kind: 'loadbalancer', pair: 'lb1', role: 'passive' },
      ]
    : [{ id: 'lb', kind: 'loadbalancer', vip: VIP, backends: servers, ...opts.lb }];
  return {
    durationMs: opts.durationMs ?? 5000,
    nodes: [
      ...clients.map((id) => ({ id, kind: 'host' })),
      { id: 'r', kind: 'router' },
      ...balancers,
      { id: 'sw', kind: 'switch' },
      ...servers.map((id) => ({ id, kind: 'host' })),
    ],
    links: [
      ...clients.map((c) => link(`${c}-r`, c, 'r')),
      ...balancers.flatMap((b) => [link(`r-${b.id}`, 'r', b.id, opts.coreBps), link(`${b.id}-sw`, b.id, 'sw', opts.coreBps)]),
      ...servers.map((s) => link(`sw-${s}`, 'sw', s)),
    ],
    flows: opts.flows ?? [],
    faults: opts.faults ?? [],
  } as any;
}

/** A bulk TCP flow from `from` to the balancer's VIP. */
export function conn(id: string, from: string, startMs: number, bytes: number | null = 20_000, to = 'lb') {
  return { id, from, to, transport: 'tcp', bytes, startMs, verify: true };
}

export function balancerOf(engine: Engine, id: string): LoadBalancer {
  return engine.network.nodes.get(id) as LoadBalancer;
}
