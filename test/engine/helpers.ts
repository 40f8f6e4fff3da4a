// Shared helpers for engine tests: build a scenario from a short description (the loader fills in
// defaults exactly as for a file), run it, and collect the trace.

import { Engine } from '../../shared/protocols/engine.ts';
import type { TraceEvent, TraceType } from '../../shared/protocols/sim/trace.ts';
import { TRACE_TYPES } from '../../shared/protocols/sim/trace.ts';
import { loadScenario } from '../../shared/scenario/load.ts';
import type { ScenarioInput } from '../../shared/scenario/schema.ts';

export function build(input: ScenarioInput): Engine {
  const loaded = loadScenario(input);
  if (!loaded.ok) throw new Error(`bad test scenario:\n${loaded.errors.join('\n')}`);
  return new Engine(loaded.scenario);
}

export interface Run {
  engine: Engine;
  events: TraceEvent[];
  of(type: TraceType): TraceEvent[];
}

export function run(input: ScenarioInput, types: readonly TraceType[] = TRACE_TYPES, untilMs?: number): Run {
  const engine = build(input);
  const events: TraceEvent[] = [];
  engine.subscribe(types, (e) => events.push(e));
  engine.runUntilMs(untilMs ?? engine.durationMs);
  return { engine, events, of: (type) => events.filter((e) => e.type === type) };
}

/** Two hosts joined by one link. */
export function pair(link: Partial<{ bandwidthBps: number; delayMs: number; queuePackets: number; loss: number | Record<string, number> }> = {}) {
  return {
    nodes: [
      { id: 'a', kind: 'host' as const },
      { id: 'b', kind: 'host' as const },
    ],
    links: [{ id: 'ab', a: 'a', b: 'b', bandwidthBps: 10_000_000, delayMs: 10, queuePackets: 100, ...link }],
  };
}

export const MOD32 = 4294967296;

import type { Packet } from '../../shared/protocols/net/packet.ts';
import { Router } from '../../shared/protocols/net/router.ts';
import type { RouterCommand } from '../../shared/protocols/roles/commands.ts';

export type Decision = RouterCommand | 'route';

/**
 * Play the player-controlled routers: every `stepMs`, each waiting packet gets `decide`'s command;
 * 'route' forwards it on the routing table's link, as a bot would.
 */
export function drive(engine: Engine, untilMs: number, stepMs: number, decide: (p: Packet, node: string) => Decision): void {
  const routers = [...engine.network.nodes.values()].filter((n): n is Router => n instanceof Router && n.controller === 'player');
  for (let t = engine.nowMs; t < untilMs; ) {
    t = Math.min(untilMs, t + stepMs);
    engine.runUntilMs(t);
    for (const r of routers) {
      for (const p of [...r.decisions.waiting]) {
        const d = decide(p, r.id);
        const cmd: RouterCommand = d === 'route' ? { action: 'forward', node: r.id, packet: p.id, link: r.routes.get(p.ip.dst)!.iface.link.id } : d;
        const result = engine.command(cmd);
        if (!result.ok) throw new Error(`command refused: ${result.reason}`);
      }
    }
  }
}

/** host a — router r (player) — host b. */
export function chainWithPlayer(delayMs = 10) {
  return {
    nodes: [
      { id: 'a', kind: 'host' as const },
      { id: 'r', kind: 'router' as const, controller: 'player' as const, queuePackets: 200 },
      { id: 'b', kind: 'host' as const },
    ],
    links: [
      { id: 'ar', a: 'a', b: 'r', bandwidthBps: 10_000_000, delayMs, queuePackets: 100 },
      { id: 'rb', a: 'r', b: 'b', bandwidthBps: 10_000_000, delayMs, queuePackets: 100 },
    ],
  };
}
