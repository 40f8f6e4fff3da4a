// The decision queue of a player-controlled router, drawn at the node: one slot per place up to its
// capacity, so a filling queue is seen filling before packets start falling off its tail.

import type Phaser from 'phaser';
import type { QueueEntry, World } from '../model/world.ts';
import { FONT_FAMILY, PACKET_STYLES, packetClass, UI } from '../theme/palette.ts';
import { nodeLabelsHeight, type Geometry, type NodeGeom } from './geometry.ts';
import { drawShape } from './packet-layer.ts';

const MAX_SLOTS_PER_ROW = 12;
const MAX_ROWS = 3;
const RIGHT = { x0: 0, y0: 0, x1: 1, y1: 0, dx: 1, dy: 0 };

/** Height kept above a queue's slots for its "waiting / capacity" label. */
const LABEL_ROOM = 20;
/** The frame drawn around the slots, this far out. */
const FRAME_PAD = 6;

export interface QueueBox {
  /** The first slot's corner; `perRow` × `rows` slots, each `slot` wide. */
  left: number;
  top: number;
  slot: number;
  perRow: number;
  rows: number;
  capacity: number;
  /** Everything the queue takes on the map: its frame and its label above. */
  extent: { left: number; top: number; right: number; bottom: number };
}

/**
 * Where a player router's queue is drawn: above the node and the name of whoever plays it, or below
 * the node's own labels when there is no room above (a router in the top row with a long queue). A
 * room that does not say the queue's size (`queueLimit` 0) shows at least eight slots, more as
 * packets wait.
 */
export function queueBox(ng: NodeGeom, queueLimit: number, waiting: number, geom: Geometry): QueueBox {
  const slot = geom.packetSize * 2.8;
  const capacity = Math.max(1, Math.min(queueLimit > 0 ? queueLimit : Math.max(8, waiting), MAX_SLOTS_PER_ROW * MAX_ROWS));
  const perRow = Math.min(capacity, MAX_SLOTS_PER_ROW);
  const rows = Math.ceil(capacity / perRow);
  const height = rows * slot;
  const above = ng.y - ng.r * 1.9 - 30 - height;
  const fitsAbove = above - FRAME_PAD - LABEL_ROOM >= geom.top;
  // Under the node's name and address, with room for a stream's larger type.
  const below = ng.y + ng.r + nodeLabelsHeight(ng.r, true) + 8 + LABEL_ROOM;
  const top = fitsAbove || below + height + FRAME_PAD > geom.bottom ? Math.max(above, geom.top + FRAME_PAD + LABEL_ROOM) : below;
  const left = ng.x - (perRow * slot) / 2;
  const extent = { left: left - FRAME_PAD, top: top - FRAME_PAD - LABEL_ROOM, right: left + perRow * slot + FRAME_PAD, bottom: top + height + FRAME_PAD };
  return { left, top, slot, perRow, rows, capacity, extent };
}

interface SlotBox {
  node: string;
  id: number;
  x: number;
  y: number;
  size: number;
}

export class QueueView {
  private readonly g: Phaser.GameObjects.Graphics;
  private readonly labels = new Map<string, Phaser.GameObjects.Text>();
  private readonly scene: Phaser.Scene;
  private geom: Geometry | null = null;
  private boxes: SlotBox[] = [];
  selected: number | null = null;

  constructor(scene: Phaser.Scene) {
    this.scene = scene;
    this.g = scene.add.graphics().setDepth(7);
  }

  setGeometry(geom: Geometry): void {
    this.geom = geom;
  }

  draw(world: World): void {
    const g = this.g;
    g.clear();
    this.boxes = [];
    const geom = this.geom;
    if (geom === null) return;
    const seen = new Set<string>();
    for (const [nodeId, entries] of world.queues) {
      const node = world.nodes.get(nodeId);
      const ng = geom.nodes.get(nodeId);
      if (node === undefined || ng === undefined || node.controller !== 'player') continue;
      seen.add(nodeId);
      const known = node.queueLimit > 0;
      const { left, top, slot, perRow, rows, capacity } = queueBox(ng, node.queueLimit, entries.length, geom);
      const width = perRow * slot;
      g.fillStyle(0x0d1220, 0.9);
      g.fillRoundedRect(left - FRAME_PAD, top - FRAME_PAD, width + 2 * FRAME_PAD, rows * slot + 2 * FRAME_PAD, 6);
      const full = known && entries.length >= node.queueLimit;
      g.lineStyle(2, full ? UI.drop : 0x56607a, 1);
      g.strokeRoundedRect(left - FRAME_PAD, top - FRAME_PAD, width + 2 * FRAME_PAD, rows * slot + 2 * FRAME_PAD, 6);
      for (let i = 0; i < capacity; i++) {
        const cx = left + (i % perRow) * slot + slot / 2;
        const cy = top + Math.floor(i / perRow) * slot + slot / 2;
        g.lineStyle(1, 0x33405c, 1);
        g.strokeRect(cx - slot / 2 + 2, cy - slot / 2 + 2, slot - 4, slot - 4);
        const e: QueueEntry | undefined = entries[i];
        if (e === undefined) continue;
        const style = PACKET_STYLES[packetClass(e.kind, e.app)];
        if (e.retransmit || e.duplicate) {
          g.fillStyle(e.retransmit ? UI.retransmit : UI.duplicate, 1);
          drawShape(g, style.shape, cx, cy, geom.packetSize * 1.25, RIGHT);
        }
        g.fillStyle(style.color, e.held ? 0.35 : 1);
        drawShape(g, style.shape, cx, cy, geom.packetSize * 0.9, RIGHT);
        if (e.held) {
          g.lineStyle(2, UI.held, 1);
          g.strokeCircle(cx, cy, slot * 0.42);
        }
        if (e.id === this.selected) {
          g.lineStyle(3, UI.selection, 1);
          g.strokeRect(cx - slot / 2 + 1, cy - slot / 2 + 1, slot - 2, slot - 2);
        }
        this.boxes.push({ node: nodeId, id: e.id, x: cx, y: cy, size: slot });
      }
      let label = this.labels.get(nodeId);
      if (label === undefined) {
        label = this.scene.add
          .text(0, 0, '', { fontFamily: FONT_FAMILY, fontSize: `${Math.round(Math.max(13, slot * 0.55))}px`, color: '#f2f5fa', stroke: '#121826', strokeThickness: 4 })
          .setOrigin(0.5, 1)
          .setDepth(8);
        this.labels.set(nodeId, label);
      }
      const text = known ? `${entries.length} / ${node.queueLimit}` : `${entries.length}`;
      if (label.text !== text) label.setText(text);
      label.setColor(full ? '#ff8a5c' : '#f2f5fa');
      label.setPosition(ng.x, top - 8);
    }
    for (const [id, label] of this.labels) {
      if (!seen.has(id)) {
        label.destroy();
        this.labels.delete(id);
      }
    }
  }

  /** The queued packet under (x, y), if any. */
  pick(x: number, y: number): { node: string; id: number } | null {
    for (const b of this.boxes) {
      if (Math.abs(b.x - x) <= b.size / 2 && Math.abs(b.y - y) <= b.size / 2) return { node: b.node, id: b.id };
    }
    return null;
  }

  /** Screen position of a queued packet (effects start there). */
  positionOf(id: number): { x: number; y: number } | null {
    const b = this.boxes.find((x) => x.id === id);
    return b === undefined ? null : { x: b.x, y: b.y };
  }

  destroy(): void {
    this.g.destroy();
    for (const l of this.labels.values()) l.destroy();
    this.labels.clear();
  }
}
