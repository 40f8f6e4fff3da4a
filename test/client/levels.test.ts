// The solo levels are winnable, losable, and judged on the engine's facts: each is played here by a
// scripted player through the same intents the HUD sends.

import { describe, expect, test } from 'vitest';
import { BalancerRole } from '../../client/model/balancer-role.ts';
import { RouterRole } from '../../client/model/router-role.ts';
import { LevelRun, type LevelResult } from '../../client/solo/level-run.ts';
import { levelById, LEVELS, MANUAL_START_MS } from '../../client/solo/levels.ts';
import { loadScenario } from '../../shared/scenario/load.ts';
import { Engine } from '../../shared/protocols/engine.ts';
import { en } from '../../client/i18n/en.ts';
import { translate, type NestedMessage } from '../../client/i18n/index.ts';
import { captionContextOf, captionFor } from '../../client/model/captions.ts';
import { ko } from '../../client/i18n/ko.ts';

async function play(run: LevelRun, stepMs: number, each: (nowMs: number) => Promise<void> | void): Promise<LevelResult> {
  for (let guard = 0; guard < 10_000; guard++) {
    await each(run.source.engine.nowMs);
    run.source.advance(stepMs);
    const r = run.check();
    if (r !== null) return r;
  }
  throw new Error('level never ended');
}

describe('solo levels', () => {
  test('every level scenario is valid and its role is in it', () => {
    for (const level of LEVELS) {
      const loaded = loadScenario(level.scenario);
      expect(loaded.ok, level.id).toBe(true);
      if (!loaded.ok) continue;
      if (level.role.node !== null) expect(loaded.scenario.nodes.some((n) => n.id === level.role.node)).toBe(true);
      for (const f of level.role.flows) expect(loaded.scenario.flows.some((x) => x.id === f)).toBe(true);
    }
  });

  test("every level's texts exist in both languages: its topics, its role, its lesson", () => {
    for (const level of LEVELS) {
      const keys = [...level.topics.map((x) => `topic.${x}`), `role.${level.role.role}`, `lesson.${level.id}`, `hint.${level.id}`, level.title, level.brief, level.objective, ...level.stars];
      for (const k of keys) {
        expect(k in en, `${level.id}: ${k} (en)`).toBe(true);
        expect(k in ko, `${level.id}: ${k} (ko)`).toBe(true);
      }
    }
  });

  test("a level's time stands still until the player starts it, then runs at the level's speed", () => {
    const level = levelById('router-dns')!;
    const run = new LevelRun(level);
    expect(run.hasBegun).toBe(false);
    // A student reading the briefing for a minute of frames: nothing happens, nothing is decided.
    for (let i = 0; i < 3600; i++) run.source.tick(16);
    expect(run.source.engine.nowMs).toBe(0);
    expect(run.source.world.paused).toBe(true);
    expect(run.check()).toBeNull();
    run.begin();
    expect(run.hasBegun).toBe(true);
    expect(run.source.world.paused).toBe(false);
    run.source.tick(40);
    expect(run.source.engine.nowMs).toBe(40 * level.speed);
    // Starting twice changes nothing, and a pause by the player holds after it.
    run.source.host.pause();
    run.begin();
    expect(run.source.world.paused).toBe(true);
  });

  test('level 1: sending the server-bound traffic the long way wins all three stars', async () => {
    const run = new LevelRun(levelById('router-lossy')!);
    const role = new RouterRole(run.source, 'router');
    role.autoForward = true;
    role.preferred.set('short', 'long');
    const r = await play(run, 50, () => role.tick());
    expect(r.passed).toBe(true);
    expect(r.bonus).toEqual([true, true]);
    expect(r.stars).toBe(3);
    expect(r.simMs).toBeLessThan(18_000);
  });

  test('with bots in every role, a level sends a SYN or SYN-ACK again only where its lesson loses one', () => {
    // A round trip longer than RFC 6298's first RTO of 1 s makes the handshake time out for nothing
    // unless the flow starts with a longer one; a flow started by hand is started here at 1 s.
    const again: Record<string, string[]> = {};
    for (const level of LEVELS) {
      const scenario = structuredClone(level.scenario);
      for (const n of scenario.nodes ?? []) if (n.controller === 'player') n.controller = 'bot';
      for (const f of scenario.flows ?? []) if (f.startMs === MANUAL_START_MS) f.startMs = 1000;
      const loaded = loadScenario(scenario);
      if (!loaded.ok) throw new Error(loaded.errors.join('; '));
      const engine = new Engine(loaded.scenario);
      const flows = new Set<string>();
      engine.sim.trace.subscribe(['send'], (e) => {
        if (String(e.flags).includes('SYN') && e.retransmit === true) flows.add(String(e.flow));
      });
      engine.runUntilMs(Math.min(engine.durationMs, 60_000));
      if (flows.size > 0) again[level.id] = [...flows].sort();
    }
    expect(again).toEqual({
      // lb1 dies with a connection's handshake under way; lb2 answers the SYN sent again.
      'lb-failover': ['d4'],
      // Bob's cable is unplugged and Carol's replies die of TTL: their SYNs go unanswered.
      'osi-layers': ['bob-notes', 'carol-notes'],
    });
  });

  test('level 1: a router that forwards at once never makes the handshake time out', async () => {
    // Its round trip (1.2 s the short way, 2 s the long way) outlasts RFC 6298's first RTO of 1 s: a
    // SYN sent again there would tell the student their routing lost it.
    for (const way of ['short', 'long']) {
      const run = new LevelRun(levelById('router-lossy')!);
      const handshake: string[] = [];
      run.source.tapTrace((e) => {
        if (e.type === 'send' && String(e.flags).includes('SYN')) handshake.push(`${String(e.flags)}${e.retransmit === true ? ' again' : ''}`);
      });
      const role = new RouterRole(run.source, 'router');
      role.autoForward = true;
      if (way === 'long') role.preferred.set('short', 'long');
      run.begin();
      await play(run, 50, () => role.tick());
      expect(handshake, way).toEqual(['SYN', 'ACK|SYN']);
    }
  });

  test('level 1: leaving everything on the usual (lossy) route runs out of time', async () => {
    const run = new LevelRun(levelById('router-lossy')!);
    const role = new RouterRole(run.source, 'router');
    role.autoForward = true;
    const r = await play(run, 50, () => role.tick());
    expect(r.passed).toBe(false);
    expect(r.stars).toBe(0);
    expect(r.simMs).toBe(25_000);
    const lost = r.stats.find((s) => s.key === 'stat.lost')!;
    expect(Number(lost.params.n)).toBeGreaterThan(0);
  });

  test('level 1: a router that does nothing fills its queue and loses', async () => {
    const run = new LevelRun(levelById('router-lossy')!);
    const r = await play(run, 100, () => undefined);
    expect(r.passed).toBe(false);
    expect(run.source.world.queues.get('router')!.length).toBeGreaterThan(0);
  });

  test('level 2: the call over UDP plays on time, after trying TCP, for three stars', async () => {
    const run = new LevelRun(levelById('sender-video')!);
    const s = run.source;
    const r = await play(run, 100, async (now) => {
      if (now === 500) await s.startFlow('call-tcp');
      if (now === 6000) {
        await s.stopFlow('call-tcp');
        await s.startFlow('call-udp');
      }
    });
    expect(r.passed).toBe(true);
    expect(r.stars).toBe(3);
    expect(r.simMs).toBeLessThan(45_000);
  });

  test('level 2: a call over TCP alone never plays enough frames on time', async () => {
    const run = new LevelRun(levelById('sender-video')!);
    const r = await play(run, 100, async (now) => {
      if (now === 0) await run.source.startFlow('call-tcp');
    });
    expect(r.passed).toBe(false);
    expect(r.simMs).toBe(60_000);
  });

  test('level 3: reading slowly, then fast, passes with a zero window and a probe', async () => {
    const run = new LevelRun(levelById('receiver-flow')!);
    const s = run.source;
    const r = await play(run, 100, async (now) => {
      if (now === 1000) await s.setReadRate('file', 1000);
      if (now === 12_000) await s.setReadRate('file', null);
    });
    expect(r.passed).toBe(true);
    expect(run.trace.zeroWindowAtMs).not.toBeNull();
    expect(r.bonus[0]).toBe(true);
    expect(r.stats.find((x) => x.key === 'stat.zeroWindow')!.params).toEqual({ at: (run.trace.zeroWindowAtMs! / 1000).toFixed(1) });
  });

  test('level 3: reading at full speed finishes the file without a zero window: not passed', async () => {
    const run = new LevelRun(levelById('receiver-flow')!);
    const r = await play(run, 100, () => undefined);
    expect(r.passed).toBe(false);
    expect(run.trace.zeroWindowAtMs).toBeNull();
    // The result says there was none, not "- s".
    expect(r.stats.map((x) => x.key)).toEqual(['stat.delivered', 'stat.zeroWindowNever', 'stat.probes']);
    // Nothing is lost on this path, and the first RTO outlasts the one-second round trip: nothing is sent twice.
    expect(run.source.engine.summary().flows.file).toMatchObject({ retransmits: 0, timeouts: 0, deliveredBytes: 40_000 });
  });

  test('level 4: placing each connection on the least loaded backend with room, across the failover, wins all three stars', async () => {
    const run = new LevelRun(levelById('lb-failover')!);
    const role = new BalancerRole(run.source, 'lb1');
    const r = await play(run, 100, async () => {
      for (const w of role.waiting()) {
        const lb = role.balancers().find((b) => b.node === w.node)!;
        const free = lb.backends.filter((b) => b.up && b.open < b.capacity).sort((x, y) => x.open / x.capacity - y.open / y.capacity)[0];
        if (free !== undefined) await role.assign(w.node, w.connection, free.node);
      }
    });
    expect(r.passed).toBe(true);
    expect(r.stars).toBe(3);
    const failovers = r.stats.find((x) => x.key === 'stat.failovers')!;
    expect(failovers.params.n).toBe(1);
    // After the failover the new connections waited at lb2, and lb2 is the one holding the VIP;
    // lb1 is shown dead, not standing by.
    expect(role.active()?.node).toBe('lb2');
    expect(role.balancers().map((b) => [b.node, role.status(b)])).toEqual([
      ['lb1', 'down'],
      ['lb2', 'active'],
    ]);
  });

  test("level 4: captions name the backend that answers a connection, and the virtual IP its client dials, not the balancer", async () => {
    const run = new LevelRun(levelById('lb-failover')!);
    const role = new BalancerRole(run.source, 'lb1');
    const w = run.source.world;
    const said: string[] = [];
    w.on((e) => {
      const c = captionFor(e, captionContextOf(w));
      if (c === null) return;
      const p = c.params;
      if (c.key === 'cap.hs1') {
        const to = p.to as string | NestedMessage;
        said.push(`${p.from} → ${typeof to === 'string' ? to : translate('en', to.key, to.params)}`);
      }
      if (c.key === 'cap.hs2') said.push(`${p.from} SYN-ACK → ${p.to}`);
      if (c.key === 'cap.hs3') said.push(`${p.from} ESTABLISHED with ${p.to}`);
    });
    await play(run, 100, async () => {
      const w0 = role.waiting()[0];
      if (w0 === undefined) return;
      const lb = role.balancers().find((b) => b.node === w0.node)!;
      const free = lb.backends.filter((b) => b.up && b.open < b.capacity).sort((x, y) => x.open / x.capacity - y.open / y.capacity)[0];
      if (free !== undefined) await role.assign(w0.node, w0.connection, free.node);
    });
    // Before and after lb1 dies (at 9 s) alike: the balancers never answer a SYN themselves.
    expect(said.slice(0, 9)).toEqual([
      'c1 → the virtual IP 10.0.9.1',
      's1 SYN-ACK → c1',
      'c1 ESTABLISHED with s1',
      'c2 → the virtual IP 10.0.9.1',
      's2 SYN-ACK → c2',
      'c2 ESTABLISHED with s2',
      'c3 → the virtual IP 10.0.9.1',
      's3 SYN-ACK → c3',
      'c3 ESTABLISHED with s3',
    ]);
    expect(said.filter((x) => /lb[12]/.test(x))).toEqual([]);
    expect(said.filter((x) => x.includes('SYN-ACK')).length).toBe(8);
  });

  test('level 4: a balancer nobody plays leaves the connections to the bot, too late', async () => {
    const run = new LevelRun(levelById('lb-failover')!);
    const r = await play(run, 100, () => undefined);
    expect(r.passed).toBe(false);
    expect(r.simMs).toBe(30_000);
  });

  /** Level 5 played with one recovery mode, started at `startAtMs`. */
  async function playArq(arq: 'stop-and-wait' | 'go-back-n' | 'selective-repeat', startAtMs: number): Promise<LevelResult> {
    const run = new LevelRun(levelById('sender-arq')!);
    return play(run, 100, async (now) => {
      if (now === startAtMs) expect((await run.source.startFlow('file', { arq })).ok).toBe(true);
    });
  }
  const stat = (r: LevelResult, key: string) => r.stats.find((s) => s.key === key)!.params;

  test('level 5: Selective Repeat resends only what was lost and wins all three stars', async () => {
    const r = await playArq('selective-repeat', 500);
    expect(r.passed).toBe(true);
    expect(r.bonus).toEqual([true, true]);
    expect(stat(r, 'stat.transferTime')).toEqual({ s: '6.8' });
    expect(stat(r, 'stat.retransmits')).toEqual({ n: 4 });
    expect(r.simMs).toBe(7300);
  });

  test('level 5: Go-Back-N delivers in time but resends whole windows: one star', async () => {
    const r = await playArq('go-back-n', 500);
    expect(r.passed).toBe(true);
    expect(r.stars).toBe(1);
    expect(stat(r, 'stat.transferTime')).toEqual({ s: '12.6' });
    expect(stat(r, 'stat.retransmits')).toEqual({ n: 27 });
  });

  test('level 5: stop-and-wait is still sending when the 15 s are up', async () => {
    const r = await playArq('stop-and-wait', 500);
    expect(r.passed).toBe(false);
    expect(r.simMs).toBe(15_600);
    expect(stat(r, 'stat.delivered')).toEqual({ got: 20, total: 30 });
    expect(stat(r, 'stat.transferUnfinished')).toEqual({});
    expect(r.stats.some((s) => s.key === 'stat.transferTime')).toBe(false);
  });

  test('level 5: the outcome does not depend on when the player presses Start', async () => {
    const early = await playArq('go-back-n', 500);
    const late = await playArq('go-back-n', 7000);
    expect(late.stats).toEqual(early.stats);
    expect(late.simMs - early.simMs).toBe(6500);
  });

  test('level 5: a sender who never starts fails at the deadline', async () => {
    const run = new LevelRun(levelById('sender-arq')!);
    const r = await play(run, 500, () => undefined);
    expect(r.passed).toBe(false);
    expect(r.simMs).toBe(60_000);
  });

  /** Level 6 played by answering `answers` at the given simulated times. */
  async function playTap(answers: Array<[atMs: number, text: string]>): Promise<{ r: LevelResult; run: LevelRun; replies: boolean[] }> {
    const run = new LevelRun(levelById('tap-password')!);
    const replies: boolean[] = [];
    const r = await play(run, 100, (now) => {
      for (const [at, text] of answers) if (at === now) replies.push(run.answer(text));
    });
    return { r, run, replies };
  }

  test('level 6: the password crosses the tap in clear only in the HTTP login', async () => {
    const { run } = await playTap([]);
    // The bank login (HTTPS, from 1 s) shows the tap only ciphertext; the forum login (HTTP) shows the form field.
    expect(run.trace.plainPasswords.map((p) => ({ node: p.node, value: p.value, atMs: Math.round(p.atMs) }))).toEqual([{ node: 'eve', value: 'sunflower7', atMs: 14_630 }]);
    expect(run.source.engine.summary().flows['bank-login']!.completed).toBe(true);
  });

  test('level 6: reading the password off the tap and typing it wins all three stars', async () => {
    const { r, replies } = await playTap([[16_000, '  sunflower7 ']]);
    expect(replies).toEqual([true]);
    expect(r.passed).toBe(true);
    expect(r.stars).toBe(3);
    expect(r.simMs).toBe(16_100);
    expect(r.stats.find((s) => s.key === 'stat.passwordSeen')!.params).toEqual({ at: '14.6' });
  });

  test('level 6: a wrong guess, and the right password before it could be read, both cost the star', async () => {
    const { r, replies } = await playTap([
      [5000, 'sunflower7'],
      [15_000, 'hunter2'],
      [30_000, 'sunflower7'],
    ]);
    expect(replies).toEqual([false, false, true]);
    expect(r.passed).toBe(true);
    expect(r.bonus).toEqual([false, false]);
    expect(r.stats.find((s) => s.key === 'stat.wrongGuesses')!.params).toEqual({ n: 2 });
  });

  test('level 6: an eavesdropper who never answers fails at 40 s', async () => {
    const { r } = await playTap([]);
    expect(r.passed).toBe(false);
    expect(r.simMs).toBe(40_000);
    expect(r.stats.map((x) => x.key)).toEqual(['stat.passwordSeen', 'stat.notAnswered', 'stat.wrongGuesses']);
  });

  /** Level 7: forward everything, but drop the laptop's ACKs sent once it is in TIME_WAIT, up to `dropAcks` of them. */
  async function playTimeWait(dropAcks: number): Promise<{ r: LevelResult; run: LevelRun }> {
    const run = new LevelRun(levelById('router-timewait')!);
    const role = new RouterRole(run.source, 'router');
    let dropped = 0;
    const r = await play(run, 100, async () => {
      for (const e of role.waiting()) {
        const lastAck = e.kind === 'ack' && e.dest === 'server' && run.trace.tcpState('upload', 'client') === 'TIME_WAIT';
        if (lastAck && dropped < dropAcks) {
          await role.drop(e.id);
          dropped++;
        } else if (e.next !== null) {
          await role.forward(e.next, e.id);
        }
      }
    });
    return { r, run };
  }

  test('level 7: dropping the last ACK makes the server resend its FIN, which TIME_WAIT answers: three stars', async () => {
    const { r, run } = await playTimeWait(1);
    expect(r.passed).toBe(true);
    expect(r.stars).toBe(3);
    expect(r.simMs).toBe(7100);
    expect(r.stats.map((s) => [s.key, s.params.n])).toEqual([
      ['stat.timeWaitAcks', 1],
      ['stat.finResends', 1],
      ['stat.playerDrops', 1],
    ]);
    expect(run.trace.tcpTransitions.get('upload/client')!.slice(-2)).toEqual(['FIN_WAIT_1>FIN_WAIT_2', 'FIN_WAIT_2>TIME_WAIT']);
    expect(run.trace.tcpTransitions.get('upload/server')!.slice(-2)).toEqual(['CLOSE_WAIT>LAST_ACK', 'LAST_ACK>CLOSED']);
  });

  test('level 7: dropping the answer from TIME_WAIT too costs the tidy star, and TIME_WAIT answers again', async () => {
    const { r } = await playTimeWait(2);
    expect(r.passed).toBe(true);
    expect(r.bonus[0]).toBe(false);
    expect(r.stats.find((s) => s.key === 'stat.timeWaitAcks')!.params).toEqual({ n: 2 });
    expect(r.stats.find((s) => s.key === 'stat.finResends')!.params).toEqual({ n: 2 });
  });

  test('level 7: forwarding everything closes cleanly, but TIME_WAIT never has to answer: failed once the server has closed', async () => {
    const { r, run } = await playTimeWait(0);
    expect(r.passed).toBe(false);
    expect(run.trace.tcpState('upload', 'server')).toBe('CLOSED');
    expect(r.simMs).toBe(4100);
    expect(r.stats.find((s) => s.key === 'stat.timeWaitAcks')!.params).toEqual({ n: 0 });
  });

  /** Level 8: forward everything, but drop the first `dropQueries` datagrams on their way to the name server. */
  async function playDns(dropQueries: number, run = new LevelRun(levelById('router-dns')!)): Promise<LevelResult> {
    const role = new RouterRole(run.source, 'router');
    let dropped = 0;
    return play(run, 100, async () => {
      for (const e of role.waiting()) {
        if (dropped < dropQueries && e.dest === 'ns') {
          await role.drop(e.id);
          dropped++;
        } else if (e.next !== null) {
          await role.forward(e.next, e.id);
        }
      }
    });
  }
  const dnsStats = (r: LevelResult) => Object.fromEntries(r.stats.map((s) => [s.key, s.params]));

  test('level 8: the queries wait at the router labelled as DNS (they are drawn in the DNS colour)', async () => {
    const run = new LevelRun(levelById('router-dns')!);
    const role = new RouterRole(run.source, 'router');
    for (let i = 0; i < 100 && role.waiting().length === 0; i++) run.source.advance(100);
    expect(role.waiting().map((e) => [e.kind, e.app, e.dest])).toEqual([['udp', 'dns', 'ns']]);
  });

  test('level 8: a dropped query is sent again by the resolver (UDP never resends): three stars', async () => {
    const run = new LevelRun(levelById('router-dns')!);
    const r = await playDns(1, run);
    expect(r.passed).toBe(true);
    expect(r.stars).toBe(3);
    expect(r.simMs).toBe(7000);
    // The photo archive's 36 addresses came cut to 29 over UDP (TC), then whole over TCP, through the router.
    const lookups = run.source.engine.summary().flows.lookups as Record<string, unknown>;
    expect([lookups.truncated, lookups.tcpFallbacks, lookups.tcpConnections]).toEqual([1, 1, 1]);
    const photos = (lookups.lookups as Array<{ name: string; answers: number; transport: string }>).find((l) => l.name === 'photos.school.example.');
    expect(photos).toMatchObject({ answers: 36, transport: 'tcp' });
    expect(dnsStats(r)).toEqual({
      'stat.dnsAnswered': { answered: 3, total: 3 },
      'stat.dnsRetries': { n: 1 },
      'stat.dnsFailed': { n: 0 },
      'stat.playerDrops': { n: 1 },
    });
  });

  test('level 8: the same query lost twice is asked a third time; two drops cost the tidy star', async () => {
    const r = await playDns(2);
    expect(r.passed).toBe(true);
    expect(r.bonus).toEqual([false, true]);
    expect(dnsStats(r)['stat.dnsRetries']).toEqual({ n: 2 });
  });

  test('level 8: forwarding everything answers every name with no resend: failed as soon as the last answer arrives', async () => {
    const r = await playDns(0);
    expect(r.passed).toBe(false);
    expect(r.simMs).toBe(5000);
    expect(dnsStats(r)['stat.dnsRetries']).toEqual({ n: 0 });
  });

  test('level 8: dropping every query makes the resolver give up: failed', async () => {
    const r = await playDns(1000);
    expect(r.passed).toBe(false);
    expect(dnsStats(r)['stat.dnsFailed']).toEqual({ n: 1 });
    expect(dnsStats(r)['stat.dnsRetries']).toEqual({ n: 3 });
  });

  /** Level 9: set the tap's target to each of `plan` (null: alter nothing) half a second before login i starts. */
  async function playTamper(plan: Array<string | null>): Promise<{ r: LevelResult; run: LevelRun }> {
    const run = new LevelRun(levelById('tap-tamper')!);
    const attack = run.source.tapAttack;
    const r = await play(run, 100, async (now) => {
      plan.forEach(async (target, i) => {
        if (now === 500 + i * 6000) expect(await attack.setTarget('mallory', target)).toEqual({ ok: true });
      });
    });
    return { r, run };
  }
  const loginStats = (r: LevelResult) => r.stats.filter((s) => s.key !== 'stat.tamperDistinct').map((s) => [s.key, s.params]);

  test('level 9: each altered message is caught where TLS says it will be; all four on the first four logins: three stars', async () => {
    const { r, run } = await playTamper(['client-hello', 'server-hello', 'certificate', 'client-key-exchange']);
    expect(r.passed).toBe(true);
    expect(r.stars).toBe(3);
    // Decided the moment the fourth different message is caught: the bank cannot decrypt login 4's Finished.
    expect(r.simMs).toBe(22_100);
    expect(loginStats(r)).toEqual([
      ['stat.loginCaught', { n: 1, message: 'ClientHello', node: 'bank', at: 'Finished', alert: 'decrypt_error' }],
      ['stat.loginCaught', { n: 2, message: 'ServerHello', node: 'bank', at: 'Finished', alert: 'decrypt_error' }],
      ['stat.loginCaught', { n: 3, message: 'Certificate', node: 'alice', at: 'Certificate', alert: 'bad_certificate' }],
      ['stat.loginCaught', { n: 4, message: 'ClientKeyExchange', node: 'bank', at: 'Finished', alert: 'bad_record_mac' }],
      ['stat.loginOpen', { n: 5 }],
    ]);
    // No page came over a broken handshake; Alice hears of login 4's failure from the bank's alert a moment later.
    const flows = run.source.engine.summary().flows as Record<string, Record<string, unknown>>;
    expect([1, 2, 3, 4].map((i) => [flows[`login${i}`]!.handshake, flows[`login${i}`]!.deliveredBytes])).toEqual([
      ['failed', 0],
      ['failed', 0],
      ['failed', 0],
      ['pending', 0],
    ]);
  });

  test('level 9: three different messages on the first three logins, then nothing more: passed at the end with two stars', async () => {
    const { r } = await playTamper(['server-hello', 'certificate', 'client-hello', null]);
    expect(r.passed).toBe(true);
    expect(r.bonus).toEqual([false, true]);
    expect(loginStats(r).slice(3)).toEqual([
      ['stat.loginThrough', { n: 4 }],
      ['stat.loginThrough', { n: 5 }],
    ]);
    // Decided when the last login's handshake completes.
    expect(r.simMs).toBe(28_700);
  });

  test('level 9: the same message twice does not count twice; a login let through costs the three-in-a-row star', async () => {
    const { r } = await playTamper(['client-hello', 'client-hello', null, 'certificate', 'server-hello']);
    expect(r.passed).toBe(true);
    expect(r.bonus).toEqual([false, false]);
    expect(r.stats.find((s) => s.key === 'stat.tamperDistinct')!.params).toEqual({ n: 3, of: 4 });
  });

  test('level 9: a tap that alters nothing fails once too few logins are left', async () => {
    const { r, run } = await playTamper([]);
    expect(r.passed).toBe(false);
    // After the third login completes untouched, two logins cannot give three different messages.
    expect(r.simMs).toBe(16_700);
    expect(run.trace.tampered.size).toBe(0);
  });

  test('level 9: the tamper commands are logged, and replaying the log gives the same handshakes', async () => {
    const run = new LevelRun(levelById('tap-tamper')!);
    const live: string[] = [];
    run.source.tapTrace((e) => {
      if (e.type === 'tap' || e.type === 'tls') live.push(JSON.stringify(e));
    });
    run.source.advance(500);
    await run.source.tapAttack.setTarget('mallory', 'certificate');
    run.source.advance(6000);
    await run.source.tapAttack.setTarget('mallory', null);
    run.source.advance(6000);
    const log = run.source.engine.commandLog;
    expect(log).toEqual([
      { action: 'tamper', node: 'mallory', target: 'certificate', atMs: 500 },
      { action: 'tamper', node: 'mallory', target: null, atMs: 6500 },
    ]);
    const loaded = loadScenario({ ...levelById('tap-tamper')!.scenario, commands: log });
    expect(loaded.ok).toBe(true);
    if (!loaded.ok) return;
    const replay = new Engine(loaded.scenario);
    const replayed: string[] = [];
    replay.subscribe(['tap', 'tls'], (e) => replayed.push(JSON.stringify(e)));
    replay.runUntilMs(12_500);
    expect(replayed).toEqual(live);
    expect(live.filter((e) => e.includes('"action":"tamper"'))).toHaveLength(1);
  });

  test('level 9: a tamper command naming something else is refused and changes nothing', async () => {
    const run = new LevelRun(levelById('tap-tamper')!);
    expect(await run.source.tapAttack.setTarget('mallory', 'finished')).toEqual({ ok: false, reason: 'target must be one of client-hello, server-hello, certificate, client-key-exchange or null, got finished' });
    expect(run.source.engine.setTapTamper('isp', 'certificate')).toEqual({ ok: false, reason: 'isp is not a tap' });
    expect(run.source.tapAttack.target('mallory')).toBe(null);
    expect(run.source.engine.commandLog).toEqual([]);
  });

  /** Level 10: open the server in `choice` at `openAtMs`, then watch. */
  async function playIo(choice: { io: 'blocking' | 'nonblocking'; threads: number } | null, openAtMs = 2000): Promise<{ r: LevelResult; run: LevelRun }> {
    const run = new LevelRun(levelById('server-io')!);
    const r = await play(run, 100, async (now) => {
      if (choice !== null && now === openAtMs) expect(await run.openServer(choice)).toEqual({ ok: true });
    });
    return { r, run };
  }
  const ioStats = (r: LevelResult) => Object.fromEntries(r.stats.map((s) => [s.key, s.params]));

  test('level 10: the event loop serves every page at once while the uploads trickle in: three stars', async () => {
    const { r } = await playIo({ io: 'nonblocking', threads: 1 });
    expect(r.passed).toBe(true);
    expect(r.stars).toBe(3);
    // Decided when the last upload is stored, 11.7 s after opening.
    expect(r.simMs).toBe(13_800);
    expect(ioStats(r)).toEqual({
      'stat.ioEventLoop': {},
      'stat.pagesServed': { n: 30, total: 30, uploads: 4, uploadsTotal: 4 },
      'stat.slowestPage': { ms: 201 },
      'stat.acceptWait': { ms: 0 },
      'stat.recvParked': { n: 0 },
      'stat.contextSwitches': { n: 0 },
    });
  });

  test('level 10: four blocking threads are all held by the four slow uploads; the readers wait: failed', async () => {
    const { r } = await playIo({ io: 'blocking', threads: 4 });
    expect(r.passed).toBe(false);
    // Failed as soon as the first pages, asked for 1 s after opening, have waited longer than 1 s behind the uploads.
    expect(r.simMs).toBe(4_100);
    // No page and no upload has come back yet; every thread is parked in recv() on an upload.
    expect(ioStats(r)).toEqual({
      'stat.ioBlocking': { n: 4 },
      'stat.pagesServed': { n: 0, total: 30, uploads: 0, uploadsTotal: 4 },
      'stat.slowestPage': { ms: 1100 },
      'stat.acceptWait': { ms: 950 },
      'stat.recvParked': { n: 80 },
      'stat.contextSwitches': { n: 79 },
    });
  });

  test('level 10: eight threads are enough for four slow and three fast connections, but they park in recv(): two stars', async () => {
    const { r } = await playIo({ io: 'blocking', threads: 8 });
    expect(r.passed).toBe(true);
    expect(r.bonus).toEqual([true, false]);
    expect(ioStats(r)['stat.slowestPage']).toEqual({ ms: 201 });
    expect(Number(ioStats(r)['stat.recvParked']!.n)).toBeGreaterThan(0);
  });

  test('level 10: sixteen threads pass too, without either star; two fail', async () => {
    expect((await playIo({ io: 'blocking', threads: 16 })).r.stars).toBe(1);
    expect((await playIo({ io: 'blocking', threads: 2 })).r.passed).toBe(false);
  });

  test('level 10: a server never opened fails at the deadline; a model not offered, or a second opening, is refused', async () => {
    const { r } = await playIo(null);
    expect(r.passed).toBe(false);
    expect(r.simMs).toBe(60_000);
    // No timings of a server that served nothing (they read "0 ms", as if it had been fast).
    expect(r.stats).toEqual([
      { key: 'stat.ioNotOpened', params: {} },
      { key: 'stat.pagesServed', params: { n: 0, total: 30, uploads: 0, uploadsTotal: 4 } },
    ]);
    const run = new LevelRun(levelById('server-io')!);
    expect(await run.openServer({ io: 'blocking', threads: 3 })).toEqual({ ok: false, reason: 'blocking × 3 is not offered here' });
    expect(await run.openServer({ io: 'blocking', threads: 8 })).toEqual({ ok: true });
    expect(await run.openServer({ io: 'nonblocking', threads: 1 })).toEqual({ ok: false, reason: 'you is already open' });
    run.source.advance(3000);
    // The engine itself refuses to swap the model under live connections.
    expect(run.source.engine.setServerIo('you', 'nonblocking', 1)).toEqual({ ok: false, reason: 'you has already taken connections: its I/O model is set', why: { code: 'io-set', node: 'you' } });
  });

  /** Level 11 played by naming layers at the given simulated times. */
  async function playOsi(answers: Array<[atMs: number, question: string, layer: number]>): Promise<{ r: LevelResult; run: LevelRun; replies: boolean[] }> {
    const run = new LevelRun(levelById('osi-layers')!);
    const replies: boolean[] = [];
    const r = await play(run, 100, (now) => {
      for (const [at, q, layer] of answers) if (at === now) replies.push(run.answerLayer(q, layer));
    });
    return { r, run, replies };
  }

  test('level 11: each friend\'s trouble shows in the engine at its own layer', async () => {
    const { run } = await playOsi([]);
    const t = run.trace;
    // Bob: his SYN dies on the unplugged cable at once. Carol: the server's SYN-ACK circles r1 ⇄ r2 until its TTL is spent.
    // Dave: TCP works; the server answers his GET /notes with 404.
    expect(Math.round(t.firstDrops.get('bob-notes|link-down')!)).toBe(1000);
    expect(Math.round(t.firstDrops.get('carol-notes|ttl')!)).toBe(4403);
    expect(Math.round(t.firstHttpStatus.get('dave-notes|404')!)).toBe(1802);
    // Erin: her SYN to port 8080 is answered with RST by the server's TCP (nothing listens there), one round trip after it left.
    expect(Math.round(t.firstHttpError.get('erin-notes|connection refused')!)).toBe(1400);
    expect([...t.firstDrops.keys()].filter((k) => !k.endsWith('|mac-filter')).sort()).toEqual(['bob-notes|link-down', 'carol-notes|ttl']);
    const flows = run.source.engine.summary().flows as Record<string, Record<string, unknown>>;
    expect(flows['dave-notes']).toMatchObject({ statuses: { 404: 8 }, errors: 0 });
    expect(flows['erin-notes']).toMatchObject({ responses: 0, errors: 8 });
  });

  test('level 11: naming layers 1, 3, 7 and 4 once each has shown wins three stars', async () => {
    const { r, replies } = await playOsi([
      [2000, 'bob', 1],
      [2000, 'dave', 7],
      [2000, 'erin', 4],
      [5000, 'carol', 3],
    ]);
    expect(replies).toEqual([true, true, true, true]);
    expect(r.passed).toBe(true);
    expect(r.stars).toBe(3);
    expect(r.simMs).toBe(5100);
    expect(r.stats).toEqual([
      { key: 'stat.osiSolved', params: { who: 'bob', layer: 1, at: '2.0' } },
      { key: 'stat.osiSolved', params: { who: 'carol', layer: 3, at: '5.0' } },
      { key: 'stat.osiSolved', params: { who: 'dave', layer: 7, at: '2.0' } },
      { key: 'stat.osiSolved', params: { who: 'erin', layer: 4, at: '2.0' } },
      { key: 'stat.wrongGuesses', params: { n: 0 } },
    ]);
  });

  test('level 11: a wrong layer, and the right one named before the engine showed why, both cost the star', async () => {
    const { r, replies } = await playOsi([
      [2000, 'carol', 3], // before her replies have run out of TTL (4.4 s): a guess
      [2000, 'bob', 2],
      [3000, 'bob', 1],
      [3000, 'dave', 7],
      [3000, 'erin', 7], // a refused connection is not the application's doing
      [4000, 'erin', 4],
      [6000, 'carol', 3],
    ]);
    expect(replies).toEqual([false, false, true, true, false, true, true]);
    expect(r.passed).toBe(true);
    expect(r.bonus).toEqual([false, true]);
    expect(r.stats.at(-1)).toEqual({ key: 'stat.wrongGuesses', params: { n: 3 } });
  });

  test('level 11: a technician who never answers fails at 45 s; answers to nothing, or to no layer, are ignored', async () => {
    const { r, run } = await playOsi([]);
    expect(r.passed).toBe(false);
    expect(r.simMs).toBe(45_000);
    expect(run.answerLayer('frank', 1)).toBe(false);
    expect(run.answerLayer('bob', 8)).toBe(false);
    expect(run.trace.layerAnswers).toEqual([]);
  });

  /** Level 12: place the given orders (order1 sync-blocking … order4 async-nonblocking) at the given times. */
  async function playCall(orders: Array<[atMs: number, flow: string]>): Promise<LevelResult> {
    const run = new LevelRun(levelById('sender-call')!);
    return play(run, 100, async (now) => {
      for (const [at, flow] of orders) if (at === now) expect(await run.source.startFlow(flow)).toEqual({ ok: true });
    });
  }

  test('level 12: errands until the shop calls back: done in 3.02 s, nothing wasted: three stars', async () => {
    const r = await playCall([[1000, 'order4']]);
    expect(r.passed).toBe(true);
    expect(r.stars).toBe(3);
    expect(r.stats).toEqual([{ key: 'stat.order.async-nonblocking', params: { s: '3.02', blocked: 0, asked: 0, late: 0 } }]);
  });

  test('level 12: errands and asking every 0.5 s: six times not yet, then done at 3.5 s: two stars', async () => {
    const r = await playCall([[1000, 'order3']]);
    expect(r.passed).toBe(true);
    expect(r.bonus).toEqual([true, false]);
    expect(r.stats).toEqual([{ key: 'stat.order.sync-nonblocking', params: { s: '3.50', blocked: 0, asked: 6, late: 479 } }]);
  });

  test('level 12: standing at the counter, watching or merely held, takes 5 s; a second order the other way still passes', async () => {
    const r = await playCall([
      [1000, 'order1'],
      [1000, 'order2'],
      [8000, 'order4'],
    ]);
    expect(r.passed).toBe(true);
    expect(r.bonus).toEqual([false, true]);
    expect(r.stats.map((s) => [s.key, s.params.s, s.params.blocked])).toEqual([
      ['stat.order.sync-blocking', '5.02', 3021],
      ['stat.order.async-blocking', '5.02', 3021],
      ['stat.order.async-nonblocking', '3.02', 0],
    ]);
  });

  test('level 12: only blocking orders: failed at the deadline', async () => {
    const r = await playCall([[1000, 'order1']]);
    expect(r.passed).toBe(false);
    expect(r.simMs).toBe(60_000);
  });

  /** Level 13: start the given ways of connecting, 5 s apart from 1 s. */
  async function playCrypto(ways: string[]): Promise<LevelResult> {
    const run = new LevelRun(levelById('sender-crypto')!);
    return play(run, 100, async (now) => {
      const i = (now - 1000) / 5000;
      if (Number.isInteger(i) && i >= 0 && i < ways.length) expect(await run.source.startFlow(ways[i]!)).toEqual({ ok: true });
    });
  }

  test('level 13: one TLS session for all ten pages: one handshake of public-key work, then AES: three stars', async () => {
    const r = await playCrypto(['one-session']);
    expect(r.passed).toBe(true);
    expect(r.stars).toBe(3);
    expect(r.stats).toEqual([{ key: 'stat.cryptoTls', params: { flow: 'one-session', s: '0.44', sessions: 1, pk: '0.27', pkOps: 3, sym: '0.08', kb: 19 } }]);
  });

  test('level 13: a new session per page repeats the public-key work ten times: 3.12 s, too slow', async () => {
    const r = await playCrypto(['new-session']);
    expect(r.passed).toBe(false);
    expect(r.simMs).toBe(40_000);
    expect(r.stats).toEqual([{ key: 'stat.cryptoTls', params: { flow: 'new-session', s: '3.12', sessions: 10, pk: '2.65', pkOps: 30, sym: '0.22', kb: 37 } }]);
  });

  test('level 13: plain HTTP is fast but does not count, and costs the star; one session after it passes', async () => {
    const r = await playCrypto(['plain-http', 'one-session']);
    expect(r.passed).toBe(true);
    expect(r.bonus).toEqual([false, false]);
    expect(r.stats[0]).toEqual({ key: 'stat.cryptoPlain', params: { flow: 'plain-http', s: '0.10' } });
  });

  test('levels 12 and 13: a result with nothing finished says what was tried, not an empty list', async () => {
    expect((await playCall([])).stats).toEqual([{ key: 'stat.order.none', params: {} }]);
    expect((await playCrypto([])).stats).toEqual([{ key: 'stat.cryptoNone', params: {} }]);
    // Ten pages over new sessions take about 3 s: started at 39 s, they are not all shown by the deadline at 40 s.
    const run = new LevelRun(levelById('sender-crypto')!);
    const r = await play(run, 100, async (now) => {
      if (now === 39_000) expect(await run.source.startFlow('new-session')).toEqual({ ok: true });
    });
    expect([r.passed, r.stats]).toEqual([false, [{ key: 'stat.cryptoUnfinished', params: { n: 1 } }]]);
  });

  /** Level 14: pick a congestion control and start the upload at 2 s; the level's result and the cwnd reasons the engine gave. */
  async function playCc(cc: 'aimd' | 'tahoe' | 'reno' | 'newreno'): Promise<{ r: LevelResult; reasons: Set<string>; minCwnd: number }> {
    const run = new LevelRun(levelById('sender-cc')!);
    const reasons = new Set<string>();
    let minCwnd = Infinity;
    let started = false;
    run.source.tapTrace((e) => {
      if (e.type !== 'cwnd' || e.flow !== 'upload') return;
      reasons.add(String(e.reason));
      if (started && e.reason !== 'init') minCwnd = Math.min(minCwnd, Number(e.cwnd));
    });
    const r = await play(run, 100, async (now) => {
      if (now === 2000) {
        expect(await run.source.startFlow('upload', { cc })).toEqual({ ok: true });
        started = true;
      }
    });
    return { r, reasons, minCwnd };
  }
  const ccStats = (r: LevelResult) => Object.fromEntries(r.stats.map((s) => [s.key, s.params]));

  test('level 14: NewReno delivers the 600 KB in 8.8 s, with no timeout: three stars', async () => {
    const { r, reasons } = await playCc('newreno');
    expect([r.passed, r.stars]).toEqual([true, 3]);
    expect(ccStats(r)).toEqual({
      'stat.delivered': { got: 600, total: 600 },
      'stat.transferTime': { s: '8.8' },
      'stat.fastRetransmits': { n: 10 },
      'stat.timeouts': { n: 0 },
    });
    expect(reasons).toEqual(new Set(['init', 'slow-start', 'fast-retransmit', 'fast-recovery', 'recovery-exit', 'congestion-avoidance']));
  });

  test('level 14: Reno halves too and passes in 9.6 s, but not within 9 s', async () => {
    const { r } = await playCc('reno');
    expect([r.passed, r.bonus]).toEqual([true, [false, true]]);
    expect(ccStats(r)['stat.transferTime']).toEqual({ s: '9.6' });
  });

  test('level 14: Tahoe falls back to one segment at every loss and runs out of time', async () => {
    const { r, minCwnd } = await playCc('tahoe');
    expect(r.passed).toBe(false);
    expect(r.simMs).toBe(14_100);
    expect(minCwnd).toBe(1000);
    expect(ccStats(r)['stat.delivered']).toEqual({ got: 501, total: 600 });
  });

  test('level 14: AIMD, without slow start, climbs one segment per round trip and runs out of time', async () => {
    const { r, reasons } = await playCc('aimd');
    expect(r.passed).toBe(false);
    expect(reasons.has('slow-start')).toBe(false);
    expect(ccStats(r)['stat.delivered']).toEqual({ got: 533, total: 600 });
  });
});
