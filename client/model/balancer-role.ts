// Playing a load balancer (seed: load balancing): each new connection waits until the player sends it
// to a backend, or an algorithm does. A redundant pair is played as one: when the active balancer
// dies and the passive one takes the virtual IP over, the new connections wait there instead.

import type { GameSource, IntentResult } from './source.ts';
import type { BalancerView } from './world.ts';

export const ALGORITHMS = ['manual', 'round-robin', 'least-connections', 'source-hash'] as const;

export class BalancerRole {
  readonly node: string;
  private readonly source: GameSource;
  onResult: ((r: IntentResult) => void) | null = null;

  constructor(source: GameSource, node: string) {
    this.source = source;
    this.node = node;
  }

  /** This balancer and its pair, as they are now. */
  balancers(): BalancerView[] {
    const all = this.source.world.balancers;
    const own = all.get(this.node);
    if (own === undefined) return [];
    const pair = own.pair === null ? undefined : all.get(own.pair);
    return pair === undefined ? [own] : [own, pair];
  }

  /** What a balancer of the pair is doing now: holding the VIP, standing by, or dead (its heartbeats stopped). */
  status(b: BalancerView): 'active' | 'passive' | 'down' {
    if (this.source.world.nodes.get(b.node)?.up === false) return 'down';
    return b.active ? 'active' : 'passive';
  }

  /** The one that holds the virtual IP now (where new connections arrive). */
  active(): BalancerView | null {
    const list = this.balancers();
    return list.find((b) => b.active) ?? list[0] ?? null;
  }

  /** Connections waiting for a decision, oldest first, with the balancer they wait at. */
  waiting(): Array<{ node: string; connection: number; client: string; flow: string | null; sinceMs: number }> {
    return this.balancers().flatMap((b) => b.waiting.map((w) => ({ node: b.node, ...w })));
  }

  async assign(node: string, connection: number, backend: string): Promise<IntentResult> {
    const r = await this.source.assign(node, connection, backend);
    this.onResult?.(r);
    return r;
  }

  /** The oldest waiting connection to the n-th backend (1-based), as the number keys do. */
  async assignOldest(n: number): Promise<IntentResult | null> {
    const w = this.waiting()[0];
    const lb = w === undefined ? undefined : this.balancers().find((b) => b.node === w.node);
    const backend = lb?.backends[n - 1];
    if (w === undefined || backend === undefined) return null;
    return this.assign(w.node, w.connection, backend.node);
  }

  async setAlgorithm(algorithm: string): Promise<IntentResult> {
    const r = await this.source.setAlgorithm(this.node, algorithm);
    this.onResult?.(r);
    return r;
  }
}
