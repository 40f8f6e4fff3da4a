// Every kind of node a scenario can declare, and how to build it. One line per kind: a new device
// type adds its module and its line here (and its schema in shared/scenario/).

import { CertificateAuthority } from './net/ca.ts';
import { DnsServer } from './net/dns-server.ts';
import { Host } from './net/host.ts';
import { Hub } from './net/hub.ts';
import { LoadBalancer } from './net/load-balancer.ts';
import type { Network } from './net/network.ts';
import type { NetNode } from './net/node.ts';
import { Router } from './net/router.ts';
import { Server } from './net/server.ts';
import { Switch } from './net/switch.ts';
import { Tap } from './net/tap.ts';
import type { NodeKind, NodeSpec } from './scenario.ts';

type Factory<K extends NodeKind> = (net: Network, spec: Extract<NodeSpec, { kind: K }>, index: number, ip: number) => NetNode;

export const NODE_KINDS: { [K in NodeKind]: { layer: 1 | 2 | 3; build: Factory<K> } } = {
  host: { layer: 3, build: (net, spec, index, ip) => new Host(net, spec.id, index, ip, spec.kind === 'host' ? (spec.cpuSpeed ?? 1) : 1) },
  router: { layer: 3, build: (net, spec, index, ip) => new Router(net, spec.id, index, ip, spec.queuePackets) },
  switch: { layer: 2, build: (net, spec, index) => new Switch(net, spec.id, index, spec.macTableSize) },
  hub: { layer: 1, build: (net, spec, index) => new Hub(net, spec.id, index) },
  dns: { layer: 3, build: (net, spec, index, ip) => new DnsServer(net, spec, index, ip) },
  ca: { layer: 3, build: (net, spec, index, ip) => new CertificateAuthority(net, spec.id, index, ip, spec.name ?? spec.id) },
  tap: { layer: 1, build: (net, spec, index) => new Tap(net, spec, index) },
  loadbalancer: { layer: 3, build: (net, spec, index, ip) => new LoadBalancer(net, spec, index, ip) },
  server: { layer: 3, build: (net, spec, index, ip) => new Server(net, spec, index, ip) },
};

export function buildNode(net: Network, spec: NodeSpec, index: number, ip: number): NetNode {
  const kind = NODE_KINDS[spec.kind] as { build: (n: Network, s: NodeSpec, i: number, ip: number) => NetNode };
  return kind.build(net, spec, index, ip);
}

export function nodeLayer(kind: NodeKind): 1 | 2 | 3 {
  return NODE_KINDS[kind].layer;
}
