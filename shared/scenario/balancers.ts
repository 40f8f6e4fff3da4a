// Load-balancer entries of a scenario (docs/scenario.md, `"kind": "loadbalancer"`): the checks that
// need the other nodes (backends exist and can serve, the virtual IP is nobody's own address, a pair
// names each other and has exactly one active member) and the defaults, with messages naming the
// field. A passive balancer may leave `vip`, `backends` and `algorithm` to its pair's entry.

import type { BalancerBackendSpec, LoadBalancerNodeSpec, NodeSpec } from '../protocols/scenario.ts';
import { nodeLayer } from '../protocols/node-kinds.ts';
import type { ScenarioParsed } from './schema.ts';

type ParsedNode = ScenarioParsed['nodes'][number];
type ParsedBalancer = Extract<ParsedNode, { kind: 'loadbalancer' }>;

/** The address the engine gives a node without one (engine.ts defaultIp), as a dotted string. */
function defaultIp(index: number): string {
  const n = index + 1;
  return `10.0.${Math.floor(n / 256)}.${n % 256}`;
}

function validIp(text: string): boolean {
  return text.split('.').every((p) => Number(p) <= 255);
}

/**
 * The engine's spec for the balancer at `nodes[index]`; problems go to `errors`.
 * `canServe(kind)` says whether a node kind can be a backend (it must end TCP connections).
 */
export function balancerSpec(
  b: ParsedBalancer,
  index: number,
  nodes: readonly ParsedNode[],
  canServe: (kind: string) => boolean,
  errors: string[],
): NodeSpec {
  const where = `nodes[${index}]`;
  const pairIndex = b.pair === undefined ? -1 : nodes.findIndex((n) => n.id === b.pair);
  const pairNode = pairIndex >= 0 ? nodes[pairIndex] : undefined;
  let pair: ParsedBalancer | undefined;
  if (b.pair !== undefined) {
    if (pairNode === undefined) errors.push(`${where}.pair: no node with id "${b.pair}"`);
    else if (pairNode.kind !== 'loadbalancer') errors.push(`${where}.pair: "${b.pair}" is a ${pairNode.kind}, not a loadbalancer`);
    else if (pairNode.id === b.id) errors.push(`${where}.pair: a balancer cannot pair with itself`);
    else if (pairNode.pair !== undefined && pairNode.pair !== b.id) errors.push(`${where}.pair: "${b.pair}" is paired with "${pairNode.pair}"`);
    else pair = pairNode;
  }
  // A pair named only on one side is a pair on both.
  const pairedBy = nodes.find((n): n is ParsedBalancer => n.kind === 'loadbalancer' && n.pair === b.id && n.id !== b.id);
  if (pair === undefined && b.pair === undefined && pairedBy !== undefined) pair = pairedBy;
  if (pairedBy !== undefined && pair !== undefined && pairedBy !== pair) errors.push(`${where}.pair: both "${pair.id}" and "${pairedBy.id}" pair with it`);

  let role: 'active' | 'passive' = b.role ?? 'active';
  if (pair !== undefined) {
    const mineFirst = index < nodes.indexOf(pair);
    role = b.role ?? (pair.role !== undefined ? (pair.role === 'active' ? 'passive' : 'active') : mineFirst ? 'active' : 'passive');
    const theirs = pair.role ?? (b.role !== undefined ? (b.role === 'active' ? 'passive' : 'active') : mineFirst ? 'passive' : 'active');
    if (role === theirs) errors.push(`${where}.role: "${b.id}" and its pair "${pair.id}" are both ${role}; one must be active, the other passive`);
  }

  const vip = b.vip ?? pair?.vip;
  if (vip === undefined) errors.push(`${where}.vip: a loadbalancer needs a virtual IP address`);
  else {
    if (!validIp(vip)) errors.push(`${where}.vip: "${vip}" is not an IPv4 address`);
    if (pair?.vip !== undefined && b.vip !== undefined && pair.vip !== b.vip) errors.push(`${where}.vip: the pair "${pair.id}" has virtual IP ${pair.vip}`);
    nodes.forEach((n, i) => {
      if (nodeLayer(n.kind) >= 3 && (n.ip ?? defaultIp(i)) === vip) errors.push(`${where}.vip: ${vip} is the address of node "${n.id}"`);
      if (n.kind === 'loadbalancer' && i !== index && n !== pair && n.vip === vip) {
        errors.push(`${where}.vip: ${vip} is the virtual IP of "${n.id}", which is not its pair`);
      }
    });
  }

  const raw = b.backends ?? pair?.backends;
  const backends: BalancerBackendSpec[] = [];
  if (raw === undefined) errors.push(`${where}.backends: a loadbalancer needs at least one backend`);
  else {
    const source = b.backends !== undefined ? `${where}.backends` : `nodes[${nodes.indexOf(pair!)}].backends`;
    raw.forEach((entry, j) => {
      const spec = typeof entry === 'string' ? { node: entry, capacity: null } : { node: entry.node, capacity: entry.capacity ?? null };
      const node = nodes.find((n) => n.id === spec.node);
      if (node === undefined) errors.push(`${source}[${j}]: no node with id "${spec.node}"`);
      else if (!canServe(node.kind)) errors.push(`${source}[${j}]: "${spec.node}" is a ${node.kind} and cannot serve connections`);
      if (backends.some((x) => x.node === spec.node)) errors.push(`${source}[${j}]: "${spec.node}" is listed twice`);
      backends.push(spec);
    });
  }

  const { backends: _b, vip: _v, algorithm: _a, pair: _p, role: _r, ...rest } = b;
  const out: LoadBalancerNodeSpec = {
    ...rest,
    ip: b.ip ?? null,
    vip: vip ?? '0.0.0.0',
    backends,
    algorithm: b.algorithm ?? pair?.algorithm ?? 'round-robin',
    pair: pair?.id ?? null,
    role,
    // A passive balancer must expect heartbeats at the pace its active pair sends them.
    heartbeatMs: b.heartbeatMs ?? pair?.heartbeatMs ?? 100,
    failoverHeartbeats: b.failoverHeartbeats ?? pair?.failoverHeartbeats ?? 3,
    healthCheckMs: b.healthCheckMs ?? pair?.healthCheckMs ?? 500,
    healthCheckTimeoutMs: b.healthCheckTimeoutMs ?? pair?.healthCheckTimeoutMs ?? 200,
    healthCheckFailures: b.healthCheckFailures ?? pair?.healthCheckFailures ?? 2,
  };
  return out;
}
