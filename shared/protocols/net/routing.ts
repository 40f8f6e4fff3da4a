// Static routes. First the layer-2 picture: from each layer-3 interface, which other layer-3
// interfaces are reachable through hubs and switches (one broadcast segment), and with what MAC.
// Then, for every node and every destination address, the first hop on a shortest path over the
// layer-3 graph (fewest hops, then least propagation delay, then declaration order — so the choice
// never depends on map iteration or chance). A scenario may override any entry. Routes are static:
// a link going down does not change them, and what is sent on a dead link is lost until it returns;
// only an explicit recomputation (a balancer taking over a virtual address) moves them.

import type { Interface, L3Neighbour } from './interface.ts';
import type { Network } from './network.ts';
import type { NetNode, Route } from './node.ts';

export interface RouteOverride {
  node: string;
  /** Destination node id. */
  to: string;
  /** Link to send on. */
  via: string;
}

/** Layer-3 interfaces reachable from `start` across layer-1/2 devices, nearest first. */
function segmentNeighbours(start: Interface): L3Neighbour[] {
  const found: L3Neighbour[] = [];
  const seen = new Set<Interface>([start]);
  // Breadth-first over ports; an L2 device relays a frame from any port to all of its others.
  let frontier: Array<{ iface: Interface; delayNs: number }> = [{ iface: start.peer, delayNs: start.link.delayNs }];
  while (frontier.length > 0) {
    const next: typeof frontier = [];
    for (const { iface, delayNs } of frontier) {
      if (seen.has(iface)) continue;
      seen.add(iface);
      if (iface.node.layer >= 3) {
        found.push({ iface, delayNs });
        continue;
      }
      for (const port of iface.node.interfaces) {
        if (port === iface || seen.has(port.peer)) continue;
        seen.add(port);
        next.push({ iface: port.peer, delayNs: delayNs + port.link.delayNs });
      }
    }
    frontier = next;
  }
  return found.sort((a, b) => a.delayNs - b.delayNs);
}

export function computeRoutes(net: Network, overrides: RouteOverride[] = []): void {
  net.routesVersion++;
  const l3 = [...net.nodes.values()].filter((n) => n.layer >= 3);
  for (const node of net.nodes.values()) {
    for (const itf of node.interfaces) itf.l3Neighbours = node.layer >= 3 ? segmentNeighbours(itf) : [];
  }
  for (const src of l3) {
    src.routes.clear();
    // Dijkstra from src; cost compares (hops, delay) lexicographically; ties keep the first found.
    const hops = new Map<NetNode, number>([[src, 0]]);
    const delay = new Map<NetNode, number>([[src, 0]]);
    const firstHop = new Map<NetNode, Route>();
    const done = new Set<NetNode>();
    for (;;) {
      let best: NetNode | undefined;
      for (const [n, h] of hops) {
        if (done.has(n)) continue;
        if (best === undefined || h < hops.get(best)! || (h === hops.get(best)! && delay.get(n)! < delay.get(best)!)) best = n;
      }
      if (best === undefined) break;
      done.add(best);
      if (best !== src && !best.forwards) continue;
      for (const itf of best.interfaces) {
        for (const nb of itf.l3Neighbours) {
          const next = nb.iface.node;
          if (done.has(next)) continue;
          const h = hops.get(best)! + 1;
          const d = delay.get(best)! + nb.delayNs;
          const known = hops.get(next);
          if (known === undefined || h < known || (h === known && d < delay.get(next)!)) {
            hops.set(next, h);
            delay.set(next, d);
            firstHop.set(next, best === src ? { iface: itf, nextHop: next, frame: itf.frameTo(nb.iface.mac) } : firstHop.get(best)!);
          }
        }
      }
    }
    for (const [dst, route] of firstHop) for (const addr of dst.addresses) src.routes.set(addr, route);
  }
  for (const o of overrides) {
    const node = net.nodes.get(o.node);
    const to = net.nodes.get(o.to);
    const itf = node?.interfaceOnLink(o.via);
    const nb = itf?.l3Neighbours[0];
    if (node === undefined || to === undefined || itf === undefined || nb === undefined) {
      throw new Error(`route override ${o.node} → ${o.to} via ${o.via} does not match the topology`);
    }
    const onward = itf.l3Neighbours.find((n) => n.iface.node === to) ?? nb;
    for (const addr of to.addresses) node.routes.set(addr, { iface: itf, nextHop: onward.iface.node, frame: itf.frameTo(onward.iface.mac) });
  }
}

/** The next layer-3 hop a frame sent out of `iface` toward `dstIp` should be addressed to. */
export function nextHopOn(node: NetNode, iface: Interface, dstIp: number): L3Neighbour | undefined {
  const route = node.routes.get(dstIp);
  if (route !== undefined && route.iface === iface) return iface.l3Neighbours.find((n) => n.iface.node === route.nextHop);
  return iface.l3Neighbours.find((n) => n.iface.node.addresses.includes(dstIp)) ?? iface.l3Neighbours[0];
}
