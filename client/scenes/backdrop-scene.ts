// Behind the menus, a real network at work: the sandbox's classroom scenario runs in the engine and
// its packets cross the screen, dimmed. The first thing a player sees is the game itself.

import Phaser from 'phaser';
import { LocalSource } from '../solo/local-source.ts';
import { sandboxLibrary } from '../solo/sandbox-scenarios.ts';
import { computeGeometry } from '../view/geometry.ts';
import { layoutTopology } from '../view/layout.ts';
import { PacketLayer } from '../view/packet-layer.ts';

export class BackdropScene extends Phaser.Scene {
  private source: LocalSource | null = null;
  private packets: PacketLayer | null = null;
  private links: Phaser.GameObjects.Graphics | null = null;
  private lastMs = 0;

  constructor() {
    super('backdrop');
  }

  create(): void {
    this.lastMs = 0;
    this.links = this.add.graphics().setAlpha(0.6);
    this.packets = new PacketLayer(this);
    this.restart();
    this.layout();
    this.scale.on('resize', this.layout, this);
    this.events.once('shutdown', () => {
      this.scale.off('resize', this.layout, this);
      this.packets?.destroy();
      this.source?.dispose();
      this.source = null;
    });
    this.cameras.main.setAlpha(0.85);
  }

  private restart(): void {
    const lib = sandboxLibrary();
    const classroom = lib.find((s) => s.id === 'classroom') ?? lib[0]!;
    this.source?.dispose();
    this.source = new LocalSource(classroom.scenario, { mode: 'sandbox', role: { role: 'spectator', node: null, flows: [] }, speed: 1 });
  }

  private layout(): void {
    const s = this.source;
    if (s === null || this.links === null || this.packets === null) return;
    const w = s.world;
    const geom = computeGeometry(layoutTopology({ nodes: [...w.nodes.values()], links: [...w.links.values()], flows: [...w.flows.values()] }), [...w.links.values()], {
      x: 0,
      y: 0,
      width: this.scale.width,
      height: this.scale.height,
    });
    this.packets.setGeometry(geom);
    const g = this.links;
    g.clear();
    g.lineStyle(geom.laneGap * 2, 0x2a3655, 1);
    for (const l of geom.links.values()) g.lineBetween((l.ab.x0 + l.ba.x1) / 2, (l.ab.y0 + l.ba.y1) / 2, (l.ab.x1 + l.ba.x0) / 2, (l.ab.y1 + l.ba.y0) / 2);
    g.fillStyle(0x26314a, 1);
    g.lineStyle(3, 0x56607a, 1);
    for (const n of geom.nodes.values()) {
      g.fillCircle(n.x, n.y, n.r);
      g.strokeCircle(n.x, n.y, n.r);
    }
  }

  override update(): void {
    const s = this.source;
    if (s === null) return;
    const now = performance.now();
    s.tick(this.lastMs === 0 ? 0 : now - this.lastMs);
    this.lastMs = now;
    if (s.finished) {
      this.restart();
      this.layout();
      return;
    }
    this.packets?.draw(s.world);
  }
}
