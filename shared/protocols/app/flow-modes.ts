// Which TCP modes a sender may start a flow in: its own congestion control and ARQ mode, or one
// its scenario lists in `choices`. The scenario loader and the engine ask the same question.

import type { FlowSpec } from '../scenario.ts';
import type { ArqMode } from '../transport/tcp/arq.ts';
import type { CongestionAlgorithm } from '../transport/tcp/congestion/index.ts';

export interface FlowModes {
  cc?: CongestionAlgorithm;
  arq?: ArqMode;
}

/** The first of the asked modes the flow does not offer, or null when it offers them all. */
export function modeNotOffered(flow: Pick<FlowSpec, 'cc' | 'arq' | 'choices'>, modes: FlowModes): 'cc' | 'arq' | null {
  if (modes.cc !== undefined && modes.cc !== flow.cc && !flow.choices.cc.includes(modes.cc)) return 'cc';
  if (modes.arq !== undefined && modes.arq !== flow.arq && !flow.choices.arq.includes(modes.arq)) return 'arq';
  return null;
}
