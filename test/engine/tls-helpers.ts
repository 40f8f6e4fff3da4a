// Scenarios for the TLS and tap tests: a client, an optional tap, a router and a server with a
// certificate from a CA; every knob a test turns is a scenario field, as a scenario file would set it.

import type { ScenarioInput } from '../../shared/scenario/schema.ts';
import type { TraceEvent } from '../../shared/protocols/sim/trace.ts';

export interface TlsTopology {
  client?: Record<string, unknown>;
  server?: Record<string, unknown>;
  /** Fields of a tap between the client and the router; omit for no tap. */
  tap?: Record<string, unknown>;
  flow?: Record<string, unknown>;
  extraNodes?: Array<Record<string, unknown>>;
  seed?: number;
  durationMs?: number;
}

export function tlsScenario(o: TlsTopology = {}): ScenarioInput {
  const withTap = o.tap !== undefined;
  const nodes: Array<Record<string, unknown>> = [
    { id: 'ca', kind: 'ca', name: 'Trusty Root CA' },
    ...(o.extraNodes ?? []),
    { id: 'client', kind: 'host', ...o.client },
    ...(withTap ? [{ id: 'tap', kind: 'tap', ...o.tap }] : []),
    { id: 'r', kind: 'router' },
    { id: 'bank', kind: 'host', certificate: { issuer: 'ca' }, ...o.server },
  ];
  const link = (id: string, a: string, b: string) => ({ id, a, b, bandwidthBps: 10_000_000, delayMs: 5 });
  const links = withTap
    ? [link('l1', 'client', 'tap'), link('l2', 'tap', 'r'), link('l3', 'r', 'bank')]
    : [link('l1', 'client', 'r'), link('l3', 'r', 'bank')];
  return {
    seed: o.seed ?? 7,
    durationMs: o.durationMs ?? 3000,
    nodes,
    links,
    flows: [{ id: 'f', from: 'client', to: 'bank', transport: 'tcp', app: 'bulk', bytes: 20_000, verify: true, tls: {}, ...o.flow }],
  } as ScenarioInput;
}

/** The tls trace reduced to "node step dir" lines, in order. */
export function steps(events: TraceEvent[], node?: string): string[] {
  return events
    .filter((e) => e.type === 'tls' && e.step !== 'certificate-issued' && (node === undefined || e.node === node))
    .map((e) => `${String(e.node)} ${String(e.step)}${e.dir === undefined ? '' : ` ${String(e.dir)}`}`);
}
