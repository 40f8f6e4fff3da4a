// Playing a router: pick a waiting packet, then a link to send it on (or drop, hold back, duplicate
// it). Auto-forward keeps sending for the player: a packet the routing table would send on link U goes
// out on the link the player last chose instead of U, or on U if they never overrode it, so one
// decision ("traffic that would take the short link goes the long way") becomes a policy. These are
// still the player's own intents; the engine (here or on the server) decides what happens.

import type { GameSource, IntentResult } from './source.ts';
import { otherEnd, type LinkView } from './topology.ts';
import type { QueueEntry } from './world.ts';

/** How long a hold keeps a packet back: long enough for later packets to overtake it. */
export const HOLD_MS = 2000;

/**
 * A packet chosen for the player (because the one they had picked went away) takes no command for
 * this long: a key pressed for one packet must never land on another that just took its place.
 */
export const RESELECT_GRACE_MS = 300;

export class RouterRole {
  readonly node: string;
  private readonly source: GameSource;
  selected: number | null = null;
  /** When the selection last changed without the player choosing it (wall ms), or -Infinity. */
  private autoPickedAtMs = -Infinity;
  autoForward = false;
  /** Wall clock, replaceable in tests. */
  now: () => number = () => performance.now();
  /** The player's override of the routing table: usual link → link the player chose. */
  readonly preferred = new Map<string, string>();
  /** Packets already handed to auto-forward (awaiting the outcome), so none is sent twice. */
  private readonly inFlight = new Set<number>();
  private busy = false;
  onResult: ((action: string, r: IntentResult) => void) | null = null;
  /** Told when a command was not sent because the selection had only just moved to `packet` on its own. */
  onIgnored: ((packet: number) => void) | null = null;

  constructor(source: GameSource, node: string) {
    this.source = source;
    this.node = node;
  }

  queue(): QueueEntry[] {
    return this.source.world.queues.get(this.node) ?? [];
  }

  queueLimit(): number {
    return this.source.world.nodes.get(this.node)?.queueLimit ?? 0;
  }

  /** Packets that can take a command (held packets are out of the player's hands until released). */
  waiting(): QueueEntry[] {
    return this.queue().filter((e) => !e.held);
  }

  /** Links at this router in a stable order: their numbers are the keyboard shortcuts 1–9. */
  links(): LinkView[] {
    return [...this.source.world.links.values()].filter((l) => l.a === this.node || l.b === this.node);
  }

  /** Keep the selection on a packet that is still waiting, else the oldest waiting one. */
  ensureSelection(): number | null {
    const w = this.waiting();
    if (this.selected !== null && w.some((e) => e.id === this.selected)) return this.selected;
    const next = w[0]?.id ?? null;
    if (next !== null && this.selected !== null) this.autoPickedAtMs = this.now();
    this.selected = next;
    return this.selected;
  }

  select(id: number): void {
    if (this.waiting().some((e) => e.id === id)) {
      this.selected = id;
      this.autoPickedAtMs = -Infinity;
    }
  }

  /** The packet a command applies to: the selection, unless it was only just put there for the player. */
  private target(): number | null {
    const id = this.ensureSelection();
    if (id === null) return null;
    if (this.now() - this.autoPickedAtMs < RESELECT_GRACE_MS) {
      // Said, so that a key that did nothing is not taken for one that did.
      this.onIgnored?.(id);
      return null;
    }
    return id;
  }

  /** Move the selection through the queue (arrow keys). */
  step(delta: number): void {
    const w = this.waiting();
    if (w.length === 0) {
      this.selected = null;
      return;
    }
    const i = w.findIndex((e) => e.id === this.selected);
    const next = i < 0 ? 0 : (i + delta + w.length) % w.length;
    this.selected = w[next]!.id;
    this.autoPickedAtMs = -Infinity;
  }

  /** The link auto-forward would use for this packet. */
  autoLinkFor(e: QueueEntry): string | null {
    if (e.next === null) return null;
    return this.preferred.get(e.next) ?? e.next;
  }

  async forward(linkId: string, packet: number | null = this.target()): Promise<IntentResult | null> {
    if (packet === null) return null;
    const e = this.queue().find((x) => x.id === packet);
    if (e?.next != null) {
      if (e.next === linkId) this.preferred.delete(e.next);
      else this.preferred.set(e.next, linkId);
    }
    return this.send('forward', packet, { link: linkId });
  }

  /** Forward on the n-th link (1-based), as the number keys do. */
  async forwardOnNumber(n: number): Promise<IntentResult | null> {
    const l = this.links()[n - 1];
    return l === undefined ? null : this.forward(l.id);
  }

  async drop(packet: number | null = this.target()): Promise<IntentResult | null> {
    return packet === null ? null : this.send('drop', packet, {});
  }

  async hold(packet: number | null = this.target()): Promise<IntentResult | null> {
    return packet === null ? null : this.send('hold', packet, { ms: HOLD_MS });
  }

  async duplicate(packet: number | null = this.target()): Promise<IntentResult | null> {
    return packet === null ? null : this.send('duplicate', packet, {});
  }

  private async send(action: 'forward' | 'drop' | 'hold' | 'duplicate', packet: number, extra: { link?: string; ms?: number }): Promise<IntentResult> {
    const r = await this.source.router({ action, node: this.node, packet, ...extra });
    // The next packet in line is offered at once: after a command, moving on is what the player chose.
    if (this.selected === packet && action !== 'duplicate') this.selected = null;
    this.ensureSelection();
    this.autoPickedAtMs = -Infinity;
    this.onResult?.(action, r);
    return r;
  }

  /** Auto-forward: send every waiting packet on its link. Called every frame. */
  async tick(): Promise<void> {
    if (!this.autoForward || this.busy) return;
    const w = this.waiting().filter((e) => !this.inFlight.has(e.id));
    if (w.length === 0) {
      this.inFlight.clear();
      return;
    }
    this.busy = true;
    try {
      for (const e of w) {
        const link = this.autoLinkFor(e);
        if (link === null) continue;
        this.inFlight.add(e.id);
        const r = await this.source.router({ action: 'forward', node: this.node, packet: e.id, link });
        if (!r.ok) this.onResult?.('forward', r);
      }
    } finally {
      this.busy = false;
      const still = new Set(this.queue().map((e) => e.id));
      for (const id of this.inFlight) if (!still.has(id)) this.inFlight.delete(id);
    }
    this.ensureSelection();
  }

  /** Name of the neighbour at the other end of a link. */
  neighbour(l: LinkView): string {
    return otherEnd(l, this.node);
  }
}
