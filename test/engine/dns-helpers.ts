// Scenarios for the DNS tests: a client host, a router and an authoritative `dns` node serving
// example.com, with the resolver flow `q` from the client to the server.

import type { ScenarioInput } from '../../shared/scenario/schema.ts';
import type { Engine } from '../../shared/protocols/engine.ts';
import type { InspectedPacket } from '../../shared/protocols/net/layers.ts';
import type { TraceEvent } from '../../shared/protocols/sim/trace.ts';

type Input = ScenarioInput;
type NodeInput = Input['nodes'][number];
type FlowInput = NonNullable<Input['flows']>[number];

export const ZONE_RECORDS = [
  { name: '@', type: 'SOA' as const, value: 'ns1 hostmaster 2024010101 7200 900 1209600 300' },
  { name: '@', type: 'NS' as const, value: 'ns1' },
  { name: 'ns1', type: 'A' as const, value: '10.0.0.3' },
  { name: 'www', type: 'A' as const, value: '192.0.2.10', ttl: 300 },
  { name: 'web', type: 'CNAME' as const, value: 'www' },
  { name: '@', type: 'MX' as const, value: '10 mail' },
  { name: 'mail', type: 'A' as const, value: '192.0.2.25' },
  { name: 'mail', type: 'AAAA' as const, value: '2001:db8::25' },
  { name: 'deep.sub', type: 'A' as const, value: '192.0.2.99' },
  // A TXT of 552 characters: three character-strings (255 + 255 + 42), so the answer to
  // "big.example.com TXT" is exactly 600 bytes: 12 header + 21 question + 12 + 555 record.
  { name: 'big', type: 'TXT' as const, value: 'k'.repeat(552) },
];

export interface DnsScenarioOptions {
  dns?: FlowInput['dns'];
  flow?: Partial<FlowInput>;
  server?: Record<string, unknown>;
  records?: typeof ZONE_RECORDS;
  playerRouter?: boolean;
  durationMs?: number;
  extraNodes?: NodeInput[];
  extraLinks?: Input['links'];
  extraFlows?: FlowInput[];
  faults?: Input['faults'];
  seed?: number;
}

/** pc (10.0.0.1) — r (10.0.0.2) — ns1 (10.0.0.3, dns), 10 Mbit/s and 5 ms each way per link. */
export function dnsScenario(o: DnsScenarioOptions = {}): Input {
  return {
    seed: o.seed ?? 1,
    durationMs: o.durationMs ?? 10_000,
    nodes: [
      { id: 'pc', kind: 'host' },
      o.playerRouter ? { id: 'r', kind: 'router', controller: 'player', queuePackets: 200 } : { id: 'r', kind: 'router' },
      { id: 'ns1', kind: 'dns', zones: [{ origin: 'example.com', ttl: 3600, records: o.records ?? ZONE_RECORDS }], ...o.server } as NodeInput,
      ...(o.extraNodes ?? []),
    ],
    links: [
      { id: 'l1', a: 'pc', b: 'r', bandwidthBps: 10_000_000, delayMs: 5 },
      { id: 'l2', a: 'r', b: 'ns1', bandwidthBps: 10_000_000, delayMs: 5 },
      ...(o.extraLinks ?? []),
    ],
    flows: [
      { id: 'q', from: 'pc', to: 'ns1', transport: 'udp', app: 'dns', dns: o.dns ?? { queries: ['www.example.com'] }, ...o.flow } as FlowInput,
      ...(o.extraFlows ?? []),
    ],
    faults: o.faults ?? [],
  };
}

/** The `dns` events, each reduced to the fields named. */
export function pick(events: TraceEvent[], ...fields: string[]): Array<Record<string, unknown>> {
  return events.filter((e) => e.type === 'dns').map((e) => Object.fromEntries(fields.filter((f) => f in e).map((f) => [f, e[f]])));
}

/** Subscribe so that every frame put on a link is opened by the packet inspector while it is still there. */
export function captureFrames(engine: Engine, types: string[], events: TraceEvent[], frames: Map<number, InspectedPacket>): void {
  engine.subscribe(['tx', ...types] as never, (e) => {
    if (e.type === 'tx') {
      const seen = engine.inspect(e.packet as number);
      if (seen !== undefined && !frames.has(seen.id)) frames.set(seen.id, seen);
    }
    events.push(e);
  });
}

export function field(p: InspectedPacket, protocol: string, name: string): unknown {
  return p.layers.find((l) => l.protocol === protocol)?.fields.find((f) => f.name === name)?.value;
}
