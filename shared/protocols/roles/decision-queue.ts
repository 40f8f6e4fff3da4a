// The decision point of a player-controlled router (seed: loss, reordering, duplication and
// congestion are what TCP must survive; here players cause them). Arriving packets wait, in arrival
// order, until a command says forward (on a chosen link), drop, hold (sent on by the routing table
// after a delay, so later packets overtake it) or duplicate (a second copy joins the queue). Waiting
// and held packets share one limit; a packet arriving at a full queue is dropped at the tail, so a
// slow player *is* congestion.

import type { Packet } from '../net/packet.ts';
import type { Router } from '../net/router.ts';
import { msToNs } from '../sim/time.ts';
import { MAX_HOLD_MS, type CommandResult, type RouterCommand } from './commands.ts';

export class DecisionQueue {
  readonly router: Router;
  readonly limitPackets: number;
  readonly waiting: Packet[] = [];
  readonly held = new Map<number, Packet>();
  private readonly releaseBound: (p: unknown) => void;

  constructor(router: Router, limitPackets: number) {
    this.router = router;
    this.limitPackets = limitPackets;
    this.releaseBound = (p) => this.release(p as Packet);
  }

  get occupancy(): number {
    return this.waiting.length + this.held.size;
  }

  offer(p: Packet): void {
    const sim = this.router.network.sim;
    if (this.occupancy >= this.limitPackets) {
      this.router.network.drop(p, { node: this.router.id }, 'queue-full');
      return;
    }
    p.waitingAt = this.router.id;
    this.waiting.push(p);
    if (sim.trace.enabled('wait')) {
      sim.trace.emit({ type: 'wait', t: sim.nowMs, node: this.router.id, packet: p.id, flow: p.flowId, kind: p.kind, queue: this.occupancy });
    }
  }

  private take(packetId: number): Packet | undefined {
    const i = this.waiting.findIndex((p) => p.id === packetId);
    if (i < 0) return undefined;
    const [p] = this.waiting.splice(i, 1);
    p!.waitingAt = null;
    return p;
  }

  apply(cmd: RouterCommand): CommandResult {
    const net = this.router.network;
    const present = this.waiting.find((p) => p.id === cmd.packet);
    if (present === undefined) {
      return { ok: false, reason: `packet ${cmd.packet} is not waiting at ${this.router.id}`, why: { code: 'not-waiting', packet: cmd.packet, node: this.router.id } };
    }
    switch (cmd.action) {
      case 'forward': {
        const out = this.router.interfaceOnLink(cmd.link);
        if (out === undefined) return { ok: false, reason: `${this.router.id} has no link ${cmd.link}` };
        this.router.forwardOnLink(this.take(cmd.packet)!, out);
        return { ok: true };
      }
      case 'drop':
        net.drop(this.take(cmd.packet)!, { node: this.router.id }, 'player');
        return { ok: true };
      case 'hold': {
        if (!(cmd.ms > 0 && cmd.ms <= MAX_HOLD_MS)) {
          return { ok: false, reason: `hold must be between 0 and ${MAX_HOLD_MS} ms, got ${cmd.ms}` };
        }
        const p = this.take(cmd.packet)!;
        p.waitingAt = this.router.id;
        this.held.set(p.id, p);
        net.sim.after(msToNs(cmd.ms), this.releaseBound, p);
        return { ok: true };
      }
      case 'duplicate': {
        if (this.occupancy >= this.limitPackets) return { ok: false, reason: `the queue at ${this.router.id} is full`, why: { code: 'queue-full', node: this.router.id } };
        const copy = present.clone(net.duplicatePacketId(), net.sim.nowNs);
        copy.waitingAt = this.router.id;
        this.waiting.splice(this.waiting.indexOf(present) + 1, 0, copy);
        return { ok: true, packet: copy.id };
      }
    }
  }

  private release(p: Packet): void {
    if (!this.held.delete(p.id)) return; // flushed meanwhile
    p.waitingAt = null;
    this.router.route(p);
  }

  /** Hand every waiting packet to the routing table (a bot takes over the node). */
  flushToRoutes(): void {
    const all = this.waiting.splice(0);
    for (const p of all) {
      p.waitingAt = null;
      this.router.route(p);
    }
  }

  /** Drop everything (the node went down). */
  dropAll(): void {
    const net = this.router.network;
    for (const p of this.waiting.splice(0)) net.drop(p, { node: this.router.id }, 'node-down');
    for (const p of this.held.values()) net.drop(p, { node: this.router.id }, 'node-down');
    this.held.clear();
  }
}
