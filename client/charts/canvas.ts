// Shared plumbing for the small charts in the side panel: a 2D canvas sized for the device's pixel
// ratio (sharp on a 4K projector), axes and labels in the panel's font.

import { FONT_FAMILY } from '../theme/palette.ts';

export interface Plot {
  ctx: CanvasRenderingContext2D;
  width: number;
  height: number;
  /** Inner plotting box. */
  left: number;
  top: number;
  right: number;
  bottom: number;
  fontPx: number;
}

export function preparePlot(canvas: HTMLCanvasElement): Plot | null {
  const rect = canvas.getBoundingClientRect();
  const width = Math.max(1, Math.round(rect.width));
  const height = Math.max(1, Math.round(rect.height));
  if (rect.width === 0 || rect.height === 0) return null;
  const dpr = Math.min(3, globalThis.devicePixelRatio || 1);
  if (canvas.width !== Math.round(width * dpr) || canvas.height !== Math.round(height * dpr)) {
    canvas.width = Math.round(width * dpr);
    canvas.height = Math.round(height * dpr);
  }
  const ctx = canvas.getContext('2d');
  if (ctx === null) return null;
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.clearRect(0, 0, width, height);
  const fontPx = Math.max(11, Math.min(16, Math.round(height / 11)));
  ctx.font = `${fontPx}px ${FONT_FAMILY}`;
  const left = fontPx * 3.2;
  // The unit's label takes the first line; the plot starts below it, so the top tick label stays clear of it.
  return { ctx, width, height, left, top: fontPx * 2, right: width - 8, bottom: height - fontPx * 1.8, fontPx };
}

/** Time shown before a chart's first point, so that the first step is not drawn on the axis. */
const LEAD_MS = 500;

/**
 * The time axis of a live chart: from just before its first point (0 with none), at least
 * `minSpanMs` wide, growing with the run, then the latest `spanMs`. A transfer started late in a
 * long run is not squeezed into the right edge of an axis that starts at 0. `tNow` is where the
 * lines end: now, not the axis's right edge (the future is not drawn).
 */
export function timeWindow(firstMs: number | undefined, nowMs: number, spanMs: number, minSpanMs = spanMs): { t0: number; t1: number; tNow: number } {
  const start = firstMs === undefined ? 0 : Math.max(0, firstMs - LEAD_MS);
  const t1 = Math.max(nowMs, start + Math.min(minSpanMs, spanMs));
  const t0 = Math.max(start, t1 - spanMs);
  return { t0, t1, tNow: Math.max(t0, Math.min(nowMs, t1)) };
}

export function scaleLinear(d0: number, d1: number, r0: number, r1: number): (v: number) => number {
  const span = d1 - d0 || 1;
  return (v) => r0 + ((v - d0) / span) * (r1 - r0);
}

/** A round step for axis ticks covering `span` in about `count` steps. */
export function niceStep(span: number, count: number): number {
  if (!(span > 0)) return 1;
  const raw = span / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const norm = raw / mag;
  const step = norm < 1.5 ? 1 : norm < 3.5 ? 2 : norm < 7.5 ? 5 : 10;
  return step * mag;
}

export function drawAxes(p: Plot, x0: number, x1: number, y0: number, y1: number, yLabel: (v: number) => string, xLabel: (v: number) => string): void {
  const { ctx } = p;
  ctx.strokeStyle = '#3a4660';
  ctx.fillStyle = '#aab4c8';
  ctx.lineWidth = 1;
  const sx = scaleLinear(x0, x1, p.left, p.right);
  const sy = scaleLinear(y0, y1, p.bottom, p.top);
  const ys = niceStep(y1 - y0, 4);
  ctx.textAlign = 'right';
  ctx.textBaseline = 'middle';
  for (let v = Math.ceil(y0 / ys) * ys; v <= y1 + 1e-9; v += ys) {
    const y = sy(v);
    ctx.beginPath();
    ctx.moveTo(p.left, y);
    ctx.lineTo(p.right, y);
    ctx.stroke();
    ctx.fillText(yLabel(v), p.left - 4, y);
  }
  const xs = niceStep(x1 - x0, 5);
  ctx.textAlign = 'center';
  ctx.textBaseline = 'top';
  for (let v = Math.ceil(x0 / xs) * xs; v <= x1 + 1e-9; v += xs) {
    ctx.fillText(xLabel(v), sx(v), p.bottom + 4);
  }
}
