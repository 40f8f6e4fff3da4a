import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { Engine } from '../../shared/protocols/engine.ts';
import { loadScenario } from '../../shared/scenario/load.ts';
import { translate } from '../../client/i18n/index.ts';
import { run } from '../engine/helpers.ts';
import { dnsScenario } from '../engine/dns-helpers.ts';
import { CaptionFeed, captionFor, type CaptionContext } from '../../client/model/captions.ts';
import type { WorldEvent } from '../../client/model/events.ts';
import type { FlowView } from '../../client/model/topology.ts';

const flow: FlowView = {
  id: 'dl', from: 'laptop', to: 'server', transport: 'tcp', app: 'bulk', label: null, cc: 'reno', arq: 'tcp', mss: 1000, bytes: 1000,
  rateBps: 0, rwndBytes: 8000, readRateBps: null, windowSegments: 4, started: true, controllable: false,
};
const ctx: CaptionContext = { flows: new Map([['dl', flow]]), nodeName: (id) => (id === 'r1' ? 'r1 (Minji)' : id) };
const at = (e: Record<string, unknown>) => captionFor({ t: 1000, ...e } as unknown as WorldEvent, ctx);

describe('captions', () => {
  test('three duplicate ACKs → fast retransmit', () => {
    expect(at({ type: 'cwnd', flow: 'dl', cwnd: 4000, ssthresh: 4000, reason: 'fast-retransmit' })).toMatchObject({
      key: 'cap.fastRetransmit',
      params: { flow: 'dl', ssthresh: 4000 },
      tone: 'warn',
      focus: { node: 'laptop' },
    });
  });

  test('the three handshake steps, from the segments and the state change', () => {
    expect(at({ type: 'send', flow: 'dl', side: 'client', seq: 100, ack: 0, len: 0, flags: 'SYN', retransmit: false })).toMatchObject({ key: 'cap.hs1', params: { from: 'laptop', to: 'server', seq: 100 } });
    expect(at({ type: 'send', flow: 'dl', side: 'server', seq: 900, ack: 101, len: 0, flags: 'SYN|ACK', retransmit: false })).toMatchObject({ key: 'cap.hs2', params: { from: 'server', to: 'laptop', seq: 900, ack: 101 } });
    expect(at({ type: 'state', flow: 'dl', side: 'client', from: 'SYN_SENT', to: 'ESTABLISHED' })).toMatchObject({ key: 'cap.hs3', tone: 'good' });
    expect(at({ type: 'send', flow: 'dl', side: 'client', seq: 100, ack: 0, len: 0, flags: 'SYN', retransmit: true })).toMatchObject({ key: 'cap.synRetry', tone: 'warn' });
  });

  test('a SYN or SYN-ACK sent again names its flow, and merges only with its own flow’s', () => {
    const retry = (flags: string, side: 'client' | 'server') => at({ type: 'send', flow: 'dl', side, seq: 100, ack: 0, len: 0, flags, retransmit: true });
    expect(retry('SYN', 'client')).toMatchObject({ key: 'cap.synRetry', params: { from: 'laptop', flow: 'dl' }, group: 'syn-retry-dl' });
    expect(retry('SYN|ACK', 'server')).toMatchObject({ key: 'cap.synAckRetry', params: { from: 'server', flow: 'dl' }, group: 'synack-retry-dl' });
  });

  test('a host that a packet for someone else reached discards it as a host, not for want of a route', () => {
    const hostCtx = (lastDropped: { from: string; to: string } | null): CaptionContext => ({ ...ctx, layerOf: (id) => (id === 'r1' ? 3 : 7), lastDropped: () => lastDropped });
    const drop = (node: string, dropped: { from: string; to: string } | null) =>
      captionFor({ t: 1000, type: 'drop', node, flow: 'dl', packet: 9, kind: 'ack', reason: 'no-route' } as WorldEvent, hostCtx(dropped))?.key;
    // It came over a link into the host: misdelivered.
    expect(drop('laptop', { from: 'r1', to: 'laptop' })).toBe('cap.drop.notForHost');
    // Made there, with nowhere to go; or at a router: no route indeed.
    expect(drop('laptop', null)).toBe('cap.drop.noRoute');
    expect(drop('r1', { from: 'laptop', to: 'r1' })).toBe('cap.drop.noRoute');
  });

  test('a timeout during the handshake is told once, by the SYN or SYN-ACK sent again', () => {
    const rto = (side: 'client' | 'server', state: string) =>
      captionFor({ t: 1000, type: 'rto', flow: 'dl', side, seq: 1, rtoMs: 1000, backoffs: 1 } as WorldEvent, { ...ctx, tcpState: () => state });
    expect(rto('client', 'SYN_SENT')).toBeNull();
    expect(rto('server', 'SYN_RECEIVED')).toBeNull();
    expect(rto('client', 'ESTABLISHED')).toMatchObject({ key: 'cap.rto', params: { who: 'laptop', rto: 1000 } });
    expect(rto('server', 'LAST_ACK')).toMatchObject({ key: 'cap.rto', params: { who: 'server' } });
  });

  test('drops say where and why; a lost UDP datagram says it is gone for good', () => {
    expect(at({ type: 'drop', node: 'r1', flow: 'dl', packet: 9, kind: 'data', reason: 'player' })).toMatchObject({ key: 'cap.drop.player', params: { where: 'r1 (Minji)' }, focus: { node: 'r1' } });
    expect(at({ type: 'drop', link: 'up', flow: 'dl', packet: 9, kind: 'data', reason: 'queue-full' })).toMatchObject({ key: 'cap.drop.queueFull', focus: { link: 'up' } });
    expect(at({ type: 'drop', link: 'up', flow: 'v', packet: 9, kind: 'udp', reason: 'loss' })).toMatchObject({ key: 'cap.drop.udp' });
  });

  test('flow control: a zero window and its reopening', () => {
    expect(at({ type: 'window', flow: 'dl', side: 'server', rwnd: 0, event: 'zero' })).toMatchObject({ key: 'cap.zeroWindow', params: { receiver: 'server', sender: 'laptop' } });
    expect(at({ type: 'window', flow: 'dl', side: 'server', rwnd: 2000, event: 'open' })).toMatchObject({ key: 'cap.windowOpen', params: { rwnd: 2000 } });
  });

  test('a TLS handshake step by step; a failure is told by the side that noticed, with the check that caught it', () => {
    const tls = (e: Record<string, unknown>) => at({ type: 'tls', flow: 'dl', ...e });
    expect(tls({ node: 'laptop', side: 'client', step: 'ClientHello', dir: 'send', cipherSuites: ['A', 'B', 'C'] })).toMatchObject({ key: 'cap.tls.clientHello', params: { node: 'laptop', n: 3 }, tone: 'info' });
    expect(tls({ node: 'server', side: 'server', step: 'Certificate', dir: 'send', certificates: [{ subject: 'server', issuer: 'Trusty Root CA' }] })).toMatchObject({ key: 'cap.tls.certificate', params: { issuer: 'Trusty Root CA' } });
    // A client certificate, and messages received, are not captioned again.
    expect(tls({ node: 'laptop', side: 'client', step: 'Certificate', dir: 'send', certificates: [] })).toBeNull();
    expect(tls({ node: 'server', side: 'server', step: 'ClientHello', dir: 'recv' })).toBeNull();
    expect(tls({ node: 'laptop', side: 'client', step: 'ClientKeyExchange', dir: 'send' })).toMatchObject({ key: 'cap.tls.keyExchange' });
    expect(tls({ node: 'server', side: 'server', step: 'Finished', dir: 'send' })).toMatchObject({ key: 'cap.tls.finished', params: { node: 'server' } });
    expect(tls({ node: 'laptop', side: 'client', step: 'established' })).toMatchObject({ key: 'cap.tls.established', params: { from: 'laptop', to: 'server' }, tone: 'good' });
    expect(tls({ node: 'server', side: 'server', step: 'established' })).toBeNull();
    expect(tls({ node: 'laptop', side: 'client', step: 'warning', problem: 'self-signed', message: 'Not secure: …' })).toMatchObject({ key: 'cap.tls.warning', params: { node: 'laptop' }, tone: 'bad' });
    expect(tls({ node: 'server', side: 'server', step: 'failure', alert: 'decrypt_error', at: 'Finished', by: 'local' })).toMatchObject({ key: 'cap.tls.decryptError', tone: 'bad', focus: { node: 'server' } });
    expect(tls({ node: 'laptop', side: 'client', step: 'failure', alert: 'decrypt_error', at: 'ChangeCipherSpec', by: 'peer' })).toBeNull();
    expect(tls({ node: 'laptop', side: 'client', step: 'failure', alert: 'bad_certificate', at: 'Certificate', by: 'local' })).toMatchObject({ key: 'cap.tls.badCertificate' });
    expect(tls({ node: 'laptop', side: 'client', step: 'failure', alert: 'protocol_version', at: 'ServerHello', by: 'local' })).toMatchObject({ key: 'cap.tls.failure', params: { at: 'ServerHello', alert: 'protocol_version' } });
  });

  test('a tap altering a handshake says which message, and which check will catch it', () => {
    expect(at({ type: 'tap', node: 'r1', action: 'tamper', flow: 'dl', tampered: 'server-hello' })).toMatchObject({ key: 'cap.tamper', params: { node: 'r1 (Minji)', message: 'ServerHello' } });
    expect(at({ type: 'tap', node: 'r1', action: 'tamper', flow: 'dl', tampered: 'certificate' })).toMatchObject({ key: 'cap.tamperCertificate' });
    expect(at({ type: 'tap', node: 'r1', action: 'frame', flow: 'dl' })).toBeNull();
  });

  test('an HTTP error answer is told at the client; requests and good answers are not', () => {
    const http = (e: Record<string, unknown>) => at({ type: 'http', flow: 'dl', node: 'laptop', side: 'client', method: 'GET', path: '/notes', ...e });
    expect(http({ event: 'response', status: 404 })).toMatchObject({ key: 'cap.httpError', params: { server: 'server', who: 'laptop', status: 404, method: 'GET', path: '/notes' }, tone: 'bad' });
    expect(http({ event: 'response', status: 200 })).toBeNull();
    expect(http({ event: 'request' })).toBeNull();
    expect(http({ event: 'response', status: 404, side: 'server', node: 'server' })).toBeNull();
    // No answer at all: a connection refused by the server's TCP, or one that failed.
    expect(http({ event: 'error', reason: 'connection refused' })).toMatchObject({ key: 'cap.httpRefused', params: { server: 'server', who: 'laptop' }, tone: 'bad' });
    expect(http({ event: 'error', reason: 'connection reset' })).toMatchObject({ key: 'cap.httpFailed', params: { who: 'laptop', method: 'GET', path: '/notes', reason: { key: 'reason.connectionReset' } } });
    // A reason the player's language has no words for is shown as the engine wrote it.
    expect(http({ event: 'error', reason: 'bad response: no status line' })).toMatchObject({ params: { reason: { key: 'reason.badResponse' } } });
    expect(http({ event: 'error', reason: 'something new' })).toMatchObject({ params: { reason: 'something new' } });
  });

  test("a caller's way of waiting is told for callers whose waiting matters; server threads and plain callers are not", () => {
    const callerFlow: FlowView = { ...flow, id: 'order', app: 'http', call: 'sync-nonblocking' };
    const c: CaptionContext = { ...ctx, flows: new Map([['dl', flow], ['order', callerFlow]]) };
    const io = (e: Record<string, unknown>) => captionFor({ t: 1000, type: 'io', node: 'laptop', thread: 'caller', flow: 'order', ...e } as unknown as WorldEvent, c);
    expect(io({ call: 'recv', result: 'EWOULDBLOCK' })).toMatchObject({ key: 'cap.call.notYet', params: { who: 'laptop' }, tone: 'warn' });
    expect(io({ call: 'recv', result: 'blocked' })).toMatchObject({ key: 'cap.call.blocked' });
    expect(io({ call: 'wait', result: 'blocked' })).toMatchObject({ key: 'cap.call.held' });
    expect(io({ call: 'callback', result: 'data' })).toMatchObject({ key: 'cap.call.callback', tone: 'good' });
    expect(io({ call: 'recv', result: 'data' })).toMatchObject({ key: 'cap.call.got' });
    expect(io({ call: 'recv', result: 'blocked', flow: 'dl' })).toBeNull();
    expect(io({ call: 'recv', result: 'blocked', thread: 'worker-1' })).toBeNull();
  });

  test("the engine's own reasons for giving up are worded in the player's language", () => {
    const r = run(
      dnsScenario({
        dns: { queries: ['www.example.com'], timeoutMs: 300, retries: 1 },
        faults: [1, 2].map((segment) => ({ kind: 'drop-segment' as const, flow: 'q', segment })),
      }),
      ['dns'],
    );
    const dnsCtx: CaptionContext = { flows: new Map([['q', { ...flow, id: 'q', from: 'pc', to: 'ns1', app: 'dns' }]]), nodeName: (id) => id };
    const gaveUp = r.events.map((e) => captionFor(e as unknown as WorldEvent, dnsCtx)).filter((c) => c?.key === 'cap.dns.giveUp');
    expect(gaveUp.map((c) => translate('ko', c!.key, c!.params))).toEqual(['pc가 www.example.com. 조회를 포기합니다(제때 답이 없음).']);
  });

  test("a DNS lookup from the engine: the question, the answer cut at 512 bytes, the switch to TCP; an old resolver keeps the cut answer", () => {
    const raw = JSON.parse(readFileSync(new URL('../../scenarios/topics/t13-dns-truncated-tcp.json', import.meta.url), 'utf8'));
    const loaded = loadScenario(raw);
    if (!loaded.ok) throw new Error(loaded.errors.join('; '));
    const engine = new Engine(loaded.scenario);
    const flows = new Map(loaded.scenario.flows.map((f) => [f.id, { ...flow, id: f.id, from: f.from, to: f.to, app: 'dns' }]));
    const dnsCtx: CaptionContext = { flows, nodeName: (id) => id };
    const seen: string[] = [];
    engine.subscribe(['dns'], (e) => {
      const c = captionFor(e as unknown as WorldEvent, dnsCtx);
      if (c !== null) seen.push(`${c.key} ${JSON.stringify(c.params)}`);
    });
    engine.run();
    expect(seen.filter((l) => l.includes('"who":"browser"'))).toEqual([
      'cap.dns.query {"who":"browser","server":"ns1","name":"www.shop.example.","qtype":"A"}',
      'cap.dns.answer {"who":"browser","name":"www.shop.example.","n":1,"ms":40,"transport":"UDP"}',
      'cap.dns.query {"who":"browser","server":"ns1","name":"img.shop.example.","qtype":"A"}',
      'cap.dns.cut {"who":"browser","name":"img.shop.example.","n":29}',
      'cap.dns.truncated {"who":"browser","name":"img.shop.example."}',
      'cap.dns.answer {"who":"browser","name":"img.shop.example.","n":36,"ms":120,"transport":"TCP"}',
      'cap.dns.query {"who":"browser","server":"ns1","name":"shop.example.","qtype":"TXT"}',
      'cap.dns.cut {"who":"browser","name":"shop.example.","n":0}',
      'cap.dns.truncated {"who":"browser","name":"shop.example."}',
      'cap.dns.answer {"who":"browser","name":"shop.example.","n":1,"ms":120,"transport":"TCP"}',
    ]);
    // The old resolver never switches to TCP: it keeps the cut answers.
    expect(seen.filter((l) => l.includes('"who":"old-pc"'))).toEqual([
      'cap.dns.query {"who":"old-pc","server":"ns1","name":"www.shop.example.","qtype":"A"}',
      'cap.dns.answer {"who":"old-pc","name":"www.shop.example.","n":1,"ms":40,"transport":"UDP"}',
      'cap.dns.query {"who":"old-pc","server":"ns1","name":"img.shop.example.","qtype":"A"}',
      'cap.dns.cut {"who":"old-pc","name":"img.shop.example.","n":29}',
      'cap.dns.query {"who":"old-pc","server":"ns1","name":"shop.example.","qtype":"TXT"}',
      'cap.dns.cut {"who":"old-pc","name":"shop.example.","n":0}',
    ]);
  });

  test("the resolver's own timer, the switch to TCP after silence, giving up and an error answer", () => {
    const dnsFlow = new Map([['q', { ...flow, id: 'q', from: 'laptop', to: 'ns', app: 'dns' }]]);
    const c = (e: Record<string, unknown>) => captionFor({ t: 1000, type: 'dns', node: 'laptop', flow: 'q', side: 'client', name: 'www.school.example.', ...e } as unknown as WorldEvent, { flows: dnsFlow, nodeName: (id) => id });
    expect(c({ action: 'timeout', transport: 'udp', attempt: 1, timeoutMs: 2000, next: 'retry' })).toMatchObject({ key: 'cap.dns.retry', params: { who: 'laptop', name: 'www.school.example.', ms: 2000, attempt: 2 }, tone: 'warn', focus: { node: 'laptop' } });
    expect(c({ action: 'query', transport: 'udp', attempt: 2, retry: true })).toBeNull();
    expect(c({ action: 'timeout', transport: 'udp', attempt: 4, timeoutMs: 2000, next: 'tcp' })).toMatchObject({ key: 'cap.dns.timeoutTcp' });
    expect(c({ action: 'timeout', transport: 'udp', attempt: 4, timeoutMs: 2000, next: 'give-up' })).toBeNull();
    expect(c({ action: 'give-up', reason: 'timeout', attempts: 4 })).toMatchObject({ key: 'cap.dns.giveUp', params: { reason: { key: 'reason.timeout' } }, tone: 'bad' });
    expect(c({ action: 'response', transport: 'udp', rcode: 'NXDOMAIN', tc: false, answers: 0, latencyMs: 40 })).toMatchObject({ key: 'cap.dns.error', params: { server: 'ns', rcode: 'NXDOMAIN' }, tone: 'bad' });
    expect(c({ action: 'answer', side: 'server', rcode: 'NOERROR' })).toBeNull();
  });

  test('plain data and ACKs make no caption', () => {
    expect(at({ type: 'send', flow: 'dl', side: 'client', seq: 1, ack: 1, len: 1000, flags: 'ACK', retransmit: false })).toBeNull();
    expect(at({ type: 'tx', packet: 1, flow: 'dl', kind: 'data', link: 'l', from: 'a', to: 'b', bytes: 1, departMs: 0, arriveMs: 1 })).toBeNull();
  });

  test('a burst of alike captions is one line with a count', () => {
    const feed = new CaptionFeed(1500, 3);
    const drop = (t: number) => captionFor({ type: 'drop', t, link: 'up', flow: 'dl', packet: t, kind: 'data', reason: 'queue-full' } as WorldEvent, ctx)!;
    expect(feed.add(drop(0))).not.toBeNull();
    expect(feed.add(drop(500))).toBeNull();
    expect(feed.add(drop(1400))).toBeNull();
    expect(feed.items).toHaveLength(1);
    expect(feed.items[0]!.count).toBe(3);
    // Past the hold-back window, a new line.
    expect(feed.add(drop(3000))).not.toBeNull();
    expect(feed.items.map((c) => c.count)).toEqual([3, 1]);
  });
});
