// The congestion window and the slow-start threshold of one flow over time, with its phases named:
// slow start, congestion avoidance, fast recovery, timeout (seed: congestion control). Values are in
// segments (MSS), which is how the rules are stated: +1 per ACK, +1 per RTT, halve, back to 1.

import { t } from '../i18n/index.ts';
import type { CwndPoint, Phase } from '../model/flow-history.ts';
import { PHASE_COLORS } from '../theme/palette.ts';
import { drawAxes, preparePlot, scaleLinear, timeWindow } from './canvas.ts';

export interface PhaseBand {
  t0: number;
  t1: number;
  phase: Phase;
}

export interface CwndChartData {
  /** Step points (t, cwnd, ssthresh) in segments, within [t0, t1]. */
  steps: Array<{ t: number; cwnd: number; ssthresh: number }>;
  bands: PhaseBand[];
  t0: number;
  t1: number;
  /** Where the lines and the last phase end: now, not the axis's right edge (the future is not drawn). */
  tNow: number;
  maxSegments: number;
}

/** Largest ssthresh worth drawing: the initial "infinite" threshold would flatten everything. */
const SSTHRESH_CAP_FACTOR = 1.5;

export function cwndChartData(points: readonly CwndPoint[], mss: number, nowMs: number, spanMs: number, minSpanMs = spanMs): CwndChartData {
  const { t0, t1, tNow } = timeWindow(points[0]?.t, nowMs, spanMs, minSpanMs);
  const steps: CwndChartData['steps'] = [];
  const bands: PhaseBand[] = [];
  // The value in force at t0 is the last point before it.
  let start = 0;
  for (let i = 0; i < points.length; i++) if (points[i]!.t <= t0) start = i;
  let maxCwnd = 1;
  for (let i = start; i < points.length; i++) {
    const p = points[i]!;
    if (p.t > t1) break;
    const tt = Math.max(p.t, t0);
    const cwnd = p.cwnd / mss;
    steps.push({ t: tt, cwnd, ssthresh: p.ssthresh / mss });
    maxCwnd = Math.max(maxCwnd, cwnd);
    const last = bands[bands.length - 1];
    if (last !== undefined && last.phase === p.phase) continue;
    if (last !== undefined) last.t1 = tt;
    bands.push({ t0: tt, t1: tNow, phase: p.phase });
  }
  const cap = maxCwnd * SSTHRESH_CAP_FACTOR;
  let maxSegments = maxCwnd;
  for (const s of steps) if (s.ssthresh <= cap) maxSegments = Math.max(maxSegments, s.ssthresh);
  return { steps, bands, t0, t1, tNow, maxSegments: Math.max(4, Math.ceil(maxSegments * 1.1)) };
}

export function drawCwndChart(canvas: HTMLCanvasElement, data: CwndChartData, unitLabel: string = t('chart.segments')): void {
  const p = preparePlot(canvas);
  if (p === null) return;
  const { ctx } = p;
  const sx = scaleLinear(data.t0, data.t1, p.left, p.right);
  const sy = scaleLinear(0, data.maxSegments, p.bottom, p.top);
  // Phase bands along the bottom, so the names stay readable over the curve.
  const bandH = p.fontPx * 1.3;
  ctx.textBaseline = 'middle';
  ctx.textAlign = 'left';
  for (const b of data.bands) {
    const x0 = sx(b.t0);
    const x1 = sx(b.t1);
    ctx.fillStyle = `${PHASE_COLORS[b.phase] ?? '#888888'}33`;
    ctx.fillRect(x0, p.top, Math.max(1, x1 - x0), p.bottom - p.top);
    ctx.fillStyle = PHASE_COLORS[b.phase] ?? '#888888';
    ctx.fillRect(x0, p.bottom - 3, Math.max(1, x1 - x0), 3);
    const label = t(`phase.${b.phase}` as 'phase.slow-start');
    if (x1 - x0 > ctx.measureText(label).width + 8) {
      ctx.fillStyle = '#e8edf5';
      ctx.fillText(label, x0 + 4, p.top + bandH / 2);
    }
  }
  drawAxes(p, data.t0, data.t1, 0, data.maxSegments, (v) => `${v}`, (v) => `${(v / 1000).toFixed(v % 1000 === 0 ? 0 : 1)}s`);
  const line = (key: 'cwnd' | 'ssthresh', color: string, dash: number[], width: number) => {
    if (data.steps.length === 0) return;
    ctx.strokeStyle = color;
    ctx.lineWidth = width;
    ctx.setLineDash(dash);
    ctx.beginPath();
    let prevY: number | null = null;
    for (const s of data.steps) {
      const v = Math.min(s[key], data.maxSegments * 1.05);
      const x = sx(s.t);
      const y = sy(v);
      if (prevY === null) ctx.moveTo(x, y);
      else {
        ctx.lineTo(x, prevY);
        ctx.lineTo(x, y);
      }
      prevY = y;
    }
    if (prevY !== null) ctx.lineTo(sx(data.tNow), prevY);
    ctx.stroke();
    ctx.setLineDash([]);
  };
  line('ssthresh', '#cc79a7', [6, 4], 2);
  line('cwnd', '#f2f5fa', [], 2.5);
  ctx.fillStyle = '#aab4c8';
  ctx.textAlign = 'left';
  ctx.textBaseline = 'top';
  ctx.fillText(unitLabel, 4, 2);
}
