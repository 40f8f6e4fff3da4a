// The roles a scenario offers people. Every router, load balancer and tap is a seat; a host that
// sends a flow is a sender seat and a host that receives one is a receiver seat (a host doing both
// offers both). Seats are offered in a fixed order — routers first, because in a classroom they are
// where the action is — so the same scenario always seats a class the same way.

import type { EngineScenario } from '../../shared/protocols/scenario.ts';

export const SEAT_ROLES = ['router', 'loadbalancer', 'sender', 'receiver', 'tap'] as const;
export type SeatRole = (typeof SEAT_ROLES)[number];

export interface Seat {
  /** `"<role>:<node>"`. */
  id: string;
  role: SeatRole;
  node: string;
  /** The flows the seat controls (a sender's outgoing flows, a receiver's incoming ones). */
  flows: string[];
}

export function seatId(role: SeatRole, node: string): string {
  return `${role}:${node}`;
}

/** The node kinds that are seats by themselves. */
const NODE_SEATS: Record<string, SeatRole> = { router: 'router', loadbalancer: 'loadbalancer', tap: 'tap' };
/** Node kinds whose flows make sender and receiver seats. */
const END_KINDS = new Set(['host', 'server']);

export function seatsFor(scenario: EngineScenario): Seat[] {
  const byRole = new Map<SeatRole, Seat[]>(SEAT_ROLES.map((r) => [r, []]));
  for (const node of scenario.nodes) {
    const role = NODE_SEATS[node.kind as string];
    if (role !== undefined) byRole.get(role)!.push({ id: seatId(role, node.id), role, node: node.id, flows: [] });
  }
  for (const node of scenario.nodes) {
    // Flow ends are hosts and servers; a flow to a load balancer is received by its backends, and
    // the balancer's own seat is the role there.
    if (!END_KINDS.has(node.kind as string)) continue;
    const out = scenario.flows.filter((f) => f.from === node.id).map((f) => f.id);
    const inc = scenario.flows.filter((f) => f.to === node.id).map((f) => f.id);
    if (out.length > 0) byRole.get('sender')!.push({ id: seatId('sender', node.id), role: 'sender', node: node.id, flows: out });
    if (inc.length > 0) byRole.get('receiver')!.push({ id: seatId('receiver', node.id), role: 'receiver', node: node.id, flows: inc });
  }
  return SEAT_ROLES.flatMap((r) => byRole.get(r)!);
}
