// The client benchmark's harness (npm run bench:client loads it with ?bench): the real game scene
// and HUD, fed by a source that keeps a chosen number of packets in flight on a classroom-sized
// network, the way a busy server would (new hop facts arrive ten times a second, like patches).
// Nothing here runs in normal play; the boot scene imports it only when the page asks.

import type Phaser from 'phaser';
import { World } from '../model/world.ts';
import type { GameSource, HostControls, IntentResult, MyRole, SessionEnd } from '../model/source.ts';
import { osiLayerOf, type FlowView, type LinkView, type NodeView } from '../model/topology.ts';

const KINDS = ['data', 'data', 'data', 'ack', 'ack', 'udp', 'syn', 'fin'];
const PATCH_MS = 100;

/** A deterministic PRNG (the harness must draw the same picture on every run). */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function benchTopology(): { nodes: NodeView[]; links: LinkView[]; flows: FlowView[] } {
  const ids = ['laptop', 'phone', 'tablet', 'r1', 'r2', 'r3', 'r4', 'r5', 'r6', 'web', 'mail', 'files'];
  const nodes: NodeView[] = ids.map((id, i) => {
    const kind = id.startsWith('r') ? 'router' : 'host';
    return { id, kind, ip: `10.0.0.${i + 1}`, layer: osiLayerOf(kind), controller: 'bot', owner: null, up: true, queueLimit: 0, pos: null };
  });
  const pairs: Array<[string, string]> = [
    ['laptop', 'r1'], ['phone', 'r1'], ['tablet', 'r2'], ['r1', 'r3'], ['r1', 'r4'], ['r2', 'r3'], ['r2', 'r4'],
    ['r3', 'r5'], ['r3', 'r6'], ['r4', 'r5'], ['r4', 'r6'], ['r5', 'web'], ['r5', 'mail'], ['r6', 'files'],
  ];
  const links: LinkView[] = pairs.map(([a, b]) => ({ id: `${a}-${b}`, a, b, bandwidthBps: 256_000, delayMs: 600, queuePackets: 20, loss: {}, up: true }));
  const flow = (id: string, from: string, to: string, transport: 'tcp' | 'udp'): FlowView => ({
    id, from, to, transport, app: transport === 'tcp' ? 'bulk' : 'cbr', label: null, cc: 'reno', arq: 'tcp', mss: 536, bytes: null, rateBps: 8000,
    rwndBytes: 4288, readRateBps: null, windowSegments: 4, started: true, controllable: false,
  });
  return { nodes, links, flows: [flow('upload', 'laptop', 'web', 'tcp'), flow('email', 'phone', 'mail', 'tcp'), flow('voice', 'tablet', 'web', 'udp')] };
}

export class BenchSource implements GameSource {
  readonly mode = 'room' as const;
  readonly world = new World();
  readonly host: HostControls | null = null;
  readonly tapAttack = null;
  target = 0;
  private readonly rand = mulberry32(42);
  private nextId = 1;
  private readonly links: LinkView[];
  private timer = 0;

  constructor() {
    const t = benchTopology();
    this.links = t.links;
    this.world.setTopology(t.nodes, t.links, t.flows);
    this.world.scenarioName = 'benchmark';
    this.world.durationMs = 3_600_000;
    this.timer = window.setInterval(() => this.patch(), PATCH_MS);
  }

  me(): MyRole {
    return { role: 'none', node: null, flows: [] };
  }

  tick(realDtMs: number): void {
    this.world.setNow(this.world.nowMs + Math.min(realDtMs, 250));
  }

  /** What a state patch brings: new hops for packets that arrived, so `target` stay in flight. */
  private patch(): void {
    const w = this.world;
    const now = w.nowMs;
    while (w.packets.size > this.target) w.packets.remove(w.packets.list[w.packets.size - 1]!.id);
    while (w.packets.size < this.target) {
      const link = this.links[Math.floor(this.rand() * this.links.length)]!;
      const forward = this.rand() < 0.5;
      const span = 2000 + this.rand() * 2000;
      const depart = now - this.rand() * span * 0.9;
      w.packets.put({
        id: this.nextId++,
        kind: KINDS[Math.floor(this.rand() * KINDS.length)]!,
        flow: 'upload',
        link: link.id,
        from: forward ? link.a : link.b,
        to: forward ? link.b : link.a,
        bytes: 590,
        departMs: depart,
        arriveMs: depart + span,
        retransmit: this.rand() < 0.03,
        duplicate: false,
        app: null,
      });
    }
  }

  async router(): Promise<IntentResult> {
    return { ok: false, reason: 'bench' };
  }
  async startFlow(): Promise<IntentResult> {
    return { ok: false, reason: 'bench' };
  }
  async stopFlow(): Promise<IntentResult> {
    return { ok: false, reason: 'bench' };
  }
  async setReadRate(): Promise<IntentResult> {
    return { ok: false, reason: 'bench' };
  }
  async assign(): Promise<IntentResult> {
    return { ok: false, reason: 'bench' };
  }
  async setAlgorithm(): Promise<IntentResult> {
    return { ok: false, reason: 'bench' };
  }
  async setServerIo(): Promise<IntentResult> {
    return { ok: false, reason: 'bench' };
  }
  async inspect(): Promise<null> {
    return null;
  }
  onEnd(_fn: (e: SessionEnd) => void): void {}
  onRoleChange(_fn: (r: MyRole) => void): void {}
  dispose(): void {
    window.clearInterval(this.timer);
  }
}

export interface BenchControl {
  setPackets(n: number): void;
  inFlight(): number;
}

export function startBench(scene: Phaser.Scene, packets: number): void {
  const source = new BenchSource();
  source.target = packets;
  const control: BenchControl = {
    setPackets: (n) => {
      source.target = n;
    },
    inFlight: () => source.world.packets.size,
  };
  (window as unknown as { __bench: BenchControl }).__bench = control;
  scene.scene.start('game', { source });
}
