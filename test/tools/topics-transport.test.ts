// The topic scenarios T5–T12 (scenarios/topics/), each run through the `sim` command as a teacher
// or tool would, checking the protocol facts the scenario exists to show.

import { describe, expect, it } from 'vitest';
import { simTopic, type SimRun } from './run-sim.ts';



const sim = (file: string, trace = 'all'): SimRun => simTopic(file, trace);

describe('T5 OSI layers (t05-osi-layers.json)', () => {
  const r = sim('t05-osi-layers.json', 'l2,drop,tx');
  it('the switch learns and then forwards instead of flooding; the hub repeats everything', () => {
    const sw = r.of('l2').filter((e) => e.node === 'sw');
    expect(sw.filter((e) => e.action === 'learn').map((e) => e.port).sort()).toEqual(['p1', 'p2', 'uplink']);
    expect(sw.filter((e) => e.action === 'forward').length).toBeGreaterThan(50);
    expect(sw.filter((e) => e.action === 'flood').length).toBeLessThan(15);
    expect(r.of('l2').filter((e) => e.node === 'hb').every((e) => e.action === 'repeat')).toBe(true);
  });
  it('every host on the hub hears the other host’s frames and its network card discards them', () => {
    const heardByH5 = r.of('drop').filter((e) => e.node === 'h5' && e.reason === 'mac-filter');
    const notFromH5 = r.of('l2').filter((e) => e.node === 'hb' && e.in !== 'p5');
    expect(heardByH5.length).toBe(notFromH5.length);
    expect(r.summary.flows.upload).toMatchObject({ deliveredBytes: 60000, completed: true });
    expect(r.summary.flows['hub-upload']).toMatchObject({ deliveredBytes: 20000, completed: true });
  });
  it('the first SYN is flooded by the switch (the router MAC is not learned yet), then routed over the WAN', () => {
    const first = r.of('tx').filter((e) => e.flow === 'upload' && e.kind === 'syn').map((e) => e.link);
    expect(first).toEqual(['p1', 'p2', 'p3', 'uplink', 'wan', 'dc']);
  });
});

describe('T6 why TCP (t06-why-tcp.json)', () => {
  const r = sim('t06-why-tcp.json', 'drop,ack,send');
  it('the network loses one segment, reorders another and duplicates a third', () => {
    expect(r.of('drop').map((e) => [e.kind, e.reason])).toEqual([['data', 'loss']]);
    expect(r.summary.packets.duplicated).toBe(1);
    const dupAcks = r.of('ack').filter((e, i, all) => e.side === 'server' && i > 0 && all[i - 1]!.ack === e.ack && all[i - 1]!.side === 'server');
    expect(dupAcks.length).toBeGreaterThan(3);
  });
  it('and still delivers every byte once, in order', () => {
    expect(r.summary.flows.file).toMatchObject({ deliveredBytes: 120000, verifiedBytes: 120000, mismatchedBytes: 0, completed: true });
    expect(r.of('send').filter((e) => e.retransmit).length).toBe(r.summary.flows.file.retransmits);
  });
});

describe('T7 flow control (t07-flow-control.json)', () => {
  const r = sim('t07-flow-control.json', 'window,probe,send');
  it('the window closes, the sender probes, the window reopens, everything arrives', () => {
    const events = r.of('window').map((e) => e.event);
    expect(events[0]).toBe('zero');
    expect(events.filter((e) => e === 'open').length).toBeGreaterThan(3);
    expect(r.of('probe').length).toBeGreaterThan(0);
    expect(r.summary.flows.upload).toMatchObject({ deliveredBytes: 20000, mismatchedBytes: 0, completed: true });
  });
});

describe('T8 ARQ modes (t08-arq-modes.json)', () => {
  const r = sim('t08-arq-modes.json', 'send');
  const resent = (flow: string) => r.of('send').filter((e) => e.flow === flow && e.retransmit).length;
  it('stop-and-wait and Selective Repeat resend only the two lost segments; Go-Back-N resends whole windows', () => {
    expect(resent('stop-and-wait')).toBe(2);
    expect(resent('selective-repeat')).toBe(2);
    expect(resent('go-back-n')).toBe(16); // two windows of 8
  });
  it('all three deliver the same bytes; keeping several segments in flight is faster than one', () => {
    for (const f of ['stop-and-wait', 'go-back-n', 'selective-repeat']) {
      expect(r.summary.flows[f]).toMatchObject({ deliveredBytes: 30000, mismatchedBytes: 0, completed: true });
    }
    expect(r.summary.flows['selective-repeat'].goodputBps).toBeGreaterThan(r.summary.flows['stop-and-wait'].goodputBps * 1.5);
  });
});

describe('T9 congestion control (t09-congestion-control.json)', () => {
  const r = sim('t09-congestion-control.json', 'cwnd,deliver');
  const cwnd = (flow: string) => r.of('cwnd').filter((e) => e.flow === flow);
  it('the same loss: Tahoe falls to one segment, Reno to half plus three, AIMD halves', () => {
    const tahoe = cwnd('tahoe').find((e) => e.reason === 'fast-retransmit')!;
    const reno = cwnd('reno').find((e) => e.reason === 'fast-retransmit')!;
    const aimd = cwnd('aimd').find((e) => e.reason === 'fast-retransmit')!;
    expect(tahoe.cwnd).toBe(1000);
    expect(reno.cwnd).toBe(reno.ssthresh + 3000);
    expect(cwnd('aimd').some((e) => e.reason === 'slow-start')).toBe(false);
    const beforeAimd = cwnd('aimd')[cwnd('aimd').indexOf(aimd) - 1]!;
    expect(aimd.cwnd).toBe(Math.floor(beforeAimd.cwnd / 2000) * 1000);
  });
  it('on the shared bottleneck the late Reno flow converges to a fair share', () => {
    const bytes = (flow: string, from: number, to: number) =>
      r.of('deliver').filter((e) => e.flow === flow && e.t >= from && e.t < to).reduce((n, e) => n + e.bytes, 0);
    const a = bytes('first', 50_000, 90_000);
    const b = bytes('late', 50_000, 90_000);
    expect((a + b) ** 2 / (2 * (a * a + b * b))).toBeGreaterThan(0.95);
  });
});

describe('T10 three-way handshake (t10-three-way-handshake.json)', () => {
  const r = sim('t10-three-way-handshake.json', 'send,ack,drop,state');
  it('a lost SYN is retried after 1 s; then SYN(x), SYN-ACK(y, x+1), ACK(y+1)', () => {
    expect(r.of('drop')).toEqual([expect.objectContaining({ t: 0, kind: 'syn', reason: 'link-down' })]);
    const syns = r.of('send').filter((e) => e.flags === 'SYN');
    expect(syns.map((e) => [e.t, e.seq, e.retransmit])).toEqual([[0, 1000, false], [1000, 1000, true]]);
    const synAck = r.of('send').find((e) => e.flags === 'ACK|SYN')!;
    expect(synAck.ack).toBe(1001);
    const third = r.of('ack').find((e) => e.side === 'client')!;
    expect([third.seq, third.ack]).toEqual([1001, synAck.seq + 1]);
    expect(r.of('state').filter((e) => e.to === 'ESTABLISHED').map((e) => e.side)).toEqual(['client', 'server']);
  });
});

describe('T11 four-way close (t11-four-way-handshake.json)', () => {
  const r = sim('t11-four-way-handshake.json', 'send,state,drop');
  it('FIN_WAIT_1, CLOSE_WAIT, LAST_ACK, FIN_WAIT_2, TIME_WAIT; the lost last ACK brings the FIN again', () => {
    const states = r.of('state').map((e) => `${e.side}:${e.to}`);
    for (const s of ['client:FIN_WAIT_1', 'server:CLOSE_WAIT', 'server:LAST_ACK', 'client:FIN_WAIT_2', 'client:TIME_WAIT', 'server:CLOSED', 'client:CLOSED']) {
      expect(states).toContain(s);
    }
    expect(r.of('drop')).toEqual([expect.objectContaining({ kind: 'ack', reason: 'loss' })]);
    const serverFins = r.of('send').filter((e) => e.side === 'server' && e.flags === 'ACK|FIN');
    expect(serverFins.map((e) => e.retransmit)).toEqual([false, true]);
    const timeWait = r.of('state').find((e) => e.to === 'TIME_WAIT')!;
    const closed = r.of('state').find((e) => e.side === 'client' && e.to === 'CLOSED')!;
    expect(closed.t - timeWait.t).toBeGreaterThan(2000); // the late FIN restarted the 2·MSL wait
  });
});

describe('T12 UDP vs TCP (t12-udp-vs-tcp.json)', () => {
  const r = sim('t12-udp-vs-tcp.json', 'drop,send');
  it('UDP video loses frames for good; TCP video loses none but plays many late', () => {
    expect(r.summary.flows['video-udp']).toMatchObject({ framesLate: 0, retransmits: 0 });
    expect(r.summary.flows['video-udp'].framesMissing).toBeGreaterThan(10);
    expect(r.summary.flows['video-tcp'].framesMissing).toBe(0);
    expect(r.summary.flows['video-tcp'].framesLate).toBeGreaterThan(50);
  });
  it('the voice stream never resends; the upload over the same path gets every byte', () => {
    expect(r.of('send').filter((e) => e.flow === 'voice' && e.retransmit).length).toBe(0);
    expect(r.summary.flows.voice.lostDatagrams).toBe(r.of('drop').filter((e) => e.flow === 'voice').length);
    expect(r.summary.flows.upload).toMatchObject({ deliveredBytes: 300000, mismatchedBytes: 0, completed: true });
  });
});
