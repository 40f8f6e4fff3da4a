// Static routes: for every node and every destination address, the interface of the first hop on a
// shortest path (fewest hops, then least propagation delay, then the order links were declared —
// so the choice never depends on map iteration or chance). A scenario may override any entry. Links
// that go down do not change the tables: these are static routes, and packets sent on a dead link
// are lost until it comes back, which is what TCP's retransmission has to ride out.

import type { Interface } from './interface.ts';
import type { Network } from './network.ts';
import type { NetNode } from './node.ts';

export interface RouteOverride {
  node: string;
  /** Destination node id. */
  to: string;
  /** Link to send on. */
  via: string;
}

/** Nodes packets may pass through on the way (hosts only originate and receive). */
export type TransitPredicate = (n: NetNode) => boolean;

export function computeRoutes(net: Network, canTransit: TransitPredicate, overrides: RouteOverride[] = []): void {
  const nodes = [...net.nodes.values()];
  for (const src of nodes) {
    src.routes.clear();
    // Dijkstra from src; cost compares (hops, delay) lexicographically; ties keep the first found.
    const hops = new Map<NetNode, number>([[src, 0]]);
    const delay = new Map<NetNode, number>([[src, 0]]);
    const firstHop = new Map<NetNode, Interface>();
    const done = new Set<NetNode>();
    for (;;) {
      let best: NetNode | undefined;
      for (const [n, h] of hops) {
        if (done.has(n)) continue;
        if (best === undefined || h < hops.get(best)! || (h === hops.get(best)! && delay.get(n)! < delay.get(best)!)) best = n;
      }
      if (best === undefined) break;
      done.add(best);
      if (best !== src && !canTransit(best)) continue;
      for (const itf of best.interfaces) {
        const next = itf.peer.node;
        const h = hops.get(best)! + 1;
        const d = delay.get(best)! + itf.link.delayNs;
        const known = hops.get(next);
        if (known === undefined || h < known || (h === known && d < delay.get(next)!)) {
          if (done.has(next)) continue;
          hops.set(next, h);
          delay.set(next, d);
          firstHop.set(next, best === src ? itf : firstHop.get(best)!);
        }
      }
    }
    for (const [dst, itf] of firstHop) src.routes.set(dst.ip, itf);
  }
  for (const o of overrides) {
    const node = net.nodes.get(o.node);
    const to = net.nodes.get(o.to);
    const itf = node?.interfaceOnLink(o.via);
    if (node === undefined || to === undefined || itf === undefined) {
      throw new Error(`route override ${o.node} → ${o.to} via ${o.via} does not match the topology`);
    }
    node.routes.set(to.ip, itf);
  }
}
