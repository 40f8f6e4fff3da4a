// Which TCP modes a sender may start a flow in: its own congestion control and ARQ mode, or one
// its scenario lists in `choices`; and which host gives a flow command. The scenario loader and the
// engine ask the same questions.

import type { FlowCommand } from '../roles/commands.ts';
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

/** The host that gives a flow command: the receiver sets its read rate, the sender starts and stops. */
export function flowCommandHost(flow: Pick<FlowSpec, 'from' | 'to'>, action: FlowCommand['action']): string {
  return action === 'read-rate' ? flow.to : flow.from;
}
