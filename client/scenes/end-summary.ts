// What a finished session comes to, for the end screen: the players' scores, what went wrong (drops
// by reason, retransmissions, timeouts) and each flow's outcome. Computed from the World, so it reads
// the same after a solo sandbox run and after a class.

import type { SessionEnd } from '../model/source.ts';
import type { World } from '../model/world.ts';

export interface FlowOutcome {
  id: string;
  transport: string;
  app: string;
  /** Lookups or requests answered, and ended without an answer (DNS, HTTP and HTTPS flows). */
  answered: number;
  unanswered: number;
  delivered: number;
  retransmits: number;
  timeouts: number;
  fastRetransmits: number;
  framesPlayed: number;
  framesSkipped: number;
  datagrams: number;
  clientState: string;
}

export interface EndSummary {
  scenario: string;
  simMs: number;
  reason: SessionEnd['reason'];
  drops: Array<{ reason: string; count: number }>;
  totalDrops: number;
  flows: FlowOutcome[];
  /** `nodeKind`: the kind of node the role plays, if any (a server's receiver is its operator). */
  players: Array<{ name: string; role: string; nodeKind: string | null; score: number }>;
}

export function summarize(world: World, end: SessionEnd): EndSummary {
  const drops = [...world.dropsByReason].map(([reason, count]) => ({ reason, count })).sort((a, b) => b.count - a.count || a.reason.localeCompare(b.reason));
  const flows: FlowOutcome[] = [...world.flows.values()].map((f) => {
    const h = world.history(f.id);
    return {
      id: f.id,
      transport: f.transport,
      app: f.app,
      answered: h.answered,
      unanswered: h.unanswered,
      delivered: f.transport === 'tcp' ? h.delivered : h.datagramsDelivered,
      retransmits: h.retransmits,
      timeouts: h.timeouts,
      fastRetransmits: h.fastRetransmits,
      framesPlayed: h.framesPlayed,
      framesSkipped: h.framesSkipped,
      datagrams: h.segmentsSent,
      clientState: h.clientState,
    };
  });
  const players = [...world.players.values()]
    // Scores are for the people who played a part: not the host, not spectators watching the stream.
    .filter((p) => !p.host && p.role !== 'spectator')
    .map((p) => ({ name: p.name, role: p.role, nodeKind: p.node === null ? null : (world.nodes.get(p.node)?.kind ?? null), score: p.score }))
    .sort((a, b) => b.score - a.score || a.name.localeCompare(b.name));
  return {
    scenario: world.scenarioName,
    simMs: world.nowMs,
    reason: end.reason,
    drops,
    totalDrops: drops.reduce((s, d) => s + d.count, 0),
    flows,
    players,
  };
}
