// The time-sequence diagram: every data segment the sender sends (by its place in the byte stream)
// and the receiver's cumulative ACK, against time. Slopes are throughput; a gap then a vermillion
// mark is a loss and its retransmission; a flat ACK line is the sender stalled.

import { t } from '../i18n/index.ts';
import type { AckPoint, SegmentPoint } from '../model/flow-history.ts';
import { drawAxes, preparePlot, scaleLinear, timeWindow } from './canvas.ts';

export interface SeqChartData {
  sends: SegmentPoint[];
  acks: AckPoint[];
  t0: number;
  t1: number;
  /** Where the ACK line ends: now, not the axis's right edge. */
  tNow: number;
  y0: number;
  y1: number;
}

export function seqChartData(sends: readonly SegmentPoint[], acks: readonly AckPoint[], nowMs: number, spanMs: number, minSpanMs = spanMs): SeqChartData {
  const first = Math.min(sends[0]?.t ?? Infinity, acks[0]?.t ?? Infinity);
  const { t0, t1, tNow } = timeWindow(Number.isFinite(first) ? first : undefined, nowMs, spanMs, minSpanMs);
  const s = sends.filter((p) => p.t >= t0 && p.t <= t1);
  let lastAckBefore: AckPoint | undefined;
  const a: AckPoint[] = [];
  for (const p of acks) {
    if (p.t < t0) lastAckBefore = p;
    else if (p.t <= t1) a.push(p);
  }
  if (lastAckBefore !== undefined) a.unshift({ ...lastAckBefore, t: t0 });
  let y0 = Infinity;
  let y1 = -Infinity;
  for (const p of s) {
    y0 = Math.min(y0, p.rel);
    y1 = Math.max(y1, p.rel + p.len);
  }
  for (const p of a) {
    y0 = Math.min(y0, p.rel);
    y1 = Math.max(y1, p.rel);
  }
  if (!Number.isFinite(y0)) {
    y0 = 0;
    y1 = 1000;
  }
  if (y1 - y0 < 1000) y1 = y0 + 1000;
  return { sends: s, acks: a, t0, t1, tNow, y0, y1 };
}

export function drawSeqChart(canvas: HTMLCanvasElement, data: SeqChartData): void {
  const p = preparePlot(canvas);
  if (p === null) return;
  const { ctx } = p;
  const sx = scaleLinear(data.t0, data.t1, p.left, p.right);
  const sy = scaleLinear(data.y0, data.y1, p.bottom, p.top);
  const kb = (v: number) => (v >= 10_000 ? `${Math.round(v / 1000)}k` : `${Math.round(v)}`);
  drawAxes(p, data.t0, data.t1, data.y0, data.y1, kb, (v) => `${(v / 1000).toFixed(v % 1000 === 0 ? 0 : 1)}s`);
  // ACK line: a step up each time the cumulative ACK moves.
  if (data.acks.length > 0) {
    ctx.strokeStyle = '#009e73';
    ctx.lineWidth = 2.5;
    ctx.beginPath();
    let prev: number | null = null;
    for (const a of data.acks) {
      const x = sx(a.t);
      const y = sy(a.rel);
      if (prev === null) ctx.moveTo(x, y);
      else {
        ctx.lineTo(x, prev);
        ctx.lineTo(x, y);
      }
      prev = y;
    }
    if (prev !== null) ctx.lineTo(sx(data.tNow), prev);
    ctx.stroke();
  }
  // Segments: a short vertical bar spanning the bytes they carry.
  for (const s of data.sends) {
    const x = sx(s.t);
    const ya = sy(s.rel);
    const yb = sy(s.rel + s.len);
    ctx.fillStyle = s.retransmit ? '#d55e00' : '#56b4e9';
    const w = s.retransmit ? 6 : 4;
    ctx.fillRect(x - w / 2, yb, w, Math.max(3, ya - yb));
  }
  ctx.fillStyle = '#aab4c8';
  ctx.textAlign = 'left';
  ctx.textBaseline = 'top';
  ctx.fillText(t('chart.bytes'), 4, 2);
}
