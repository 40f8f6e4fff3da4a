// Short-lived marks where things happened: a burst where a packet died, with the reason in the
// player's language; a ring at a sender that retransmits. Effects age in real time (they are for the
// eye, not the protocol) and a small pool of labels bounds the cost of a burst of losses.

import type Phaser from 'phaser';
import { FONT_FAMILY, OKABE_ITO, UI } from '../theme/palette.ts';
import type { LabelSpot } from './topology-view.ts';

const DROP_MS = 1400;
const RING_MS = 900;
const MAX_EFFECTS = 80;
const MAX_LABELS = 10;

interface Effect {
  kind: 'drop' | 'ring' | 'flash';
  x: number;
  y: number;
  bornMs: number;
  color: number;
  size: number;
  label: Phaser.GameObjects.Text | null;
  /** The label's text without its count, and how many events it stands for. */
  labelText: string | null;
  count: number;
}

export class EffectsLayer {
  private readonly g: Phaser.GameObjects.Graphics;
  private readonly scene: Phaser.Scene;
  private readonly effects: Effect[] = [];
  private readonly free: Phaser.GameObjects.Text[] = [];
  private labelsInUse = 0;
  fontPx = 18;

  constructor(scene: Phaser.Scene) {
    this.scene = scene;
    this.g = scene.add.graphics().setDepth(9);
  }

  /**
   * A packet died here; `label` says why. Another death for the same reason close by while that
   * label is still shown gets its own burst and is counted on the label ("loss ×2"), instead of a
   * second label drawn over the first. At a node, `spot` places the label clear of the node's own
   * labels, as a ring's.
   */
  drop(x: number, y: number, size: number, label: string | null, nowMs: number, spot?: LabelSpot): void {
    let text: Phaser.GameObjects.Text | null = null;
    if (label !== null) {
      const near = this.fontPx * 2;
      const shown = this.effects.find((e) => e.kind === 'drop' && e.labelText === label && e.label !== null && Math.abs(e.x - x) < near && Math.abs(e.y - y) < near);
      if (shown !== undefined) {
        shown.count++;
        shown.label!.setText(`${label} ×${shown.count}`);
      } else if (spot !== undefined) {
        text = this.takeLabel(label, spot.x, Math.max(spot.bottomY, this.fontPx + 4), '#ff9f6b', spot.originX);
      } else {
        text = this.takeLabel(label, x, y - size * 2.5, '#ff9f6b');
      }
    }
    this.add({ kind: 'drop', x, y, bornMs: nowMs, color: UI.drop, size, label: text, labelText: label, count: 1 });
  }

  /**
   * A ring at a node: a retransmission (vermillion) or something good (green). Its label's bottom
   * edge is at `spot.bottomY`, above the node's own labels or beside the node (kept inside the canvas).
   */
  ring(x: number, y: number, size: number, good: boolean, nowMs: number, label: string | null, spot: LabelSpot): void {
    const color = good ? OKABE_ITO.bluishGreen : UI.retransmit;
    const labelY = Math.max(spot.bottomY, this.fontPx + 4);
    const text = label === null ? null : this.takeLabel(label, spot.x, labelY, good ? '#5fd3a8' : '#ff9f6b', spot.originX);
    this.add({ kind: 'ring', x, y, bornMs: nowMs, color, size, label: text, labelText: label, count: 1 });
  }

  private add(e: Effect): void {
    if (this.effects.length >= MAX_EFFECTS) this.retire(0);
    this.effects.push(e);
  }

  private takeLabel(text: string, x: number, y: number, color: string, originX = 0.5): Phaser.GameObjects.Text | null {
    if (this.labelsInUse >= MAX_LABELS) return null;
    let label = this.free.pop();
    if (label === undefined) {
      label = this.scene.add
        .text(0, 0, '', { fontFamily: FONT_FAMILY, fontSize: `${this.fontPx}px`, fontStyle: 'bold', color, stroke: '#121826', strokeThickness: 5 })
        .setOrigin(0.5, 1)
        .setDepth(10);
    }
    this.labelsInUse++;
    label.setText(text).setColor(color).setOrigin(originX, 1).setPosition(x, y).setAlpha(1).setVisible(true);
    label.setFontSize(this.fontPx);
    return label;
  }

  private retire(i: number): void {
    const [e] = this.effects.splice(i, 1);
    if (e?.label != null) {
      e.label.setVisible(false);
      this.free.push(e.label);
      this.labelsInUse--;
    }
  }

  draw(nowMs: number): void {
    const g = this.g;
    g.clear();
    for (let i = this.effects.length - 1; i >= 0; i--) {
      const e = this.effects[i]!;
      const life = e.kind === 'drop' ? DROP_MS : RING_MS;
      const age = (nowMs - e.bornMs) / life;
      if (age >= 1 || age < 0) {
        this.retire(i);
        continue;
      }
      const fade = 1 - age;
      if (e.kind === 'drop') {
        // An expanding ring, a cross where the packet was, and sparks flying outwards.
        g.lineStyle(3, e.color, fade);
        g.strokeCircle(e.x, e.y, e.size * (1 + age * 3));
        const c = e.size * 0.9;
        g.lineBetween(e.x - c, e.y - c, e.x + c, e.y + c);
        g.lineBetween(e.x - c, e.y + c, e.x + c, e.y - c);
        g.fillStyle(e.color, fade);
        for (let k = 0; k < 6; k++) {
          const a = (Math.PI / 3) * k + 0.4;
          const d = e.size * (1.2 + age * 4);
          g.fillRect(e.x + Math.cos(a) * d - 2, e.y + Math.sin(a) * d - 2, 4, 4);
        }
        if (e.label !== null) {
          e.label.setAlpha(Math.min(1, fade * 1.6));
          e.label.y -= 0.3;
        }
      } else {
        g.lineStyle(4, e.color, fade);
        g.strokeCircle(e.x, e.y, e.size * (1 + age * 0.8));
        if (e.label !== null) e.label.setAlpha(Math.min(1, fade * 1.6));
      }
    }
  }

  clear(): void {
    while (this.effects.length > 0) this.retire(0);
  }

  destroy(): void {
    this.clear();
    this.g.destroy();
    for (const l of this.free) l.destroy();
  }
}
