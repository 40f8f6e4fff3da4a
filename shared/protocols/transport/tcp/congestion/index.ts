// Picks the congestion controller a flow asked for.

import { Aimd } from './aimd.ts';
import type { CongestionAlgorithm, CongestionControl } from './controller.ts';
import { NewReno } from './newreno.ts';
import { Reno } from './reno.ts';
import { Tahoe } from './tahoe.ts';

export function createCongestionControl(
  algorithm: CongestionAlgorithm,
  mss: number,
  initialCwndSegments: number,
  initialSsthreshBytes: number,
): CongestionControl {
  switch (algorithm) {
    case 'aimd':
      return new Aimd(mss, initialCwndSegments);
    case 'tahoe':
      return new Tahoe(mss, initialCwndSegments, initialSsthreshBytes);
    case 'reno':
      return new Reno(mss, initialCwndSegments, initialSsthreshBytes);
    case 'newreno':
      return new NewReno(mss, initialCwndSegments, initialSsthreshBytes);
  }
}

export type { CongestionAlgorithm, CongestionControl };
export { CONGESTION_ALGORITHMS } from './controller.ts';
export { AckAction } from './controller.ts';
