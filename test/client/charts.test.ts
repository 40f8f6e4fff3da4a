import { describe, expect, test } from 'vitest';
import { cwndChartData } from '../../client/charts/cwnd-chart.ts';
import { seqChartData } from '../../client/charts/seq-chart.ts';
import { phaseOf, type CwndPoint } from '../../client/model/flow-history.ts';

describe('congestion window chart', () => {
  const pts: CwndPoint[] = [
    { t: 0, cwnd: 1000, ssthresh: 1 << 30, phase: 'slow-start' },
    { t: 100, cwnd: 2000, ssthresh: 1 << 30, phase: 'slow-start' },
    { t: 200, cwnd: 4000, ssthresh: 1 << 30, phase: 'slow-start' },
    { t: 300, cwnd: 5000, ssthresh: 2000, phase: 'fast-recovery' },
    { t: 400, cwnd: 2000, ssthresh: 2000, phase: 'congestion-avoidance' },
    { t: 500, cwnd: 3000, ssthresh: 2000, phase: 'congestion-avoidance' },
  ];

  test('values in segments, phases as bands, the huge initial ssthresh kept off the scale', () => {
    const d = cwndChartData(pts, 1000, 600, 10_000);
    expect(d.t0).toBe(0);
    expect(d.t1).toBe(10_000);
    expect(d.steps.map((s) => s.cwnd)).toEqual([1, 2, 4, 5, 2, 3]);
    expect(d.bands).toEqual([
      { t0: 0, t1: 300, phase: 'slow-start' },
      { t0: 300, t1: 400, phase: 'fast-recovery' },
      { t0: 400, t1: 600, phase: 'congestion-avoidance' },
    ]);
    // The lines end at now (600 ms), not at the axis's right edge.
    expect(d.tNow).toBe(600);
    expect(d.maxSegments).toBe(6);
  });

  test('the time axis starts just before the first point and grows with the run, then slides', () => {
    // A transfer started at 20 s in a long run: not squeezed into the right edge of a 0–30 s axis.
    const late = pts.map((p) => ({ ...p, t: p.t + 20_000 }));
    expect([20_600, 26_000, 40_000, 55_000].map((now) => cwndChartData(late, 1000, now, 30_000, 10_000)).map((d) => [d.t0, d.t1])).toEqual([
      [19_500, 29_500],
      [19_500, 29_500],
      [19_500, 40_000],
      [25_000, 55_000],
    ]);
    const seq = seqChartData([{ t: 20_100, rel: 0, len: 1000, retransmit: false }], [{ t: 20_300, rel: 1000, window: 8000 }], 21_000, 30_000, 10_000);
    expect([seq.t0, seq.t1]).toEqual([19_600, 29_600]);
  });

  test('a sliding time window starts with the value in force at its left edge', () => {
    const d = cwndChartData(pts, 1000, 10_450, 10_000);
    expect(d.t0).toBe(450);
    expect(d.steps[0]).toEqual({ t: 450, cwnd: 2, ssthresh: 2 });
    expect(d.bands[0]).toEqual({ t0: 450, t1: 10_450, phase: 'congestion-avoidance' });
  });

  test('phase after a change of cwnd', () => {
    expect(phaseOf('init', 1000, 64000)).toBe('slow-start');
    expect(phaseOf('recovery-exit', 8000, 8000)).toBe('congestion-avoidance');
    expect(phaseOf('fast-retransmit', 8000, 4000)).toBe('fast-recovery');
    expect(phaseOf('timeout', 1000, 4000)).toBe('timeout');
  });
});

describe('time-sequence diagram', () => {
  test('segments and ACKs within the window; the ACK in force at the edge is carried in', () => {
    const d = seqChartData(
      [
        { t: 100, rel: 0, len: 1000, retransmit: false },
        { t: 5200, rel: 1000, len: 1000, retransmit: false },
        { t: 6300, rel: 1000, len: 1000, retransmit: true },
      ],
      [
        { t: 300, rel: 1000, window: 8000 },
        { t: 6500, rel: 2000, window: 8000 },
      ],
      6500,
      5000,
    );
    expect(d.t0).toBe(1500);
    expect(d.sends.map((s) => s.t)).toEqual([5200, 6300]);
    expect(d.acks).toEqual([
      { t: 1500, rel: 1000, window: 8000 },
      { t: 6500, rel: 2000, window: 8000 },
    ]);
    expect([d.y0, d.y1]).toEqual([1000, 2000]);
  });
});
