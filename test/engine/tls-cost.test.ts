import { describe, expect, it } from 'vitest';
import { CRYPTO_COST_NS, CryptoMeter } from '../../shared/protocols/app/tls/crypto-cost.ts';
import { run } from './helpers.ts';
import { tlsScenario } from './tls-helpers.ts';

const C = CRYPTO_COST_NS;

function flowOf(o: Parameters<typeof tlsScenario>[0]) {
  return run(tlsScenario(o), ['tls']).engine.summary().flows.f as Record<string, any>;
}

describe('symmetric vs public-key cost (seed: 대칭키 & 공개키)', () => {
  it('one public-key operation costs the CPU far more than sealing a whole 1 KB record', () => {
    const m = new CryptoMeter();
    m.aesGcm(1024);
    const record = m.take();
    for (const op of [C.x25519KeyPairNs, C.x25519SharedNs, C.ed25519SignNs, C.ed25519VerifyNs]) expect(op).toBeGreaterThan(8 * record);
    // Encrypting 48 bytes to a public key (ECIES: two X25519 operations) against sealing them with AES.
    m.aesGcm(48);
    expect(C.x25519KeyPairNs + C.x25519SharedNs).toBeGreaterThan(50 * m.take());
  });

  it('the handshake is the public-key part: three operations for the client, one for the server', () => {
    const f = flowOf({});
    const { client, server } = f.tls;
    expect(client.cpu).toMatchObject({ publicKeyOps: 3, publicKeyMs: (C.ed25519VerifyNs + C.x25519KeyPairNs + C.x25519SharedNs) / 1e6 });
    expect(server.cpu).toMatchObject({ publicKeyOps: 1, publicKeyMs: C.x25519SharedNs / 1e6 });
    // Per operation, public-key work costs more than 20 times symmetric work.
    expect(client.cpu.publicKeyMs / client.cpu.publicKeyOps).toBeGreaterThan(20 * (client.cpu.symmetricMs / client.cpu.symmetricOps));
  });

  it('bulk data costs only symmetric work, per byte: a 50× larger upload needs no more public-key work', () => {
    const small = flowOf({ flow: { bytes: 20_000 } }).tls.client.cpu;
    const large = flowOf({ flow: { bytes: 1_000_000 }, durationMs: 10_000 }).tls.client.cpu;
    expect(large.publicKeyOps).toBe(small.publicKeyOps);
    expect(large.publicKeyMs).toBe(small.publicKeyMs);
    expect(large.symmetricBytes).toBeGreaterThan(1_000_000);
    const perByteNs = ((large.symmetricMs - small.symmetricMs) * 1e6) / (large.symmetricBytes - small.symmetricBytes);
    expect(perByteNs).toBeGreaterThan(C.aesGcmByteNs);
    expect(perByteNs).toBeLessThan(C.aesGcmByteNs + 5);
  });

  it('public-key work is felt as handshake latency: a client certificate adds a signature and two verifications', () => {
    const plain = flowOf({});
    const mutual = flowOf({ client: { clientCertificate: { issuer: 'ca' } }, server: { clientAuth: 'require' } });
    expect(mutual.tls.server.cpu.publicKeyOps).toBe(plain.tls.server.cpu.publicKeyOps + 2);
    expect(mutual.tls.client.cpu.publicKeyOps).toBe(plain.tls.client.cpu.publicKeyOps + 1);
    const extraMs = (C.ed25519SignNs + 2 * C.ed25519VerifyNs) / 1e6;
    expect(mutual.handshakeMs - plain.handshakeMs).toBeGreaterThanOrEqual(extraMs);
  });

  it('handshakes queue on a busy server CPU', () => {
    const r = run(
      {
        ...tlsScenario(),
        nodes: [...(tlsScenario().nodes as object[]), { id: 'client2', kind: 'host' }],
        links: [...(tlsScenario().links as object[]), { id: 'l4', a: 'client2', b: 'r', bandwidthBps: 10_000_000, delayMs: 5 }],
        flows: [
          { id: 'f', from: 'client', to: 'bank', transport: 'tcp', bytes: 1000, tls: {} },
          { id: 'g', from: 'client2', to: 'bank', transport: 'tcp', bytes: 1000, tls: {} },
        ],
      } as never,
      ['tls'],
    );
    const kex = r.of('tls').filter((e) => e.node === 'bank' && e.step === 'ClientKeyExchange');
    // Both key exchanges reach the server at the same instant; the second waits for the first's X25519.
    expect(kex).toHaveLength(2);
    expect((kex[1]!.t as number) - (kex[0]!.t as number)).toBeGreaterThanOrEqual(C.x25519SharedNs / 1e6);
  });

  it("a slow client's handshake takes its public-key work divided by its cpuSpeed longer", () => {
    const fast = flowOf({});
    const slow = flowOf({ client: { cpuSpeed: 0.1 } });
    // The client's three operations run ten times slower; the costs themselves are reported at speed 1.
    expect(slow.tls.client.cpu).toEqual(fast.tls.client.cpu);
    const clientPkMs = (C.ed25519VerifyNs + C.x25519KeyPairNs + C.x25519SharedNs) / 1e6;
    expect(slow.handshakeMs - fast.handshakeMs).toBeGreaterThanOrEqual(9 * clientPkMs);
    expect(slow.handshakeMs - fast.handshakeMs).toBeLessThan(10 * clientPkMs + 1);
  });

  it("an https flow's clientCpu sums every connection: a connection per request repeats the public-key part", () => {
    const https = (keepAlive: boolean) =>
      run(tlsScenario({ server: { kind: 'server', io: 'nonblocking' }, flow: { app: 'https', bytes: undefined, verify: undefined, http: { keepAlive, requests: [{ method: 'GET', path: '/', repeat: 4 }] } } }), ['tls']).engine.summary().flows.f as Record<string, any>;
    const one = https(true);
    const many = https(false);
    expect([one.connections, many.connections]).toEqual([1, 4]);
    expect(one.clientCpu).toMatchObject({ publicKeyOps: 3, publicKeyMs: one.tls.client.cpu.publicKeyMs });
    expect(many.clientCpu).toMatchObject({ publicKeyOps: 12, publicKeyMs: 4 * one.clientCpu.publicKeyMs });
  });
});

