// A sender starts its flow in a mode the scenario offers (`choices`), stops it; a receiver sets its
// read rate. These are commands like a router's: checked, traced, logged, and replayed exactly.

import { describe, expect, it } from 'vitest';
import { Engine } from '../../shared/protocols/engine.ts';
import type { TraceEvent } from '../../shared/protocols/sim/trace.ts';
import { loadScenario } from '../../shared/scenario/load.ts';
import type { ScenarioInput } from '../../shared/scenario/schema.ts';
import { build, pair } from './helpers.ts';

const MSS = 1000;
const path = pair({ bandwidthBps: 100e6, delayMs: 10, queuePackets: 1000 });

function scenario(extra: object = {}): ScenarioInput {
  return {
    durationMs: 3000,
    ...path,
    flows: [
      {
        id: 'f',
        from: 'a',
        to: 'b',
        transport: 'tcp',
        mss: MSS,
        bytes: 150 * MSS,
        cc: 'reno',
        initialSsthreshSegments: 16,
        autoStart: false,
        choices: { cc: ['reno', 'tahoe'], arq: ['tcp', 'go-back-n'] },
        ...extra,
      },
    ],
    faults: [{ kind: 'drop-segment', flow: 'f', segment: 60 }],
  };
}

function traced(engine: Engine): TraceEvent[] {
  const events: TraceEvent[] = [];
  engine.subscribe(['cwnd', 'command', 'send'], (e) => events.push(e));
  return events;
}

describe('choosing a flow mode at the start', () => {
  it('runs the chosen congestion control: Tahoe falls to one segment on three duplicate ACKs where Reno halves', () => {
    const cwndAfterFastRetransmit = (cc?: 'tahoe') => {
      const engine = build(scenario());
      const events = traced(engine);
      engine.runUntilMs(100);
      expect(engine.startFlow('f', cc === undefined ? {} : { cc })).toEqual({ ok: true });
      engine.runUntilMs(3000);
      expect(engine.summary().flows.f).toMatchObject({ fastRetransmits: 1, completed: true, deliveredBytes: 150 * MSS });
      return events.find((e) => e.type === 'cwnd' && e.reason === 'fast-retransmit')!;
    };
    expect(cwndAfterFastRetransmit('tahoe').cwnd).toBe(MSS);
    const reno = cwndAfterFastRetransmit();
    expect(reno.cwnd).toBe((reno.ssthresh as number) + 3 * MSS);
  });

  it('runs the chosen ARQ mode: Go-Back-N resends the whole window behind a loss', () => {
    const engine = build(scenario({ windowSegments: 4, bytes: 20 * MSS }));
    const events = traced(engine);
    expect(engine.startFlow('f', { arq: 'go-back-n' })).toEqual({ ok: true });
    engine.runUntilMs(3000);
    const resent = events.filter((e) => e.type === 'send' && e.retransmit === true);
    // Segment 60 does not exist in 20; nothing is lost, nothing resent, at most 4 segments in flight.
    expect(resent).toEqual([]);
    expect(engine.summary().flows.f).toMatchObject({ completed: true, deliveredBytes: 20 * MSS });
    const lossy = build({ ...scenario({ windowSegments: 4, bytes: 20 * MSS }), faults: [{ kind: 'drop-segment', flow: 'f', segment: 5 }] });
    const lossyEvents = traced(lossy);
    lossy.startFlow('f', { arq: 'go-back-n' });
    lossy.runUntilMs(3000);
    const seqs = lossyEvents.filter((e) => e.type === 'send' && e.retransmit === true).map((e) => e.seq as number);
    const data = lossyEvents.filter((e) => e.type === 'send' && e.len === MSS);
    const fifth = data[4]!.seq as number;
    expect(seqs).toEqual([fifth, fifth + MSS, fifth + 2 * MSS, fifth + 3 * MSS]);
  });

  it('refuses a mode the scenario does not offer, a second start, and the wrong node; nothing starts or is logged', () => {
    const engine = build(scenario());
    const events = traced(engine);
    expect(engine.startFlow('f', { cc: 'newreno' })).toEqual({ ok: false, reason: 'flow f does not offer congestion control newreno' });
    expect(engine.startFlow('f', { arq: 'selective-repeat' })).toEqual({ ok: false, reason: 'flow f does not offer ARQ mode selective-repeat' });
    expect(engine.startFlow('nope')).toEqual({ ok: false, reason: 'no flow nope' });
    expect(engine.flows.get('f')!.started).toBe(false);
    expect(engine.commandLog).toEqual([]);
    expect(engine.startFlow('f', { cc: 'tahoe' })).toEqual({ ok: true });
    expect(engine.startFlow('f', { cc: 'reno' })).toEqual({ ok: false, reason: 'flow f already started', why: { code: 'flow-started', flow: 'f' } });
    expect(engine.commandLog).toEqual([{ action: 'start-flow', node: 'a', flow: 'f', cc: 'tahoe', atMs: 0 }]);
    expect(events.filter((e) => e.type === 'command').map((e) => [e.action, e.cc ?? null, e.arq ?? null, e.ok])).toEqual([
      ['start-flow', 'newreno', null, false],
      ['start-flow', null, 'selective-repeat', false],
      ['start-flow', null, null, false],
      ['start-flow', 'tahoe', null, true],
      ['start-flow', 'reno', null, false],
    ]);
  });

  it('a fixed flow keeps its modes', () => {
    const engine = build(scenario({ choices: undefined }));
    expect(engine.startFlow('f', { cc: 'tahoe' })).toEqual({ ok: false, reason: 'flow f does not offer congestion control tahoe' });
    expect(engine.startFlow('f', { cc: 'reno' })).toEqual({ ok: true });
  });
});

describe('flow commands replay', () => {
  it('gives the identical trace when the logged start, read-rate and stop are replayed from the scenario', () => {
    const input = scenario({ bytes: null, readRateBps: 400_000, rwndBytes: 16_000 });
    const live = build(input);
    const liveTrace: string[] = [];
    live.subscribe(['cwnd', 'send', 'ack', 'window', 'command', 'state'], (e) => liveTrace.push(JSON.stringify(e)));
    live.runUntilMs(250);
    expect(live.startFlow('f', { cc: 'tahoe', arq: 'go-back-n' })).toEqual({ ok: true });
    live.runUntilMs(900);
    expect(live.setReadRate('f', 2_000_000)).toEqual({ ok: true });
    live.runUntilMs(1700);
    expect(live.stopFlow('f')).toEqual({ ok: true });
    live.runUntilMs(3000);
    expect(live.commandLog).toEqual([
      { action: 'start-flow', node: 'a', flow: 'f', cc: 'tahoe', arq: 'go-back-n', atMs: 250 },
      { action: 'read-rate', node: 'b', flow: 'f', rateBps: 2_000_000, atMs: 900 },
      { action: 'stop-flow', node: 'a', flow: 'f', atMs: 1700 },
    ]);

    const loaded = loadScenario({ ...input, commands: live.commandLog });
    if (!loaded.ok) throw new Error(loaded.errors.join('\n'));
    const replay = new Engine(loaded.scenario);
    const replayTrace: string[] = [];
    replay.subscribe(['cwnd', 'send', 'ack', 'window', 'command', 'state'], (e) => replayTrace.push(JSON.stringify(e)));
    replay.run();
    expect(replayTrace.length).toBeGreaterThan(200);
    expect(replayTrace).toEqual(liveTrace);
  });
});

describe('flow choices and commands in a scenario file', () => {
  const errorsOf = (input: ScenarioInput) => {
    const r = loadScenario(input);
    return r.ok ? [] : r.errors;
  };

  it('names the field of every mistake', () => {
    expect(errorsOf(scenario({ cc: 'newreno' }))).toEqual(['flows[0].cc: "newreno" is not among choices.cc (reno, tahoe)']);
    expect(errorsOf(scenario({ choices: { cc: ['reno', 'reno'] } }))).toEqual(['flows[0].choices.cc: lists a mode twice']);
    expect(
      errorsOf({ durationMs: 1000, ...path, flows: [{ id: 'v', from: 'a', to: 'b', transport: 'udp', app: 'cbr', choices: { cc: ['reno'] } }] }),
    ).toEqual(['flows[0].choices: only bulk TCP transfers offer a choice of modes, not "cbr"']);
    expect(
      errorsOf({
        ...scenario(),
        commands: [
          { action: 'start-flow', atMs: 10, node: 'b', flow: 'f' },
          { action: 'start-flow', atMs: 10, node: 'a', flow: 'f', cc: 'aimd' },
          { action: 'read-rate', atMs: 10, node: 'a', flow: 'f', rateBps: 1000 },
          { action: 'stop-flow', atMs: 10, node: 'a', flow: 'g' },
        ],
      }),
    ).toEqual([
      'commands[0].node: "start-flow" for flow "f" is given at its sender "a", not "b"',
      'commands[1].cc: flow "f" does not offer "aimd"',
      'commands[2].node: "read-rate" for flow "f" is given at its receiver "b", not "a"',
      'commands[3].flow: no flow with id "g"',
    ]);
  });
});
