import { describe, expect, test } from 'vitest';
import { fileSlug, LocalSource } from '../../client/solo/local-source.ts';
import { sandboxLibrary, SANDBOX_IDS } from '../../client/solo/sandbox-scenarios.ts';
import { summarize } from '../../client/scenes/end-summary.ts';
import { Engine } from '../../shared/protocols/engine.ts';
import type { Router } from '../../shared/protocols/net/router.ts';

describe('sandbox', () => {
  test('every sandbox scenario loads with this engine', () => {
    expect(sandboxLibrary().map((s) => s.id)).toEqual(SANDBOX_IDS);
  });

  test("no sandbox scenario's handshake times out for nothing: a SYN or SYN-ACK is sent again only where something is lost", () => {
    // Long round trips (the default scenario's is 1.6 s) outlast RFC 6298's first RTO of 1 s unless
    // the flow starts with a longer one; with bots in every role, none of these scenarios loses a handshake
    // segment in its first minute.
    const again: string[] = [];
    for (const s of sandboxLibrary()) {
      // Bots in every player's place (a person deciding slowly is a cause of its own).
      const scenario = structuredClone(s.scenario);
      for (const n of scenario.nodes) if (n.controller === 'player') n.controller = 'bot';
      const engine = new Engine(scenario);
      engine.sim.trace.subscribe(['send'], (e) => {
        if (String(e.flags).includes('SYN') && e.retransmit === true) again.push(`${s.id}: ${String(e.flow)} ${String(e.flags)} at ${e.t} ms`);
      });
      engine.runUntilMs(Math.min(engine.durationMs, 60_000));
    }
    expect(again).toEqual([]);
  });

  test('each one runs its first seconds in the page, with packets on the links', () => {
    for (const s of sandboxLibrary()) {
      const source = new LocalSource(s.scenario, { mode: 'sandbox', role: { role: 'host', node: null, flows: [] }, speed: s.speed });
      let tx = 0;
      source.world.on((e) => {
        if (e.type === 'tx') tx++;
      });
      source.advance(Math.min(2000, s.scenario.durationMs));
      expect(tx, s.id).toBeGreaterThan(0);
    }
  });

  test("the DNS scenario's resolver steps reach the page, so the captions can tell them", () => {
    const dns = sandboxLibrary().find((s) => s.id === 't13-dns')!;
    const source = new LocalSource(dns.scenario, { mode: 'sandbox', role: { role: 'host', node: null, flows: [] }, speed: 1 });
    const seen: string[] = [];
    source.world.on((e) => {
      if (e.type === 'dns' && e.side === 'client' && e.node === 'browser') seen.push(`${e.action} ${e.name}${e.reason === undefined ? '' : ` ${e.reason}`}`);
    });
    source.advance(dns.scenario.durationMs);
    expect(seen).toEqual([
      'query www.shop.example.', 'response www.shop.example.',
      'query img.shop.example.', 'response img.shop.example.', 'tcp-fallback img.shop.example. truncated', 'query img.shop.example.', 'response img.shop.example.',
      'query shop.example.', 'response shop.example.', 'tcp-fallback shop.example. truncated', 'query shop.example.', 'response shop.example.',
    ]);
  });

  test("the flow panel and the end screen count a resolver's lookups answered, as the engine does", () => {
    const dns = sandboxLibrary().find((s) => s.id === 't13-dns')!;
    const source = new LocalSource(dns.scenario, { mode: 'sandbox', role: { role: 'host', node: null, flows: [] }, speed: 1 });
    // Under way: the counts follow the engine's.
    source.advance(100);
    const browser = source.engine.flows.get('browser-dns')!.summary();
    expect([source.world.history('browser-dns').answered, browser.answered]).toEqual([1, 1]);
    source.advance(dns.scenario.durationMs);
    expect(source.isEnded).toBe(true);
    const outcomes = summarize(source.world, { reason: 'finished' }).flows.map((f) => [f.id, f.app, f.answered, f.unanswered]);
    const engine = Object.entries(source.engine.summary().flows).map(([id, f]) => [id, 'dns', f.answered, f.failed]);
    expect(outcomes).toEqual(engine);
    expect(outcomes.find((o) => o[0] === 'browser-dns')).toEqual(['browser-dns', 'dns', 3, 0]);
  });

  test('the sandbox player can take a load balancer or a tap', async () => {
    const lib = sandboxLibrary();
    const manual = lib.find((s) => s.id === 't16-manual')!;
    const source = new LocalSource(manual.scenario, { mode: 'sandbox', role: { role: 'host', node: null, flows: [] }, speed: 1, library: lib, scenarioId: manual.id });
    expect(await source.host.assignRole('me', 'loadbalancer', 'lb')).toEqual({ ok: true });
    expect(source.me()).toEqual({ role: 'loadbalancer', node: 'lb', flows: [] });
    source.advance(500);
    expect(source.world.balancers.get('lb')?.algorithm).toBe('manual');
    const https = lib.find((s) => s.id === 't01-http-plaintext')!;
    expect(source.host.currentScenario()).toBe('t16-manual');
    expect(await source.host.loadScenario(https.id)).toEqual({ ok: true });
    expect(source.host.currentScenario()).toBe('t01-http-plaintext');
    source.advance(1500);
    const frames = [...source.world.taps.values()].flat();
    expect(frames.length).toBeGreaterThan(0);
    // Over plain HTTP the password crosses the tap as readable text.
    expect(frames.some((f) => f.previewFormat === 'text' && /password/i.test(f.preview ?? ''))).toBe(true);
  });
  test("the sandbox runs a scenario file of the player's own; a mistake in one is named and changes nothing", async () => {
    const lib = sandboxLibrary();
    const first = lib[0]!;
    const source = new LocalSource(first.scenario, { mode: 'sandbox', role: { role: 'host', node: null, flows: [] }, speed: 1, library: lib, scenarioId: first.id });
    const before = source.world.scenarioName;
    const mine = { name: 'my two hosts', durationMs: 2000, nodes: [{ id: 'a', kind: 'host' }, { id: 'b', kind: 'host' }], links: [{ id: 'l', a: 'a', b: 'b', bandwidthBps: 1_000_000, delayMs: 5 }], flows: [{ id: 'f', from: 'a', to: 'b', transport: 'tcp', bytes: 5000 }] };
    expect(await source.host.loadScenario({ ...mine, links: [{ ...mine.links[0], delayMs: -1 }] })).toEqual({ ok: false, reason: 'links[0].delayMs: must not be negative' });
    expect([source.world.scenarioName, source.host.currentScenario()]).toEqual([before, first.id]);
    expect(await source.host.loadScenario(mine)).toEqual({ ok: true });
    expect([source.world.scenarioName, source.host.currentScenario(), [...source.world.nodes.keys()]]).toEqual(['my two hosts', 'file', ['a', 'b']]);
    source.advance(2000);
    expect(source.world.history('f').delivered).toBe(5000);
  });

  test('a sender picks the congestion control and ARQ mode its transfer offers, then starts it', async () => {
    const modes = sandboxLibrary().find((s) => s.id === 'modes')!;
    const source = new LocalSource(modes.scenario, { mode: 'sandbox', role: { role: 'host', node: null, flows: [] }, speed: 1 });
    const yours = source.world.flows.get('yours')!;
    expect(yours.choices).toEqual({ cc: ['aimd', 'tahoe', 'reno', 'newreno'], arq: ['tcp', 'stop-and-wait', 'go-back-n', 'selective-repeat'], windowSegments: 8 });
    expect(source.world.flows.get('newreno')!.choices).toEqual({ cc: [], arq: [], windowSegments: 4 });
    expect(await source.startFlow('newreno', { cc: 'tahoe' })).toEqual({ ok: false, reason: 'flow newreno does not offer congestion control tahoe' });
    source.advance(1000);
    expect(yours.started).toBe(false);
    expect(await source.startFlow('yours', { arq: 'stop-and-wait' })).toEqual({ ok: true });
    expect([yours.started, yours.cc, yours.arq, yours.windowSegments]).toEqual([true, 'newreno', 'stop-and-wait', 1]);
    expect(await source.startFlow('yours', { cc: 'tahoe' })).toEqual({ ok: false, reason: 'flow yours already started', why: { code: 'flow-started', flow: 'yours' } });
    expect(await source.startFlow('newreno')).toEqual({ ok: false, reason: 'flow newreno already started', why: { code: 'flow-started', flow: 'newreno' } });
  });
});

describe('sandbox replay', () => {
  test('a run with a router played by hand, a fault and a seat handed back downloads as a file that plays it again exactly', async () => {
    const lib = sandboxLibrary();
    const classroom = lib.find((s) => s.id === 'classroom')!;
    const host = { role: 'host' as const, node: null, flows: [] };
    const live = new LocalSource(classroom.scenario, { mode: 'sandbox', role: host, speed: 1, library: lib, name: classroom.name, scenarioId: 'classroom', source: classroom.source });
    expect(await live.host.replay()).toBeNull(); // nothing has run yet
    expect(await live.host.assignRole('me', 'router', 'router')).toEqual({ ok: true });
    for (let t = 0; t < 300; t++) {
      live.advance(40);
      // Forward what waits the way the routing table would; drop every fifth packet.
      for (const p of live.engine.waitingAt('router')) {
        const link = p.id % 5 === 0 ? undefined : (live.engine.network.nodes.get('router') as Router).routes.get(p.ip.dst)!.iface.link.id;
        expect((await live.router(link === undefined ? { action: 'drop', node: 'router', packet: p.id } : { action: 'forward', node: 'router', packet: p.id, link })).ok).toBe(true);
      }
      if (t === 100) expect(await live.host.fault({ kind: 'link-loss', link: 'uplink', loss: 0.2 })).toEqual({ ok: true });
      if (t === 200) expect(await live.host.assignRole('me', 'host', null)).toEqual({ ok: true });
    }
    const file = await live.host.replay();
    expect(file!.name).toBe('packetplay-replay-Classroom-an-upload-and-a-voice-call-sha.json');
    expect(['교실: 업로드와 음성 통화가 라우터 하나를 나눠 씀', '***', 'a / b'].map(fileSlug)).toEqual(['교실-업로드와-음성-통화가-라우터-하나를-나눠-씀', 'session', 'a-b']);
    const parsed = JSON.parse(file!.body) as { name: string; durationMs: number; commands: Array<{ action: string; atMs: number }> };
    expect([parsed.name, parsed.durationMs]).toEqual([classroom.name, 12_000]);
    expect(new Set(parsed.commands.map((c) => c.action))).toEqual(new Set(['controller', 'forward', 'drop', 'fault']));

    // Opened with "Load a file…" in another sandbox, it runs to the same end, packet for packet.
    const again = new LocalSource(lib[1]!.scenario, { mode: 'sandbox', role: host, speed: 1, library: lib });
    expect(await again.host.loadScenario(parsed as unknown as Record<string, unknown>)).toEqual({ ok: true });
    again.advance(parsed.durationMs);
    expect(again.engine.nowMs).toBe(12_000);
    expect(JSON.stringify(again.engine.summary())).toBe(JSON.stringify(live.engine.summary()));
    expect(live.engine.summary().drops.player).toBeGreaterThan(0);
    // And a replay of the replay is the same file.
    expect(JSON.parse((await again.host.replay())!.body)).toEqual(parsed);

    // Taking the router halfway hands the run over: the rest of the recorded commands are dropped
    // (their packet ids would name other packets now), once, with a word to the player.
    const told: string[] = [];
    const mine = new LocalSource(lib[1]!.scenario, { mode: 'sandbox', role: host, speed: 1, library: lib, notify: (n) => told.push(n.key) });
    expect(await mine.host.loadScenario(parsed as unknown as Record<string, unknown>)).toEqual({ ok: true });
    mine.advance(6000);
    const applied = mine.engine.commandLog.length;
    expect(applied).toBe(parsed.commands.filter((c) => c.atMs <= 6000).length);
    expect(await mine.host.assignRole('me', 'router', 'router')).toEqual({ ok: true });
    expect(await mine.host.assignRole('me', 'host', null)).toEqual({ ok: true });
    mine.advance(6000);
    expect(told).toEqual(['sandbox.replayHandedOver']);
    expect(mine.engine.commandLog.length).toBe(applied + 2); // the two seat changes, nothing recorded

    // A file recorded by an engine that ran it otherwise (its record of the end differs) says so at
    // that instant, once, even after a jump back; the file as downloaded runs as recorded and says nothing.
    const recorded = (parsed as unknown as { recorded: { atMs: number; events: number } }).recorded;
    expect(recorded.atMs).toBe(12_000);
    const notices: Array<{ key: string; params?: Record<string, unknown>; tone: string }> = [];
    const open = async (file: Record<string, unknown>) => {
      const s = new LocalSource(lib[1]!.scenario, { mode: 'sandbox', role: host, speed: 1, library: lib, notify: (n) => notices.push(n) });
      expect(await s.host.loadScenario(file)).toEqual({ ok: true });
      return s;
    };
    const same = await open(parsed as unknown as Record<string, unknown>);
    same.advance(12_000);
    expect([same.engine.replayVerdict.state, notices]).toEqual(['same', []]);
    // (Made to run on past the recorded instant, so that the jumps after it still run the engine.)
    const other = await open({ ...parsed, durationMs: 15_000, recorded: { ...recorded, events: recorded.events + 1 } });
    other.advance(11_999);
    expect(notices).toEqual([]);
    other.host.jumpTo!(5000); // back before the instant: the check is still to come
    other.host.jumpTo!(13_000);
    const differs = { key: 'sandbox.replayDiffers', tone: 'bad', params: { time: '12.0', recorded: (recorded.events + 1).toLocaleString('en-US'), events: recorded.events.toLocaleString('en-US') } };
    expect(notices).toEqual([differs]);
    other.host.jumpTo!(4000);
    other.host.jumpTo!(14_000);
    expect([other.engine.nowMs, notices]).toEqual([14_000, [differs]]);
  });
});

describe('sandbox jumps in time', () => {
  test('back is the same run played again to that instant, forward runs there at once, both without captions', async () => {
    const lib = sandboxLibrary();
    const classroom = lib.find((s) => s.id === 'classroom')!;
    const host = { role: 'host' as const, node: null, flows: [] };
    const src = new LocalSource(classroom.scenario, { mode: 'sandbox', role: host, speed: 1, library: lib, name: classroom.name, source: classroom.source });
    let told = 0;
    src.world.on(() => told++);
    expect(await src.host.assignRole('me', 'router', 'router')).toEqual({ ok: true });
    const summaries = new Map<number, string>();
    for (let t = 0; t < 250; t++) {
      src.advance(40);
      for (const p of src.engine.waitingAt('router')) {
        const link = (src.engine.network.nodes.get('router') as Router).routes.get(p.ip.dst)!.iface.link.id;
        expect((await src.router(p.id % 6 === 0 ? { action: 'drop', node: 'router', packet: p.id } : { action: 'forward', node: 'router', packet: p.id, link })).ok).toBe(true);
      }
      if (src.engine.nowMs % 1000 === 0) summaries.set(src.engine.nowMs, JSON.stringify(src.engine.summary()));
    }
    expect(src.engine.nowMs).toBe(10_000);
    const roles: string[] = [];
    src.onRoleChange((r) => roles.push(r.role));
    const before = told;
    // Back 4 s: the same run to 6 s (the player's drops and forwards included); the player now watches.
    src.host.jumpTo!(6000);
    expect(src.engine.nowMs).toBe(6000);
    expect(JSON.stringify(src.engine.summary())).toBe(summaries.get(6000));
    expect([roles, src.me().role, told]).toEqual([['host'], 'host', before]);
    // Forward: the recorded commands run again, so 9 s is as it was the first time.
    src.host.jumpTo!(9000);
    expect(JSON.stringify(src.engine.summary())).toBe(summaries.get(9000));
    // Past where the jump was made (10 s) nothing is recorded: the router is its bot's again.
    src.host.jumpTo!(20_000);
    expect(src.engine.commandLog.at(-1)).toEqual({ action: 'controller', node: 'router', controller: 'bot', atMs: 10_000 });
    expect(src.engine.waitingAt('router')).toEqual([]);
    expect(told).toBe(before);
    // The run goes on from there with the picture told again.
    src.advance(500);
    expect(told).toBeGreaterThan(before);
  });
});
