import { describe, expect, it } from 'vitest';
import { internetChecksum } from '../../shared/protocols/net/checksum.ts';
import { emitIpv4, parseIpv4 } from '../../shared/protocols/net/ipv4.ts';
import { emitTcp, parseTcp, ACK, SYN } from '../../shared/protocols/transport/tcp/header.ts';
import { emitUdp, parseUdp } from '../../shared/protocols/transport/udp/header.ts';
import { parseIp } from '../../shared/protocols/net/addresses.ts';
import { build, pair, run } from './helpers.ts';
import { emitFrame, parseFrame } from '../../shared/protocols/net/wire.ts';

describe('Internet checksum (RFC 1071)', () => {
  it('matches the worked example of RFC 1071 §3', () => {
    const data = new Uint8Array([0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7]);
    expect(internetChecksum(data, 0, data.length)).toBe(~0xddf2 & 0xffff);
  });

  it('gives the well-known IPv4 header checksum 0xb861', () => {
    // 45 00 00 73 00 00 40 00 40 11 [b8 61] c0 a8 00 01 c0 a8 00 c7
    const out = new Uint8Array(20);
    emitIpv4(
      {
        dscp: 0, ecn: 0, totalLength: 0x73, identification: 0, dontFragment: true, moreFragments: false, fragmentOffset: 0,
        ttl: 64, protocol: 17, src: parseIp('192.168.0.1')!, dst: parseIp('192.168.0.199')!,
      },
      out,
      0,
    );
    expect([out[10], out[11]]).toEqual([0xb8, 0x61]);
    expect(parseIpv4(out, 0)).toMatchObject({ version: 4, ihl: 5, ttl: 64, protocol: 17, checksumValid: true });
  });
});

describe('TCP and UDP headers round-trip through their wire format', () => {
  const src = parseIp('10.0.0.1')!;
  const dst = parseIp('10.0.0.2')!;

  it('TCP with MSS, window scale and SACK options', () => {
    const out = new Uint8Array(80);
    const payload = new TextEncoder().encode('hello');
    const n = emitTcp(
      { srcPort: 49152, dstPort: 80, seq: 4294967295, ack: 17, flags: SYN | ACK, window: 65535, urgentPointer: 0, options: { mss: 1460, windowScale: 7, sackPermitted: true, sack: [[100, 200]] } },
      payload, src, dst, out, 0,
    );
    expect(n).toBe(20 + 4 + 4 + 4 + 12 + 5);
    const h = parseTcp(out, 0, n, src, dst);
    expect(h).toMatchObject({ srcPort: 49152, dstPort: 80, seq: 4294967295, ack: 17, flags: SYN | ACK, window: 65535, checksumValid: true, headerLength: 44 });
    expect(h.options).toEqual({ mss: 1460, windowScale: 7, sackPermitted: true, sack: [[100, 200]] });
    out[n - 1] = out[n - 1]! ^ 0x01; // one flipped payload bit
    expect(parseTcp(out, 0, n, src, dst).checksumValid).toBe(false);
  });

  it('UDP header fields and checksum', () => {
    const out = new Uint8Array(40);
    const n = emitUdp({ srcPort: 5353, dstPort: 53 }, new Uint8Array([1, 2, 3]), src, dst, out, 0);
    expect(n).toBe(11);
    expect(parseUdp(out, 0, n, src, dst)).toMatchObject({ srcPort: 5353, dstPort: 53, length: 11, checksumValid: true });
    out[9] = out[9]! ^ 0x10;
    expect(parseUdp(out, 0, n, src, dst).checksumValid).toBe(false);
  });
});

describe('packets in flight', () => {
  it('encode to a full frame that parses back to the same layers', () => {
    const e = build({ durationMs: 100, ...pair({ bandwidthBps: 1e6, delayMs: 20 }), flows: [{ id: 'f', from: 'a', to: 'b', transport: 'tcp', iss: 7 }] });
    e.runUntilMs(5);
    const syn = e.packetsInNetwork()[0]!;
    const frame = emitFrame(syn);
    expect(frame.length).toBe(62);
    const back = parseFrame(frame);
    expect(back.tcp).toMatchObject({ seq: 7, flags: SYN, checksumValid: true });
    expect(back.ip).toMatchObject({ src: parseIp('10.0.0.1'), dst: parseIp('10.0.0.2'), ttl: 64, totalLength: 48, checksumValid: true });
    const layers = e.inspect(syn.id)!.layers;
    expect(layers.map((l) => [l.osi, l.protocol])).toEqual([[2, 'Ethernet II'], [3, 'IPv4'], [4, 'TCP']]);
    expect(layers[2]!.fields).toContainEqual({ name: 'option MSS', value: 1460 });
  });
});

describe('links', () => {
  it('serialise at the bandwidth and propagate after the delay, queued frames departing back to back', () => {
    const r = run(
      { durationMs: 200, ...pair({ bandwidthBps: 1e6, delayMs: 20 }), flows: [{ id: 'u', from: 'a', to: 'b', transport: 'udp', app: 'cbr', rateBps: 1e6, packetBytes: 958, stopMs: 10 }] },
      ['tx'],
    );
    // One 1000-byte frame (14 + 20 + 8 + 958) every 7.664 ms at 1 Mbit/s takes 8 ms to clock out: the queue grows.
    const tx = r.of('tx');
    expect(tx[0]).toMatchObject({ t: 0, bytes: 1000, departMs: 0, arriveMs: 28 });
    expect(tx[1]).toMatchObject({ t: 7.664, bytes: 1000, departMs: 8, arriveMs: 36 }); // waited 0.336 ms behind the first
  });

  it('drop at the tail when the queue is full, and report the reason', () => {
    const r = run(
      {
        durationMs: 300,
        ...pair({ bandwidthBps: 100_000, delayMs: 1, queuePackets: 3 }),
        flows: [{ id: 'u', from: 'a', to: 'b', transport: 'udp', app: 'cbr', rateBps: 2e6, packetBytes: 200, stopMs: 10 }],
      },
      ['tx', 'drop'],
    );
    // 13 datagrams offered in 10 ms to a link that needs 19.36 ms for each: one on the wire, three queued.
    expect(r.of('tx')).toHaveLength(4);
    expect(r.of('drop').map((e) => e.reason)).toEqual(Array(9).fill('queue-full'));
    const departs = r.of('tx').map((e) => e.departMs);
    expect(departs).toEqual([0, 19.36, 38.72, 58.08]);
  });

  it('lose every frame queued or on the wire when a link goes down', () => {
    const r = run(
      {
        durationMs: 300,
        ...pair({ bandwidthBps: 1e6, delayMs: 50 }),
        flows: [{ id: 'u', from: 'a', to: 'b', transport: 'udp', app: 'cbr', rateBps: 500_000, packetBytes: 200, stopMs: 20 }],
        faults: [{ kind: 'link-down', link: 'ab', atMs: 30, untilMs: 100 }],
      },
      ['drop', 'deliver'],
    );
    expect(r.of('deliver')).toHaveLength(0);
    expect(r.of('drop').every((e) => e.reason === 'link-down' && e.t === 30)).toBe(true);
    expect(r.of('drop').length).toBe(r.engine.summary().flows.u!.sentSegments);
  });

  it('frames sent after a link comes back arrive, while frames lost with it would still have been arriving', () => {
    // 25 frames of 1028 bytes queue on a 1 Mbit/s link (8.2 ms each): the last would arrive near 260 ms.
    const r = run(
      {
        durationMs: 400,
        ...pair({ bandwidthBps: 1e6, delayMs: 50, queuePackets: 100 }),
        flows: [
          { id: 'burst', from: 'a', to: 'b', transport: 'udp', app: 'cbr', rateBps: 20_000_000, packetBytes: 1000, stopMs: 10 },
          { id: 'late', from: 'a', to: 'b', transport: 'udp', app: 'cbr', port: 5006, rateBps: 80_000, packetBytes: 100, startMs: 30, stopMs: 100 },
        ],
        faults: [{ kind: 'link-down', link: 'ab', atMs: 20, untilMs: 25 }],
      },
      ['drop', 'tx', 'arrive'],
      40,
    );
    const burst = r.engine.summary().flows.burst!.sentSegments;
    expect(burst).toBe(25);
    expect(r.of('drop').map((e) => [e.t, e.flow, e.reason])).toEqual(Array(burst).fill([20, 'burst', 'link-down']));
    // At 40 ms the late flow's first frames are on the wire, in the order they were sent, and nothing else is.
    const lateTx = r.of('tx').filter((e) => e.flow === 'late').map((e) => e.packet);
    expect(lateTx.length).toBeGreaterThan(0);
    expect(r.engine.packetsInNetwork().map((p) => p.id)).toEqual(lateTx);
    r.engine.runUntilMs(400);
    const late = r.engine.summary().flows.late!;
    expect(r.of('arrive').filter((e) => e.flow === 'late')).toHaveLength(late.sentSegments);
    expect(late.deliveredBytes).toBe(late.sentSegments * 100);
    expect(r.of('drop')).toHaveLength(burst);
  });

  it('a frame held up on the way is lost with its link, like every frame still on it', () => {
    const r = run(
      {
        durationMs: 5000,
        ...pair({ delayMs: 10 }),
        // Ten segments at once: duplicate ACKs bring a retransmission of segment 2 (more frames on the
        // link) long before the held-up original would arrive.
        flows: [{ id: 'f', from: 'a', to: 'b', transport: 'tcp', bytes: 20_000, mss: 1000, initialCwndSegments: 10, verify: true }],
        faults: [
          { kind: 'delay-segment', flow: 'f', segment: 2, delayMs: 500 },
          { kind: 'link-down', link: 'ab', atMs: 200, untilMs: 300 },
        ],
      },
      ['drop', 'tx', 'arrive'],
    );
    const firstData = r.of('tx').filter((e) => e.flow === 'f' && e.kind === 'data' && !e.retransmit);
    const held = firstData[1]!.packet;
    expect(firstData[1]!.t).toBeLessThan(200);
    expect(r.of('drop').filter((e) => e.packet === held).map((e) => [e.t, e.link, e.reason])).toEqual([[200, 'ab', 'link-down']]);
    expect(r.of('arrive').some((e) => e.packet === held)).toBe(false);
    expect(r.engine.summary().flows.f).toMatchObject({ deliveredBytes: 20_000, mismatchedBytes: 0, completed: true, fastRetransmits: 1 });
  });

  it('corrupted frames are caught by the checksum and TCP recovers them', () => {
    const r = run(
      {
        seed: 9,
        durationMs: 20_000,
        ...pair({ delayMs: 5 }),
        links: [{ id: 'ab', a: 'a', b: 'b', bandwidthBps: 10e6, delayMs: 5, corruption: 0.05 }],
        flows: [{ id: 'f', from: 'a', to: 'b', transport: 'tcp', bytes: 200_000, mss: 1000, verify: true }],
      },
      ['drop'],
    );
    const checksumDrops = r.of('drop').filter((e) => e.reason === 'checksum');
    expect(checksumDrops.length).toBeGreaterThan(5);
    expect(r.engine.summary().flows.f).toMatchObject({ deliveredBytes: 200_000, mismatchedBytes: 0, completed: true });
  });
});

describe('routers', () => {
  it('decrement TTL and drop a packet caught in a routing loop when it reaches zero', () => {
    const r = run(
      {
        durationMs: 500,
        nodes: [
          { id: 'a', kind: 'host' },
          { id: 'r1', kind: 'router' },
          { id: 'r2', kind: 'router' },
          { id: 'b', kind: 'host' },
        ],
        links: [
          { id: 'a1', a: 'a', b: 'r1', bandwidthBps: 1e9, delayMs: 1 },
          { id: 'r12', a: 'r1', b: 'r2', bandwidthBps: 1e9, delayMs: 1 },
          { id: 'r2b', a: 'r2', b: 'b', bandwidthBps: 1e9, delayMs: 1 },
        ],
        routes: [{ node: 'r2', to: 'b', via: 'r12' }], // r2 sends b's packets back to r1: a loop
        flows: [{ id: 'u', from: 'a', to: 'b', transport: 'udp', app: 'cbr', stopMs: 1 }],
      },
      ['drop', 'tx'],
    );
    expect(r.of('drop')).toEqual([expect.objectContaining({ reason: 'ttl', kind: 'udp' })]);
    // TTL 64: a→r1 once, then 63 more hops between the routers before it would reach zero.
    expect(r.of('tx')).toHaveLength(64);
  });
});
