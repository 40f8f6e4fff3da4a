// Packets on the links, as lifecycle facts: which link, from which end, when the first bit leaves
// and when the last bit arrives. The renderer interpolates positions from these facts every frame;
// nobody sends positions. Kept in one dense array (swap-remove) so drawing 1,000 packets walks
// contiguous memory and allocates nothing.

export interface PacketFact {
  id: number;
  kind: string;
  flow: string | null;
  link: string;
  from: string;
  to: string;
  bytes: number;
  departMs: number;
  arriveMs: number;
  retransmit: boolean;
  duplicate: boolean;
  app: string | null;
  /** Position in PacketTable.list (maintained by the table). */
  slot: number;
}

export class PacketTable {
  readonly list: PacketFact[] = [];
  private readonly byId = new Map<number, PacketFact>();

  get size(): number {
    return this.list.length;
  }

  get(id: number): PacketFact | undefined {
    return this.byId.get(id);
  }

  /** A packet started a hop: a new fact, or the next hop of a packet already known. */
  put(fact: Omit<PacketFact, 'slot'>): PacketFact {
    const existing = this.byId.get(fact.id);
    if (existing !== undefined) {
      Object.assign(existing, fact, { slot: existing.slot });
      return existing;
    }
    const f: PacketFact = { ...fact, slot: this.list.length };
    this.list.push(f);
    this.byId.set(f.id, f);
    return f;
  }

  remove(id: number): PacketFact | undefined {
    const f = this.byId.get(id);
    if (f === undefined) return undefined;
    this.byId.delete(id);
    const last = this.list.pop()!;
    if (last !== f) {
      this.list[f.slot] = last;
      last.slot = f.slot;
    }
    return f;
  }

  /** Forget packets whose hop ended before `nowMs` (they arrived; their next hop is a new fact). */
  prune(nowMs: number): void {
    const list = this.list;
    for (let i = list.length - 1; i >= 0; i--) {
      const f = list[i]!;
      if (f.arriveMs < nowMs) this.remove(f.id);
    }
  }

  clear(): void {
    this.list.length = 0;
    this.byId.clear();
  }
}

/** Where a packet is along its hop at `nowMs`: 0 at the sending end, 1 at the receiving end; negative while still queued. */
export function hopProgress(f: PacketFact, nowMs: number): number {
  if (nowMs < f.departMs) return -1;
  const span = f.arriveMs - f.departMs;
  if (span <= 0) return 1;
  const p = (nowMs - f.departMs) / span;
  return p > 1 ? 1 : p;
}
