import { describe, expect, it } from 'vitest';
import { loadScenario, loadScenarioText } from '../../shared/scenario/load.ts';
import { readdirSync, readFileSync } from 'node:fs';

const base = () => ({
  durationMs: 1000,
  nodes: [
    { id: 'a', kind: 'host' },
    { id: 'r', kind: 'router' },
    { id: 'b', kind: 'host' },
  ],
  links: [
    { id: 'l1', a: 'a', b: 'r', bandwidthBps: 1e6, delayMs: 5 },
    { id: 'l2', a: 'r', b: 'b', bandwidthBps: 1e6, delayMs: 5 },
  ],
  flows: [{ id: 'f', from: 'a', to: 'b', transport: 'tcp' }],
});

function errorsOf(input: unknown): string[] {
  const r = loadScenario(input);
  if (r.ok) throw new Error('expected the scenario to be rejected');
  return r.errors;
}

describe('scenario validation names the field at fault', () => {
  it('accepts a minimal scenario and fills in the defaults', () => {
    const r = loadScenario(base());
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.scenario.seed).toBe(1);
    expect(r.scenario.links[0]).toMatchObject({ queuePackets: 100, loss: { 'a->r': 0, 'r->a': 0 } });
    expect(r.scenario.flows[0]).toMatchObject({ app: 'bulk', cc: 'newreno', arq: 'tcp', mss: 1460, port: 5001, clientPort: 49152, bytes: null });
  });

  it.each([
    [{ durationMs: -5 }, 'durationMs: must be greater than 0'],
    [{ durationMs: 'soon' }, 'durationMs: Invalid input: expected number, received string'],
    [{ nodes: [] }, 'nodes: needs at least one node'],
    [{ seed: 1.5 }, 'seed: must be a whole number'],
    [{ extra: true }, '(scenario): Unrecognized key: "extra"'],
  ])('top level %j', (patch, message) => {
    expect(errorsOf({ ...base(), ...patch })).toContain(message);
  });

  it('reports the index and field inside arrays', () => {
    const s = base();
    (s.links[1] as Record<string, unknown>).bandwidthBps = 0;
    (s.links[0] as Record<string, unknown>).loss = 1.5;
    const errors = errorsOf(s);
    expect(errors).toContain('links[1].bandwidthBps: must be greater than 0');
    expect(errors.some((e) => e.startsWith('links[0].loss'))).toBe(true);
  });

  it('checks references between nodes, links, flows, faults and commands', () => {
    const s = base() as Record<string, unknown> & ReturnType<typeof base>;
    s.links[1]!.b = 'nowhere';
    s.flows.push({ id: 'g', from: 'a', to: 'r', transport: 'tcp' });
    (s as Record<string, unknown>).faults = [{ kind: 'link-down', link: 'l9', atMs: 10 }];
    (s as Record<string, unknown>).commands = [{ action: 'drop', atMs: 1, node: 'r', packet: 3 }];
    expect(errorsOf(s)).toEqual([
      'links[1].b: no node with id "nowhere"',
      'flows[1].to: "r" is a router; flows run between hosts, servers',
      'faults[0].link: no link with id "l9"',
      'commands[0].node: "r" is not a player-controlled router',
    ]);
  });

  it("checks a replay's host faults and seat changes as it checks the file's own", () => {
    const s = base() as Record<string, unknown> & ReturnType<typeof base>;
    (s as Record<string, unknown>).commands = [
      { action: 'fault', atMs: 5, fault: { kind: 'link-down', link: 'l9', atMs: 5, untilMs: null } },
      { action: 'fault', atMs: 6, fault: { kind: 'node-down', node: 'r', atMs: 6, untilMs: 2 } },
      { action: 'controller', atMs: 7, node: 'a', controller: 'player' },
    ];
    expect(errorsOf({ ...s, commands: [{ action: 'controller', atMs: 8, node: 'r', controller: 'robot' }] })).toEqual([
      'commands[0].controller: Invalid option: expected one of "bot"|"player"',
    ]);
    expect(errorsOf(s)).toEqual([
      'commands[0].fault.link: no link with id "l9"',
      'commands[1].fault.untilMs: must not be before atMs',
      'commands[2].node: "a" is not a router or loadbalancer',
    ]);
    // A router a person takes over takes router commands, though the file leaves it to its bot.
    (s as Record<string, unknown>).commands = [
      { action: 'controller', atMs: 7, node: 'r', controller: 'player' },
      { action: 'drop', atMs: 9, node: 'r', packet: 3 },
    ];
    expect(loadScenario(s).ok).toBe(true);
  });

  it('rejects per-direction loss keyed by a direction the link does not have', () => {
    const s = base();
    (s.links[0] as Record<string, unknown>).loss = { 'a->b': 0.1 };
    expect(errorsOf(s)).toEqual(['links[0].loss: direction "a->b" is not "a->r" or "r->a"']);
  });

  it('rejects duplicate ids and transport/application mismatches', () => {
    const s = base();
    s.nodes.push({ id: 'a', kind: 'host' });
    s.flows.push({ id: 'f', from: 'b', to: 'a', transport: 'udp', app: 'bulk' } as never);
    const errors = errorsOf(s);
    expect(errors).toContain('nodes[3].id: "a" is used by another node');
    expect(errors).toContain('flows[1].id: "f" is used by another flow');
    expect(errors).toContain('flows[1].app: "bulk" runs over TCP');
  });

  it('explains malformed JSON without a stack trace', () => {
    const r = loadScenarioText('{"durationMs": 10,');
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]).toMatch(/^not valid JSON: /);
    expect(r.errors[0]).not.toMatch(/\n\s+at /);
  });

  it('every example scenario in scenarios/ is valid', () => {
    const dir = new URL('../../scenarios/', import.meta.url);
    const files = readdirSync(dir, { recursive: true }).map(String).filter((f) => f.endsWith('.json'));
    expect(files.length).toBeGreaterThan(2);
    for (const f of files) {
      const r = loadScenarioText(readFileSync(new URL(f, dir), 'utf8'));
      expect(r.ok ? 'valid' : `${f}: ${r.errors.join('; ')}`).toBe('valid');
    }
  });
});
