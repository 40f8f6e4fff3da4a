// The network drawn: links with their bandwidth, delay and loss, and nodes by kind, each with its
// name, address and OSI layer. Redrawn only when something about it changes (a fault, a role). It
// stays as shapes rather than one baked full-screen texture: where the browser renders in software
// (SwiftShader here, old school laptops) sampling a texture the size of the screen every frame costs
// far more than the few dozen shapes it would replace.

import type Phaser from 'phaser';
import { rate, t } from '../i18n/index.ts';
import type { World } from '../model/world.ts';
import { FONT_FAMILY, OKABE_ITO, UI } from '../theme/palette.ts';
import { labelSizes, type Geometry, type LinkGeom, type NodeGeom } from './geometry.ts';
import { queueBox } from './queue-view.ts';

export type TopologyHit = { node: string } | { link: string } | null;

/** A label's or a node's rectangle on the canvas. */
interface Box {
  left: number;
  top: number;
  right: number;
  bottom: number;
}

function box(tx: Phaser.GameObjects.Text): Box {
  const left = tx.x - tx.width * tx.originX;
  const top = tx.y - tx.height * tx.originY;
  return { left, top, right: left + tx.width, bottom: top + tx.height };
}

/** How much of `b` the boxes in `taken` cover (overlaps counted once per box). */
function coveredArea(b: Box, taken: readonly Box[]): number {
  let area = 0;
  for (const o of taken) {
    const w = Math.min(b.right, o.right) - Math.max(b.left, o.left);
    const h = Math.min(b.bottom, o.bottom) - Math.max(b.top, o.top);
    if (w > 0 && h > 0) area += w * h;
  }
  return area;
}

/** Where a label goes: its anchor x (`originX` 0.5: centred there; 0: starting there) and its bottom edge. */
export interface LabelSpot {
  x: number;
  bottomY: number;
  originX: number;
}

export class TopologyView {
  private readonly scene: Phaser.Scene;
  private readonly linksG: Phaser.GameObjects.Graphics;
  private readonly nodesG: Phaser.GameObjects.Graphics;
  private readonly texts: Phaser.GameObjects.Text[] = [];
  /** Per node, the boxes of its drawing and its labels, as last drawn. */
  private readonly nodeBoxes = new Map<string, Box[]>();
  /** The boxes of the link labels and the routers' queues, as last drawn. */
  private mapLabelBoxes: Box[] = [];

  private geom: Geometry | null = null;
  /** Node and link ids to draw emphasised (the player's own node, the links it may forward on). */
  mine: string | null = null;
  selectedLinks = new Set<string>();
  /** Numbers shown on the links a router player can forward on (keyboard shortcuts). */
  linkNumbers = new Map<string, number>();
  /** Large type for streams and projectors (spectators). */
  large = false;

  constructor(scene: Phaser.Scene) {
    this.scene = scene;
    this.linksG = scene.add.graphics().setDepth(1);
    this.nodesG = scene.add.graphics().setDepth(3);
  }

  setGeometry(geom: Geometry): void {
    this.geom = geom;
  }

  get geometry(): Geometry | null {
    return this.geom;
  }

  /** Redraw everything static. */
  redraw(world: World): void {
    const geom = this.geom;
    this.linksG.clear();
    this.nodesG.clear();
    for (const tx of this.texts) tx.destroy();
    this.texts.length = 0;
    if (geom === null) return;
    this.drawAll(world, geom);
  }

  private labelSizes(geom: Geometry): { small: number; big: number } {
    return labelSizes(geom.nodeRadius, this.large);
  }

  /** Where the bottom of the owner label over a node ("YOU", a player's name) sits. */
  private static ownerLabelBottom(ng: NodeGeom): number {
    return ng.y - ng.r - 8;
  }

  /**
   * Where a passing label at a node ("connected", "↻ retransmit") can go without covering a label:
   * above the node and its owner label (its own name and address are below it), else beside it on
   * the right or the left where it covers none of other nodes' labels, link labels and queues, else
   * across the node itself.
   * Above is refused where it would leave the map or sit right under another node's labels (it
   * would read as that node's).
   */
  labelSpot(ng: NodeGeom): LabelSpot {
    const geom = this.geom;
    if (geom === null) return { x: ng.x, bottomY: ng.y - ng.r, originX: 0.5 };
    const { big } = this.labelSizes(geom);
    const width = big * 8;
    const height = big * 1.3;
    const others: Box[] = [...this.mapLabelBoxes];
    for (const [id, boxes] of this.nodeBoxes) if (id !== ng.id) others.push(...boxes);
    const aboveY = TopologyView.ownerLabelBottom(ng) - big * 1.25;
    const above = { left: ng.x - width / 2, top: aboveY - height, right: ng.x + width / 2, bottom: aboveY };
    if (this.coveredOrOutside({ ...above, top: above.top - big }, others) === 0) return { x: ng.x, bottomY: aboveY, originX: 0.5 };
    const besideY = ng.y + big * 0.6;
    const candidates: Array<{ spot: LabelSpot; box: Box }> = [
      { spot: { x: ng.x + ng.r + 10, bottomY: besideY, originX: 0 }, box: { left: ng.x + ng.r + 10, top: besideY - height, right: ng.x + ng.r + 10 + width, bottom: besideY } },
      { spot: { x: ng.x - ng.r - 10, bottomY: besideY, originX: 1 }, box: { left: ng.x - ng.r - 10 - width, top: besideY - height, right: ng.x - ng.r - 10, bottom: besideY } },
    ];
    const free = candidates.find((c) => this.coveredOrOutside(c.box, others) === 0);
    // Hemmed in on every side (a crowded corner of the map): across the node's own icon, which the
    // label belongs to, rather than over another node's or a link's words.
    return free?.spot ?? { x: ng.x, bottomY: ng.y + big * 0.5, originX: 0.5 };
  }

  /**
   * Where the label of a packet lost at (x, y) on a link goes: just above it, or above the map's
   * labels it would cover there (a lossy link's "loss 2%" sits over its middle, where losses are
   * drawn). `chars` is the label's length.
   */
  linkDropSpot(x: number, y: number, chars: number): LabelSpot {
    const geom = this.geom;
    if (geom === null) return { x, bottomY: y, originX: 0.5 };
    const { big } = this.labelSizes(geom);
    const width = big * 0.65 * chars;
    const height = big * 1.3;
    let bottom = y;
    // A few labels may be stacked over the spot (a link's loss, a crossing link's name): climb past each.
    for (let i = 0; i < 4; i++) {
      const b: Box = { left: x - width / 2, top: bottom - height, right: x + width / 2, bottom };
      const hit = this.mapLabelBoxes.find((m) => coveredArea(b, [m]) > 0);
      if (hit === undefined) break;
      bottom = hit.top - 2;
    }
    return { x, bottomY: bottom, originX: 0.5 };
  }

  private drawAll(world: World, geom: Geometry): void {
    const { small, big } = this.labelSizes(geom);
    for (const l of world.links.values()) {
      const lg = geom.links.get(l.id);
      if (lg !== undefined) this.drawLink(lg, l.up, this.selectedLinks.has(l.id), geom);
    }
    // Nodes and their labels first: a link's label then takes the side of its link where it covers least of them,
    // and a passing label at a node (labelSpot) keeps clear of them.
    this.nodeBoxes.clear();
    for (const n of world.nodes.values()) {
      const ng = geom.nodes.get(n.id);
      if (ng === undefined) continue;
      this.drawNode(ng, n.kind, n.up, n.controller === 'player', n.id === this.mine);
      const boxes: Box[] = [{ left: ng.x - ng.r, top: ng.y - ng.r, right: ng.x + ng.r, bottom: ng.y + ng.r }];
      boxes.push(box(this.text(ng.x, ng.y + ng.r + 6, n.id, big, UI.text, 0, true)));
      const owner = n.id === this.mine ? t('topo.you') : n.owner;
      if (owner !== null && owner !== '') boxes.push(box(this.text(ng.x, TopologyView.ownerLabelBottom(ng), owner, big, '#f0e442', 1, true)));
      this.nodeBoxes.set(n.id, boxes);
    }
    // Each node's address and layer under its name, unless that would cover another node or its
    // labels (a crowded or small map): the names matter more.
    const placed: Box[] = [];
    for (const n of world.nodes.values()) {
      const ng = geom.nodes.get(n.id);
      const boxes = this.nodeBoxes.get(n.id);
      if (ng === undefined || boxes === undefined) continue;
      const kindLabel = t(`kind.${n.kind}` as 'kind.host', {});
      const tx = this.text(ng.x, ng.y + ng.r + 8 + big * 1.25, `${n.ip === '' ? '' : `${n.ip} · `}L${n.layer} ${kindLabel}`, small, UI.mutedText, 0);
      const b = box(tx);
      const others: Box[] = [...placed];
      for (const [id, bs] of this.nodeBoxes) if (id !== n.id) others.push(...bs);
      if (coveredArea(b, others) > 0) {
        this.dropText(tx);
        continue;
      }
      boxes.push(b);
      placed.push(b);
    }
    // The queues of player routers are drawn later, over the map: labels keep out of their place too.
    const taken = [...this.nodeBoxes.values()].flat();
    const nodeBoxCount = taken.length;
    for (const n of world.nodes.values()) {
      const ng = geom.nodes.get(n.id);
      if (ng === undefined || n.controller !== 'player' || n.kind !== 'router') continue;
      taken.push(queueBox(ng, n.queueLimit, world.queues.get(n.id)?.length ?? 0, geom).extent);
    }
    for (const l of world.links.values()) {
      const lg = geom.links.get(l.id);
      if (lg === undefined) continue;
      const lossParts: string[] = [];
      for (const p of Object.values(l.loss)) if (p > 0) lossParts.push(`${Math.round(p * 1000) / 10}%`);
      const uniqueLoss = [...new Set(lossParts)];
      const label = `${rate(l.bandwidthBps)} · ${Math.round(l.delayMs * 10) / 10} ms`;
      const number = this.linkNumbers.get(l.id);
      const head = number !== undefined ? `[${number}] ${l.id}` : l.id;
      let tx = this.text(lg.mx, lg.my, `${head}\n${label}`, small, UI.linkLabel, 0.5);
      const lossTx = uniqueLoss.length > 0 ? this.text(lg.mx, lg.my, t('topo.loss', { p: uniqueLoss.join(' / ') }), small, '#ff9f6b', 0.5) : null;
      const off = geom.laneGap * 2.2 + small * 0.9;
      let spot = this.linkLabelSpot(lg, box(tx), lossTx === null ? null : box(lossTx), off, taken);
      const full = box(tx);
      if (spot.covered > 0.1 * (full.right - full.left) * (full.bottom - full.top)) {
        // No place for the rate and delay that leaves them readable (the router panel lists them): the
        // link's name alone, which the number keys need. A slight overlap is still read in full.
        const short = this.text(lg.mx, lg.my, head, small, UI.linkLabel, 0.5);
        const shortSpot = this.linkLabelSpot(lg, box(short), lossTx === null ? null : box(lossTx), off, taken);
        if (shortSpot.covered < spot.covered) {
          this.dropText(tx);
          tx = short;
          spot = shortSpot;
        } else {
          this.dropText(short);
        }
      }
      this.place(tx, spot.x, spot.y);
      taken.push(box(tx));
      if (lossTx !== null) {
        // The loss rate on the other side of the link, facing the label.
        this.place(lossTx, spot.x - 2 * (spot.x - spot.onLinkX), spot.y - 2 * (spot.y - spot.onLinkY));
        taken.push(box(lossTx));
      }
      if (!l.up) this.text(spot.onLinkX, spot.onLinkY, '✕', big * 1.4, '#ff6b6b', 0.5);
    }
    this.mapLabelBoxes = taken.slice(nodeBoxCount);
  }

  /**
   * Where a link's label goes: beside the link, off by `off`, on the side and at the point along it
   * (its middle first, then further towards either end) where it covers least of the nodes, their
   * names, the routers' queues and the labels placed before it. With a loss label, that one faces it
   * across the link and counts too.
   */
  private linkLabelSpot(lg: LinkGeom, label: Box, loss: Box | null, off: number, taken: readonly Box[]): { x: number; y: number; onLinkX: number; onLinkY: number; covered: number } {
    const lane = lg.ab;
    const nx = -lane.dy;
    const ny = lane.dx;
    const length = Math.hypot(lane.x1 - lane.x0, lane.y1 - lane.y0);
    const w = label.right - label.left;
    const h = label.bottom - label.top;
    const at = (cx: number, cy: number, bw: number, bh: number): Box => ({ left: cx - bw / 2, top: cy - bh / 2, right: cx + bw / 2, bottom: cy + bh / 2 });
    let best = { x: lg.mx + nx * off, y: lg.my + ny * off, onLinkX: lg.mx, onLinkY: lg.my, covered: Infinity };
    // Right beside the link first; on a crowded (small) map, a little further out rather than over a node or a label.
    for (const distance of [off, off * 1.8, off * 2.6]) {
      for (const f of [0, -0.12, 0.12, -0.22, 0.22, -0.3, 0.3]) {
        const ox = lg.mx + lane.dx * length * f;
        const oy = lg.my + lane.dy * length * f;
        for (const side of [1, -1]) {
          const x = ox + nx * distance * side;
          const y = oy + ny * distance * side;
          let covered = this.coveredOrOutside(at(x, y, w, h), taken);
          if (loss !== null) covered += this.coveredOrOutside(at(2 * ox - x, 2 * oy - y, loss.right - loss.left, loss.bottom - loss.top), taken);
          if (covered < best.covered) best = { x, y, onLinkX: ox, onLinkY: oy, covered };
          if (covered === 0) return best;
        }
      }
    }
    return best;
  }

  /** How much of `b` covers what is taken, or lies off the drawing area (where it would be cut), weighted. */
  private coveredOrOutside(b: Box, taken: readonly Box[]): number {
    const geom = this.geom!;
    const width = this.scene.scale.width;
    const inside = Math.max(0, Math.min(b.right, width) - Math.max(b.left, 0)) * Math.max(0, Math.min(b.bottom, geom.bottom) - Math.max(b.top, geom.top));
    // A label cut by the edge is lost, one over another is still half read: the edge costs more.
    return coveredArea(b, taken) + 10 * ((b.right - b.left) * (b.bottom - b.top) - inside);
  }

  /** Take back a label made to measure it, which is not shown after all. */
  private dropText(tx: Phaser.GameObjects.Text): void {
    const i = this.texts.indexOf(tx);
    if (i >= 0) this.texts.splice(i, 1);
    tx.destroy();
  }

  private text(x: number, y: number, s: string, size: number, color: string, originY: number, bold = false): Phaser.GameObjects.Text {
    const tx = this.scene.add
      .text(x, y, s, {
        fontFamily: FONT_FAMILY,
        fontSize: `${size}px`,
        fontStyle: bold ? 'bold' : 'normal',
        color,
        align: 'center',
        stroke: '#121826',
        strokeThickness: Math.max(3, Math.round(size / 5)),
      })
      .setOrigin(0.5, originY)
      .setDepth(6);
    this.place(tx, x, y);
    this.texts.push(tx);
    return tx;
  }

  /** Put a label at (x, y); one wider than the room beside a node at the map's edge shifts inwards instead of being cut. */
  private place(tx: Phaser.GameObjects.Text, x: number, y: number): void {
    const margin = 4;
    const half = tx.width / 2;
    const right = this.scene.scale.width - margin;
    tx.setPosition(2 * half <= right - margin ? Math.min(Math.max(x, margin + half), right - half) : x, y);
  }

  private drawLink(lg: LinkGeom, up: boolean, selected: boolean, geom: Geometry): void {
    const g = this.linksG;
    const width = geom.laneGap * 2 + 4;
    // The link's body, then its two lanes.
    g.lineStyle(width, selected ? 0x3b4f7a : up ? 0x263150 : UI.linkDown, 1);
    g.lineBetween((lg.ab.x0 + lg.ba.x1) / 2, (lg.ab.y0 + lg.ba.y1) / 2, (lg.ab.x1 + lg.ba.x0) / 2, (lg.ab.y1 + lg.ba.y0) / 2);
    g.lineStyle(1, up ? UI.link : 0xaa4444, up ? 0.7 : 1);
    g.lineBetween(lg.ab.x0, lg.ab.y0, lg.ab.x1, lg.ab.y1);
    g.lineBetween(lg.ba.x0, lg.ba.y0, lg.ba.x1, lg.ba.y1);
    if (selected) {
      g.lineStyle(2, OKABE_ITO.yellow, 0.9);
      g.strokeCircle(lg.mx, lg.my, geom.laneGap * 1.6);
    }
  }

  private drawNode(ng: NodeGeom, kind: string, up: boolean, player: boolean, mine: boolean): void {
    const g = this.nodesG;
    const r = ng.r;
    const fill = up ? UI.nodeFill : UI.nodeDown;
    const stroke = mine ? OKABE_ITO.yellow : player ? OKABE_ITO.orange : UI.nodeStroke;
    g.fillStyle(fill, 1);
    g.lineStyle(mine ? 5 : 3, stroke, 1);
    const { x, y } = ng;
    switch (kind) {
      case 'router': {
        g.fillCircle(x, y, r);
        g.strokeCircle(x, y, r);
        // Four arrows: a router sends each packet on towards its destination.
        g.lineStyle(3, stroke, 0.9);
        const a = r * 0.55;
        g.lineBetween(x - a, y, x + a, y);
        g.lineBetween(x, y - a, x, y + a);
        g.fillStyle(stroke, 0.9);
        const h = r * 0.18;
        g.fillTriangle(x + a + h, y, x + a - h, y - h, x + a - h, y + h);
        g.fillTriangle(x - a - h, y, x - a + h, y - h, x - a + h, y + h);
        g.fillTriangle(x, y - a - h, x - h, y - a + h, x + h, y - a + h);
        g.fillTriangle(x, y + a + h, x - h, y + a - h, x + h, y + a - h);
        return;
      }
      case 'switch':
      case 'hub': {
        const w = r * 2.1;
        const hh = kind === 'hub' ? r * 0.9 : r * 1.2;
        g.fillRoundedRect(x - w / 2, y - hh / 2, w, hh, 6);
        g.strokeRoundedRect(x - w / 2, y - hh / 2, w, hh, 6);
        g.lineStyle(2, stroke, 0.8);
        g.lineBetween(x - w * 0.3, y - hh * 0.15, x + w * 0.3, y - hh * 0.15);
        g.lineBetween(x - w * 0.3, y + hh * 0.15, x + w * 0.3, y + hh * 0.15);
        return;
      }
      case 'loadbalancer': {
        const pts: Array<{ x: number; y: number }> = [];
        for (let i = 0; i < 6; i++) pts.push({ x: x + r * Math.cos((Math.PI / 3) * i), y: y + r * Math.sin((Math.PI / 3) * i) });
        g.fillPoints(pts as Phaser.Math.Vector2[], true);
        g.strokePoints(pts as Phaser.Math.Vector2[], true);
        g.lineStyle(3, stroke, 0.9);
        g.lineBetween(x - r * 0.5, y, x + r * 0.2, y - r * 0.4);
        g.lineBetween(x - r * 0.5, y, x + r * 0.2, y);
        g.lineBetween(x - r * 0.5, y, x + r * 0.2, y + r * 0.4);
        return;
      }
      case 'tap': {
        g.fillCircle(x, y, r * 0.85);
        g.strokeCircle(x, y, r * 0.85);
        g.fillStyle(stroke, 1);
        g.fillCircle(x, y, r * 0.3);
        return;
      }
      case 'server':
      case 'dns':
      case 'ca': {
        const w = r * 1.4;
        const hh = r * 2;
        g.fillRoundedRect(x - w / 2, y - hh / 2, w, hh, 6);
        g.strokeRoundedRect(x - w / 2, y - hh / 2, w, hh, 6);
        g.lineStyle(2, stroke, 0.7);
        for (let i = 1; i <= 3; i++) g.lineBetween(x - w * 0.3, y - hh / 2 + (hh / 4) * i, x + w * 0.3, y - hh / 2 + (hh / 4) * i);
        return;
      }
      default: {
        // A host: a screen on a stand.
        const w = r * 2;
        const hh = r * 1.35;
        g.fillRoundedRect(x - w / 2, y - hh / 2 - r * 0.15, w, hh, 8);
        g.strokeRoundedRect(x - w / 2, y - hh / 2 - r * 0.15, w, hh, 8);
        g.lineStyle(3, stroke, 1);
        g.lineBetween(x - w * 0.3, y + hh / 2 + r * 0.2, x + w * 0.3, y + hh / 2 + r * 0.2);
        g.lineBetween(x, y + hh / 2 - r * 0.15, x, y + hh / 2 + r * 0.2);
      }
    }
  }

  /** What is under (x, y): a node first, else the nearest link within reach. */
  hitTest(x: number, y: number): TopologyHit {
    const geom = this.geom;
    if (geom === null) return null;
    for (const n of geom.nodes.values()) {
      if (Math.hypot(n.x - x, n.y - y) <= n.r * 1.15) return { node: n.id };
    }
    let best: string | null = null;
    let bestD = geom.laneGap * 2.5;
    for (const l of geom.links.values()) {
      const d = Math.min(segDist(x, y, l.ab.x0, l.ab.y0, l.ab.x1, l.ab.y1), segDist(x, y, l.ba.x0, l.ba.y0, l.ba.x1, l.ba.y1));
      if (d < bestD) {
        bestD = d;
        best = l.id;
      }
    }
    return best === null ? null : { link: best };
  }

  destroy(): void {
    this.linksG.destroy();
    this.nodesG.destroy();
    for (const tx of this.texts) tx.destroy();
  }
}

function segDist(px: number, py: number, x0: number, y0: number, x1: number, y1: number): number {
  const vx = x1 - x0;
  const vy = y1 - y0;
  const len2 = vx * vx + vy * vy;
  const u = len2 === 0 ? 0 : Math.max(0, Math.min(1, ((px - x0) * vx + (py - y0) * vy) / len2));
  return Math.hypot(px - (x0 + u * vx), py - (y0 + u * vy));
}
