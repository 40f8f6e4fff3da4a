// The spectator's camera: it moves to where something worth seeing happens (a loss, a timeout, a link
// going down), holds there long enough to read the caption, then pulls back to the whole network.
// It never moves more often than a viewer can follow.

import type Phaser from 'phaser';
import type { Caption } from '../model/captions.ts';
import type { Geometry } from './geometry.ts';

const HOLD_MS = 3500;
const MIN_GAP_MS = 4500;
const ZOOM = 1.6;
const MOVE_MS = 700;

export class CameraDirector {
  private readonly cam: Phaser.Cameras.Scene2D.Camera;
  private geom: Geometry | null = null;
  private lastMoveMs = -Infinity;
  private returnAtMs = Infinity;
  private home = { x: 0, y: 0 };
  enabled = true;
  /** Where the camera looks now (tests read it). */
  focus: string | null = null;

  constructor(cam: Phaser.Cameras.Scene2D.Camera) {
    this.cam = cam;
  }

  setGeometry(geom: Geometry, centreX: number, centreY: number): void {
    this.geom = geom;
    this.home = { x: centreX, y: centreY };
    this.cam.setZoom(1);
    this.cam.centerOn(centreX, centreY);
    this.focus = null;
  }

  /** Consider a caption; interesting ones (warnings, failures) draw the camera. */
  consider(c: Caption, nowMs: number): void {
    if (!this.enabled || this.geom === null || c.focus === null) return;
    if (c.tone !== 'bad' && c.tone !== 'warn') return;
    if (nowMs - this.lastMoveMs < MIN_GAP_MS) return;
    const p = this.where(c.focus);
    if (p === null) return;
    this.lastMoveMs = nowMs;
    this.returnAtMs = nowMs + HOLD_MS;
    this.focus = c.focus.link ?? c.focus.node ?? null;
    this.cam.pan(p.x, p.y, MOVE_MS, 'Sine.easeInOut', true);
    this.cam.zoomTo(ZOOM, MOVE_MS, 'Sine.easeInOut', true);
  }

  update(nowMs: number): void {
    if (nowMs >= this.returnAtMs) {
      this.returnAtMs = Infinity;
      this.focus = null;
      this.cam.pan(this.home.x, this.home.y, MOVE_MS, 'Sine.easeInOut', true);
      this.cam.zoomTo(1, MOVE_MS, 'Sine.easeInOut', true);
    }
  }

  private where(f: { node?: string; link?: string }): { x: number; y: number } | null {
    const g = this.geom!;
    if (f.link !== undefined) {
      const l = g.links.get(f.link);
      if (l !== undefined) return { x: l.mx, y: l.my };
    }
    if (f.node !== undefined) {
      const n = g.nodes.get(f.node);
      if (n !== undefined) return { x: n.x, y: n.y };
    }
    return null;
  }
}
