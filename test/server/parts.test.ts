// The small parts of the server, each on its own: names, join codes, the packet tracker and its
// bandwidth budget, the notable-event log, layout, seats, Jain's index.

import { mkdirSync, mkdtempSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { clientIsStale } from '../../server/client-build.ts';
import { LocalPresence } from '@colyseus/core';
import { MapSchema, ArraySchema } from '@colyseus/schema';
import { cleanName } from '../../server/rooms/player-name.ts';
import { claimCode, isJoinCode, randomCode, releaseCode } from '../../server/rooms/join-code.ts';
import { PacketTracker } from '../../server/game/packet-tracker.ts';
import { EventLog } from '../../server/game/notable-events.ts';
import { jain } from '../../server/game/scoring.ts';
import { TokenBucket } from '../../server/rooms/rate-limit.ts';
import { EventState, PacketState } from '../../shared/state/classroom-state.ts';
import { JOIN_CODE_ALPHABET, LIMITS, scenarioSizeProblem } from '../../shared/messages/classroom-messages.ts';
import { resolveScenario } from '../../server/scenarios/classroom-scenarios.ts';
import type { TraceEvent } from '../../shared/protocols/sim/trace.ts';

describe('player names', () => {
  it('trims, strips control and invisible characters, collapses spaces and cuts to 24 characters', () => {
    expect(cleanName('  Min\u0000jun  ', 'player')).toBe('Minjun');
    expect(cleanName('a\u202eb\u200bc\td  e', 'player')).toBe('abc d e');
    expect(cleanName('\u0007\u200d ', 'player')).toBe('player');
    expect(cleanName(42, 'player')).toBe('player');
    expect(cleanName('가'.repeat(30), 'player')).toBe('가'.repeat(24));
    expect([...cleanName('😀'.repeat(30), 'player')].length).toBe(24); // never cuts a surrogate pair
  });
});

describe('join codes', () => {
  it('use 6 characters without look-alikes', () => {
    for (const c of ['0', 'O', '1', 'I', 'L']) expect(JOIN_CODE_ALPHABET).not.toContain(c);
    for (let i = 0; i < 200; i++) expect(isJoinCode(randomCode())).toBe(true);
    expect(isJoinCode('ABCDE0')).toBe(false);
    expect(isJoinCode('ABCDE')).toBe(false);
  });

  it('are claimed once until released', async () => {
    const presence = new LocalPresence();
    const codes = new Set<string>();
    for (let i = 0; i < 100; i++) codes.add(await claimCode(presence));
    expect(codes.size).toBe(100);
    const first = [...codes][0]!;
    expect(await presence.hincrby('packetplay:join-codes', first, 1)).toBe(2); // a second claim fails
    await releaseCode(presence, first);
    expect(await presence.hincrby('packetplay:join-codes', first, 1)).toBe(1);
  });
});

const tx = (packet: number, link: string, from: string, to: string, departMs: number, arriveMs: number): TraceEvent =>
  ({ type: 'tx', t: departMs, packet, flow: 'f', kind: 'data', link, from, to, bytes: 100, departMs, arriveMs });

describe('packet tracker', () => {
  it('follows a packet hop by hop, waiting, held, and gone when consumed or dropped', () => {
    const t = new PacketTracker({ maxSynced: 100, addsPerSecond: 100, addsBurst: 100 }, () => 'out');
    const m = new MapSchema<PacketState>();
    t.onTrace(tx(1, 'l1', 'a', 'r', 0, 10.4));
    t.onTrace(tx(2, 'l1', 'a', 'r', 5, 15));
    t.flush(m, 0);
    expect([...m.keys()]).toEqual(['1', '2']);
    expect([m.get('1')!.departMs, m.get('1')!.arriveMs, m.get('1')!.at]).toEqual([0, 11, '']);
    t.onTrace({ type: 'wait', t: 10.4, node: 'r', packet: 1, flow: 'f', kind: 'data', queue: 1 });
    t.onTrace({ type: 'command', t: 11, node: 'r', action: 'hold', packet: 1, ok: true });
    t.sweep(16); // packet 2's hop ended with no next hop: consumed
    t.flush(m, 0);
    expect([...m.keys()]).toEqual(['1']);
    expect([m.get('1')!.at, m.get('1')!.held, m.get('1')!.next]).toEqual(['r', true, 'out']);
    t.onTrace(tx(1, 'l2', 'r', 'b', 20, 30));
    t.flush(m, 0);
    expect([m.get('1')!.link, m.get('1')!.from, m.get('1')!.to, m.get('1')!.at, m.get('1')!.held, m.get('1')!.next]).toEqual(['l2', 'r', 'b', '', false, '']);
    t.onTrace({ type: 'drop', t: 25, link: 'l2', packet: 1, flow: 'f', kind: 'data', reason: 'loss' });
    expect(t.flush(m, 0)).toBe(0);
    expect(m.size).toBe(0);
  });

  it('lets packets on links in at its budget, always lists waiting ones, and counts the rest as hidden', () => {
    const t = new PacketTracker({ maxSynced: 100, addsPerSecond: 10, addsBurst: 5 });
    const m = new MapSchema<PacketState>();
    for (let id = 1; id <= 20; id++) t.onTrace(tx(id, 'l1', 'a', 'r', 0, 10_000));
    expect(t.flush(m, 0)).toBe(15);
    expect(m.size).toBe(5);
    t.onTrace({ type: 'wait', t: 1, node: 'r', packet: 20, flow: 'f', kind: 'data', queue: 1 });
    expect(t.flush(m, 0)).toBe(14); // the waiting packet gets in without a token
    expect(m.has('20')).toBe(true);
    for (let id = 21; id <= 40; id++) t.onTrace(tx(id, 'l1', 'a', 'r', 0, 10_000));
    // One second later: 5 more (the burst limit); packets left out earlier wait for their next hop.
    expect(t.flush(m, 1000)).toBe(29);
    expect(m.size).toBe(11);
  });

  it('gives each TCP packet the segment its sender traced with it, counted from the ends’ initial sequence numbers', () => {
    const t = new PacketTracker({ maxSynced: 100, addsPerSecond: 100, addsBurst: 100 });
    const m = new MapSchema<PacketState>();
    const seg = (type: 'send' | 'ack', at: number, side: string, seq: number, ack: number, len: number, flags: string, retransmit = false) =>
      t.onTrace(type === 'send' ? { type, t: at, flow: 'f', side, seq, ack, len, flags, retransmit } : { type, t: at, flow: 'f', side, seq, ack, window: 4000 });
    // SYN (ISN 4294967000, so the stream wraps past 2^32), SYN-ACK (ISN 77), then data and its ACK.
    t.onTrace(tx(1, 'l1', 'a', 'r', 0, 10));
    seg('send', 0, 'client', 4294967000, 0, 0, 'SYN');
    t.onTrace(tx(2, 'l1', 'r', 'a', 20, 30));
    seg('send', 20, 'server', 77, 4294967001, 0, 'SYN,ACK');
    t.onTrace({ ...tx(3, 'l1', 'a', 'r', 30, 40), retransmit: false });
    seg('send', 30, 'client', 4294967001 + 500, 78, 536, 'ACK');
    // A segment dropped at its sender's own queue has no tx: the segment after it is not pinned on packet 3.
    t.onTrace({ type: 'drop', t: 30, link: 'l1', packet: 99, flow: 'f', kind: 'data', reason: 'queue-full' });
    seg('send', 30, 'client', (4294967001 + 1036) % 2 ** 32, 78, 536, 'ACK');
    t.onTrace({ ...tx(4, 'l1', 'r', 'a', 50, 60) });
    seg('ack', 50, 'server', 78, (4294967001 + 1036) % 2 ** 32, 0, '');
    t.onTrace({ ...tx(5, 'l1', 'a', 'r', 70, 80), retransmit: true });
    seg('send', 70, 'client', (4294967001 + 1036) % 2 ** 32, 78, 536, 'ACK', true);
    t.flush(m, 0);
    const row = (id: number) => {
      const p = m.get(String(id))!;
      return [p.sentMs, p.fromServer, p.seq, p.ack, p.len, p.retransmit];
    };
    // Fields without a default are set only when they say something (unset, they cost nothing on the wire).
    expect(row(1)).toEqual([0, undefined, -1, undefined, undefined, undefined]);
    expect(row(2)).toEqual([20, true, -1, undefined, undefined, undefined]);
    expect(row(3)).toEqual([30, undefined, 500, undefined, 536, undefined]);
    expect(row(4)).toEqual([50, true, undefined, 1036, undefined, undefined]);
    expect(row(5)).toEqual([70, undefined, 1036, undefined, 536, true]);
    // Not a TCP segment: nothing but its hop.
    t.onTrace({ ...tx(6, 'l1', 'a', 'r', 90, 100), kind: 'udp' });
    t.onTrace({ type: 'send', t: 90, flow: 'f', side: 'client', seq: 7, len: 100, flags: 'UDP', retransmit: false });
    t.flush(m, 0);
    expect(row(6)).toEqual([undefined, undefined, undefined, undefined, undefined, undefined]);
  });
});

describe('event log', () => {
  it('folds bursts of alike drops and keeps the newest 30', () => {
    const log = new EventLog();
    const arr = new ArraySchema<EventState>();
    const drop = (t: number, packet: number): TraceEvent => ({ type: 'drop', t, node: 'r1', packet, flow: 'f', kind: 'data', reason: 'queue-full' });
    log.onTrace(drop(1, 1), 0);
    log.onTrace(drop(2, 2), 100);
    log.onTrace(drop(3, 3), 200);
    log.onTrace({ type: 'state', t: 4, flow: 'f', side: 'client', node: 'laptop', from: 'SYN_SENT', to: 'ESTABLISHED' }, 300);
    log.onTrace(drop(5, 4), 400);
    log.onTrace(drop(6, 5), 2000); // more than a second after the entry it would fold into
    log.flush(arr);
    // A TCP event's entry keeps the node of its end (a balanced flow's backend, in a class).
    expect(arr.map((e) => [e.seq, e.type, e.node, e.detail, e.count, e.t])).toEqual([
      [1, 'drop', 'r1', 'queue-full', 3, 3],
      [2, 'state', 'laptop', 'client:ESTABLISHED', 1, 4],
      [3, 'drop', 'r1', 'queue-full', 1, 5],
      [4, 'drop', 'r1', 'queue-full', 1, 6],
    ]);
    expect(log.drainUnsaved().map((e) => e.seq)).toEqual([1, 2, 3, 4]);
    expect(log.drainUnsaved()).toEqual([]);
    for (let i = 0; i < 40; i++) log.onTrace({ type: 'rto', t: 10 + i, flow: 'f', side: 'client' }, 3000 + i);
    log.flush(arr);
    expect(arr.length).toBe(30);
    expect(arr.at(0)!.seq).toBe(15);
    expect(arr.at(29)!.seq).toBe(44);
  });

  it('a run of skipped video frames is one entry with its first frame, late ones in between or not', () => {
    const log = new EventLog();
    const arr = new ArraySchema<EventState>();
    const frame = (t: number, f: number, status: string): TraceEvent => ({ type: 'video', t, flow: 'call', frame: f, status });
    log.onTrace(frame(1000, 30, 'skipped'), 0);
    log.onTrace(frame(1033, 31, 'played'), 30);
    log.onTrace(frame(1066, 32, 'skipped'), 60);
    log.onTrace(frame(1100, 33, 'skipped'), 90);
    log.onTrace(frame(1120, 30, 'late'), 110);
    log.onTrace(frame(1133, 34, 'skipped'), 120);
    log.onTrace(frame(1140, 32, 'late'), 130);
    log.onTrace(frame(3000, 90, 'skipped'), 2000);
    log.onTrace({ ...frame(3010, 91, 'skipped'), flow: 'other-call' }, 2010);
    log.flush(arr);
    expect(arr.map((e) => [e.type, e.flow, e.packet, e.detail, e.count, e.t])).toEqual([
      ['video', 'call', 30, 'skipped', 4, 1133],
      ['video', 'call', 90, 'skipped', 1, 3000],
      ['video', 'other-call', 91, 'skipped', 1, 3010],
    ]);
  });

  it("a new scenario's window starts empty; the results keep every round's entries", () => {
    const log = new EventLog();
    const arr = new ArraySchema<EventState>();
    log.onTrace({ type: 'rto', t: 10, flow: 'f', side: 'client' }, 0);
    log.onTrace({ type: 'rto', t: 20, flow: 'f', side: 'client' }, 2000);
    log.flush(arr);
    expect(arr.map((e) => e.seq)).toEqual([1, 2]);
    log.newRound(2);
    log.flush(arr);
    expect(arr.length).toBe(0);
    log.onTrace({ type: 'fault', t: 5, link: 'l1', kind: 'link-down' }, 2100);
    log.flush(arr);
    expect(arr.map((e) => [e.seq, e.type, e.detail])).toEqual([[3, 'fault', 'link-down']]);
    expect(log.drainUnsaved().map((e) => [e.seq, e.round])).toEqual([[1, 1], [2, 1], [3, 2]]);
  });
});

describe('event log: TLS', () => {
  it('records a failure once, by the side that noticed it, with its alert', () => {
    const log = new EventLog();
    const arr = new ArraySchema<EventState>();
    log.onTrace({ type: 'tls', t: 1, node: 'bank', flow: 'f', side: 'server', step: 'failure', alert: 'decrypt_error', at: 'Finished', by: 'local' }, 0);
    log.onTrace({ type: 'tls', t: 2, node: 'alice', flow: 'f', side: 'client', step: 'failure', alert: 'decrypt_error', at: 'ChangeCipherSpec', by: 'peer' }, 0);
    log.onTrace({ type: 'tls', t: 4, node: 'alice', flow: 'g', side: 'client', step: 'established' }, 0);
    log.flush(arr);
    expect(arr.map((e) => [e.type, e.node, e.flow, e.detail])).toEqual([
      ['tls', 'bank', 'f', 'failure:decrypt_error'],
      ['tls', 'alice', 'g', 'established'],
    ]);
  });

  it("records the handshake's main messages as they are sent, with what their captions say; received ones and the rest are left out", () => {
    const log = new EventLog();
    const arr = new ArraySchema<EventState>();
    const tls = (t: number, e: Record<string, unknown>) => log.onTrace({ type: 'tls', t, flow: 'g', ...e }, 0);
    tls(1, { node: 'alice', side: 'client', step: 'ClientHello', dir: 'send', cipherSuites: ['TLS_RSA_WITH_AES_128_CBC_SHA', 'TLS_RSA_WITH_AES_256_CBC_SHA'] });
    tls(2, { node: 'bank', side: 'server', step: 'ClientHello', dir: 'recv' });
    tls(3, { node: 'bank', side: 'server', step: 'ServerHello', dir: 'send' });
    tls(4, { node: 'bank', side: 'server', step: 'Certificate', dir: 'send', certificates: [{ subject: 'bank.example', issuer: 'Trusty Root CA' }] });
    tls(5, { node: 'alice', side: 'client', step: 'Certificate', dir: 'send', certificates: [{ subject: 'alice', issuer: 'Trusty Root CA' }] });
    tls(6, { node: 'alice', side: 'client', step: 'ClientKeyExchange', dir: 'send' });
    tls(7, { node: 'alice', side: 'client', step: 'Finished', dir: 'send' });
    tls(8, { node: 'alice', side: 'client', step: 'keys' });
    log.flush(arr);
    expect(arr.map((e) => [e.t, e.node, e.detail])).toEqual([
      [1, 'alice', 'send:ClientHello:2'],
      [4, 'bank', 'send:Certificate:Trusty Root CA'],
      [6, 'alice', 'send:ClientKeyExchange:'],
      [7, 'alice', 'send:Finished:'],
    ]);
  });
});

describe('event log: DNS', () => {
  it("shows a resolver's question and answer, and keeps what UDP leaves to it (its timer, the switch to TCP, giving up, an error answer) for the results", () => {
    const log = new EventLog();
    const arr = new ArraySchema<EventState>();
    const dns = (t: number, e: Record<string, unknown>) => log.onTrace({ type: 'dns', t, node: 'laptop', flow: 'q', side: 'client', name: 'www.school.example.', qtype: 'A', ...e }, 0);
    dns(1, { action: 'query', transport: 'udp', attempt: 1, retry: false });
    dns(2, { action: 'timeout', transport: 'udp', attempt: 1, timeoutMs: 2000, next: 'retry' });
    dns(3, { action: 'timeout', transport: 'udp', attempt: 4, timeoutMs: 2000, next: 'tcp' });
    dns(4, { action: 'tcp-fallback', reason: 'truncated' });
    dns(5, { action: 'response', transport: 'udp', rcode: 'NXDOMAIN' });
    dns(6, { action: 'response', transport: 'udp', rcode: 'NOERROR', tc: false, answers: 1, latencyMs: 40.2856 });
    dns(7, { action: 'give-up', reason: 'timeout' });
    dns(8, { action: 'query', transport: 'udp', attempt: 2, retry: true });
    dns(9, { action: 'response', transport: 'udp', rcode: 'NOERROR', tc: true, answers: 29, latencyMs: 40 });
    dns(10, { action: 'response', transport: 'tcp', rcode: 'NOERROR', tc: false, answers: 36, latencyMs: 120.4 });
    log.onTrace({ type: 'dns', t: 11, node: 'ns', flow: 'q', side: 'server', action: 'answer', rcode: 'SERVFAIL' }, 0);
    log.flush(arr);
    expect(arr.map((e) => [e.t, e.type, e.node, e.flow, e.detail])).toEqual([
      [1, 'dns', 'laptop', 'q', 'query|www.school.example.|A'],
      [2, 'dns', 'laptop', 'q', 'retry|www.school.example.|2|2000'],
      [3, 'dns', 'laptop', 'q', 'timeout-tcp|www.school.example.'],
      [4, 'dns', 'laptop', 'q', 'truncated|www.school.example.'],
      [5, 'dns', 'laptop', 'q', 'error|www.school.example.|NXDOMAIN'],
      [6, 'dns', 'laptop', 'q', 'answer|www.school.example.|1|40|udp'],
      [7, 'dns', 'laptop', 'q', 'give-up|www.school.example.|timeout'],
      [9, 'dns', 'laptop', 'q', 'cut|www.school.example.|29'],
      [10, 'dns', 'laptop', 'q', 'answer|www.school.example.|36|120|tcp'],
    ]);
    // The routine question and answers are not kept for the results; the rest is.
    expect(log.drainUnsaved().map((e) => e.t)).toEqual([2, 3, 4, 5, 7, 9]);
  });
});

describe('event log: HTTP', () => {
  it('records error answers and requests with no answer at the client, folding alike ones in a row', () => {
    const log = new EventLog();
    const arr = new ArraySchema<EventState>();
    const http = (t: number, wall: number, e: Record<string, unknown>) => log.onTrace({ type: 'http', t, node: 'c1', flow: 'shop-1', side: 'client', method: 'GET', path: '/', ...e }, wall);
    http(1, 0, { event: 'request' });
    http(2, 0, { event: 'response', status: 200 });
    http(3, 0, { event: 'response', status: 404, path: '/notes' });
    http(4, 0, { event: 'error', reason: 'connection refused' });
    http(5, 100, { event: 'error', reason: 'connection refused' });
    log.onTrace({ type: 'http', t: 6, node: 'web', flow: 'shop-1', side: 'server', event: 'response', status: 500 }, 200);
    log.flush(arr);
    expect(arr.map((e) => [e.t, e.node, e.flow, e.detail, e.count])).toEqual([
      [3, 'c1', 'shop-1', 'answer|404|GET|/notes', 1],
      [5, 'c1', 'shop-1', 'failed|connection refused|GET|/', 2],
    ]);
  });
});

describe('a scenario sent to a class', () => {
  it('is refused by the size of its JSON text before the loader reads it, with the same words on both sides', () => {
    const scenario = { name: 'big', durationMs: 1000, nodes: [{ id: 'a', kind: 'host' }], links: [], flows: [] };
    expect(scenarioSizeProblem(scenario)).toBeNull();
    const padded = { ...scenario, name: 'x'.repeat(LIMITS.scenarioJsonBytes) };
    expect(scenarioSizeProblem(padded)).toBe('larger than 49152 bytes of JSON');
    expect(resolveScenario(padded)).toEqual({ ok: false, errors: ['scenario: larger than 49152 bytes of JSON'] });
    const cyclic: Record<string, unknown> = { ...scenario };
    cyclic.self = cyclic;
    expect(scenarioSizeProblem(cyclic)).toBe('not a JSON object');
  });
});

describe('scoring helpers', () => {
  it('computes Jain’s fairness index', () => {
    expect(jain([5, 5, 5])).toBe(1);
    expect(jain([9, 0, 0])).toBeCloseTo(1 / 3, 10);
    expect(jain([])).toBe(1);
  });

  it('limits commands per second with a token bucket', () => {
    const b = new TokenBucket(3, 0);
    expect([b.take(0), b.take(0), b.take(0), b.take(0)]).toEqual([true, true, true, false]);
    expect(b.take(334)).toBe(true); // one token back after a third of a second
    expect(b.take(334)).toBe(false);
  });
});

describe('client build check', () => {
  it('calls the build stale when it is missing or older than any client or shared source', () => {
    const root = mkdtempSync(join(tmpdir(), 'packetplay-client-'));
    const client = join(root, 'client');
    const shared = join(root, 'shared');
    mkdirSync(join(client, 'src'), { recursive: true });
    mkdirSync(shared);
    writeFileSync(join(client, 'index.html'), '<!doctype html>');
    writeFileSync(join(client, 'src', 'main.ts'), '');
    writeFileSync(join(shared, 'x.ts'), '');
    expect(clientIsStale(client, shared)).toBe(true); // no build
    mkdirSync(join(client, 'dist'));
    writeFileSync(join(client, 'dist', 'index.html'), '');
    const old = new Date('2026-01-01T00:00:00Z');
    const built = new Date('2026-01-02T00:00:00Z');
    for (const f of [join(client, 'index.html'), join(client, 'src', 'main.ts'), join(client, 'src'), client, join(shared, 'x.ts'), shared]) utimesSync(f, old, old);
    utimesSync(join(client, 'dist', 'index.html'), built, built);
    utimesSync(join(client, 'dist'), built, built);
    expect(clientIsStale(client, shared)).toBe(false);
    const later = new Date('2026-01-03T00:00:00Z');
    utimesSync(join(client, 'src', 'main.ts'), later, later);
    expect(clientIsStale(client, shared)).toBe(true); // a client source changed
    utimesSync(join(client, 'src', 'main.ts'), old, old);
    utimesSync(join(shared, 'x.ts'), later, later);
    expect(clientIsStale(client, shared)).toBe(true); // shared code the client bundles changed
  });
});
