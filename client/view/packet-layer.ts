// Packets moving along their links, interpolated every frame from lifecycle facts (which link, when
// the first bit left, when the last bit arrives). One Graphics object redrawn per frame: a single
// display-list entry and no per-packet game objects, so 1,000 packets cost little more than none.
// Frames still waiting in a link's queue are not drawn one by one; each lane shows a queue gauge.

import type Phaser from 'phaser';
import { hopProgress, type PacketFact } from '../model/packet-table.ts';
import type { World } from '../model/world.ts';
import { PACKET_CLASSES, PACKET_STYLES, packetClass, UI, type PacketClass, type PacketShape } from '../theme/palette.ts';
import { laneFrom, type Geometry, type Lane } from './geometry.ts';

const CLASS_INDEX: Record<PacketClass, number> = Object.fromEntries(PACKET_CLASSES.map((c, i) => [c, i])) as Record<PacketClass, number>;

export interface PacketHit {
  id: number;
  x: number;
  y: number;
}

export class PacketLayer {
  private readonly g: Phaser.GameObjects.Graphics;
  private readonly gauges: Phaser.GameObjects.Graphics;
  private geom: Geometry | null = null;
  /** Frames waiting per lane ("<link>|<from>"), counted while drawing. */
  private readonly queued = new Map<string, number>();
  /** Ids and positions drawn this frame, for picking a packet with the pointer. */
  private count = 0;
  private ids = new Float64Array(0);
  private xs = new Float64Array(0);
  private ys = new Float64Array(0);
  private dxs = new Float32Array(0);
  private dys = new Float32Array(0);
  private classes = new Uint8Array(0);
  private halos = new Uint8Array(0);
  /** A direction handed to drawShape without allocating one per packet. */
  private readonly dir: Lane = { x0: 0, y0: 0, x1: 0, y1: 0, dx: 1, dy: 0 };
  highlight: number | null = null;

  constructor(scene: Phaser.Scene) {
    this.gauges = scene.add.graphics().setDepth(4);
    this.g = scene.add.graphics().setDepth(5);
  }

  setGeometry(geom: Geometry): void {
    this.geom = geom;
  }

  /** Redraw every packet at `world.nowMs`. */
  draw(world: World): void {
    const g = this.g;
    g.clear();
    const geom = this.geom;
    if (geom === null) return;
    const now = world.nowMs;
    const list = world.packets.list;
    const s = geom.packetSize;
    const queued = this.queued;
    queued.clear();
    if (this.ids.length < list.length) {
      const n = Math.max(64, list.length * 2);
      this.ids = new Float64Array(n);
      this.xs = new Float64Array(n);
      this.ys = new Float64Array(n);
      this.dxs = new Float32Array(n);
      this.dys = new Float32Array(n);
      this.classes = new Uint8Array(n);
      this.halos = new Uint8Array(n);
    }
    // First where everything is, then the drawing grouped by colour: one fill style per class
    // instead of one per packet.
    let drawn = 0;
    let haloed = 0;
    for (let i = 0; i < list.length; i++) {
      const f = list[i]!;
      const lg = geom.links.get(f.link);
      if (lg === undefined) continue;
      const p = hopProgress(f, now);
      if (p < 0) {
        const key = f.link + '|' + f.from;
        queued.set(key, (queued.get(key) ?? 0) + 1);
        continue;
      }
      const lane = laneFrom(lg, f.from);
      this.ids[drawn] = f.id;
      this.xs[drawn] = lane.x0 + (lane.x1 - lane.x0) * p;
      this.ys[drawn] = lane.y0 + (lane.y1 - lane.y0) * p;
      this.dxs[drawn] = lane.dx;
      this.dys[drawn] = lane.dy;
      this.classes[drawn] = CLASS_INDEX[packetClass(f.kind, f.app)];
      const halo = f.retransmit ? 1 : f.duplicate ? 2 : 0;
      this.halos[drawn] = halo;
      if (halo !== 0) haloed++;
      drawn++;
    }
    const dir = this.dir;
    if (haloed > 0) {
      // A halo marks a retransmission (vermillion) or a copy made by a router (purple).
      for (const [halo, color] of [[1, UI.retransmit], [2, UI.duplicate]] as const) {
        g.fillStyle(color, 1);
        for (let i = 0; i < drawn; i++) {
          if (this.halos[i] !== halo) continue;
          dir.dx = this.dxs[i]!;
          dir.dy = this.dys[i]!;
          drawShape(g, PACKET_STYLES[PACKET_CLASSES[this.classes[i]!]!].shape, this.xs[i]!, this.ys[i]!, s * 1.6, dir);
        }
      }
    }
    for (let c = 0; c < PACKET_CLASSES.length; c++) {
      const style = PACKET_STYLES[PACKET_CLASSES[c]!];
      let styled = false;
      for (let i = 0; i < drawn; i++) {
        if (this.classes[i] !== c) continue;
        if (!styled) {
          g.fillStyle(style.color, 1);
          styled = true;
        }
        dir.dx = this.dxs[i]!;
        dir.dy = this.dys[i]!;
        drawShape(g, style.shape, this.xs[i]!, this.ys[i]!, s, dir);
      }
    }
    this.count = drawn;
    if (this.highlight !== null) {
      for (let i = 0; i < drawn; i++) {
        if (this.ids[i] === this.highlight) {
          g.lineStyle(2, UI.selection, 1);
          g.strokeCircle(this.xs[i]!, this.ys[i]!, s * 2.2);
        }
      }
    }
    this.drawGauges(world);
  }

  private drawGauges(world: World): void {
    const g = this.gauges;
    g.clear();
    const geom = this.geom!;
    for (const [key, n] of this.queued) {
      const sep = key.lastIndexOf('|');
      const linkId = key.slice(0, sep);
      const from = key.slice(sep + 1);
      const lg = geom.links.get(linkId);
      const link = world.links.get(linkId);
      if (lg === undefined || link === undefined) continue;
      const lane = laneFrom(lg, from);
      const fill = Math.min(1, n / Math.max(1, link.queuePackets));
      // A short bar beside the lane's start, filling up as the queue does.
      const len = Math.min(geom.nodeRadius * 2, Math.hypot(lane.x1 - lane.x0, lane.y1 - lane.y0) * 0.4);
      const ox = -lane.dy * geom.laneGap * 1.2;
      const oy = lane.dx * geom.laneGap * 1.2;
      g.lineStyle(4, 0x3a4660, 1);
      g.lineBetween(lane.x0 + ox, lane.y0 + oy, lane.x0 + ox + lane.dx * len, lane.y0 + oy + lane.dy * len);
      g.lineStyle(4, fill > 0.8 ? UI.drop : 0xf0e442, 1);
      g.lineBetween(lane.x0 + ox, lane.y0 + oy, lane.x0 + ox + lane.dx * len * fill, lane.y0 + oy + lane.dy * len * fill);
    }
  }

  /** Frames queued on a lane, as last drawn. */
  queuedOn(linkId: string, from: string): number {
    return this.queued.get(linkId + '|' + from) ?? 0;
  }

  /** The packet drawn nearest to (x, y) within `radius`, if any. */
  pick(x: number, y: number, radius: number): PacketHit | null {
    let best: PacketHit | null = null;
    let bestD = radius * radius;
    for (let i = 0; i < this.count; i++) {
      const dx = this.xs[i]! - x;
      const dy = this.ys[i]! - y;
      const d = dx * dx + dy * dy;
      if (d <= bestD) {
        bestD = d;
        best = { id: this.ids[i]!, x: this.xs[i]!, y: this.ys[i]! };
      }
    }
    return best;
  }

  /** Where a packet is drawn now, if it is on a link. */
  positionOf(id: number): { x: number; y: number } | null {
    for (let i = 0; i < this.count; i++) if (this.ids[i] === id) return { x: this.xs[i]!, y: this.ys[i]! };
    return null;
  }

  get drawnCount(): number {
    return this.count;
  }

  destroy(): void {
    this.g.destroy();
    this.gauges.destroy();
  }
}

/** Where a fact is (or was) at time `t`, for effects that need a place (a loss midway along a link). */
export function factPosition(geom: Geometry, f: PacketFact, t: number): { x: number; y: number } | null {
  const lg = geom.links.get(f.link);
  if (lg === undefined) return null;
  const lane = laneFrom(lg, f.from);
  const p = Math.max(0, hopProgress(f, t));
  return { x: lane.x0 + (lane.x1 - lane.x0) * p, y: lane.y0 + (lane.y1 - lane.y0) * p };
}

/** Draw one packet shape centred at (x, y) with half-size s, oriented along its lane. */
export function drawShape(g: Phaser.GameObjects.Graphics, shape: PacketShape, x: number, y: number, s: number, lane: Lane): void {
  const dx = lane.dx;
  const dy = lane.dy;
  switch (shape) {
    case 'square':
      g.fillRect(x - s, y - s, 2 * s, 2 * s);
      return;
    case 'triangle': {
      // Points the way it travels: an ACK visibly heads back to the sender.
      const tipX = x + dx * s * 1.3;
      const tipY = y + dy * s * 1.3;
      const bx = x - dx * s;
      const by = y - dy * s;
      g.fillTriangle(tipX, tipY, bx - dy * s, by + dx * s, bx + dy * s, by - dx * s);
      return;
    }
    case 'diamond': {
      const r = s * 1.35;
      g.fillTriangle(x - r, y, x, y - r, x + r, y);
      g.fillTriangle(x - r, y, x, y + r, x + r, y);
      return;
    }
    case 'cross': {
      const a = s * 1.2;
      const w = s * 0.45;
      g.fillTriangle(x - a - w, y - a + w, x - a + w, y - a - w, x + a + w, y + a - w);
      g.fillTriangle(x - a - w, y - a + w, x + a - w, y + a + w, x + a + w, y + a - w);
      g.fillTriangle(x + a - w, y - a - w, x + a + w, y - a + w, x - a + w, y + a + w);
      g.fillTriangle(x + a - w, y - a - w, x - a - w, y + a - w, x - a + w, y + a + w);
      return;
    }
    case 'circle': {
      // A disc from three rectangles: at packet size it reads as round, and rectangles are the cheapest
      // thing a Graphics object draws (an arc has dozens of segments; a thousand of them add up).
      const r = s * 1.1;
      g.fillRect(x - r, y - r * 0.55, 2 * r, r * 1.1);
      g.fillRect(x - r * 0.55, y - r, r * 1.1, 2 * r);
      g.fillRect(x - r * 0.82, y - r * 0.82, r * 1.64, r * 1.64);
      return;
    }
    case 'hexagon': {
      const r = s * 1.2;
      const h = r * 0.866;
      g.fillTriangle(x - r, y, x - r / 2, y - h, x + r / 2, y - h);
      g.fillTriangle(x - r, y, x + r / 2, y - h, x + r, y);
      g.fillTriangle(x - r, y, x + r, y, x + r / 2, y + h);
      g.fillTriangle(x - r, y, x + r / 2, y + h, x - r / 2, y + h);
      return;
    }
    case 'bar':
      g.fillRect(x - s * 1.5, y - s * 0.6, 3 * s, 1.2 * s);
      return;
  }
}
