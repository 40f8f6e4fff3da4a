// The security topic scenarios (T1–T4: HTTPS, CA trust, the TLS handshake, symmetric vs public key;
// scenarios/topics/t0[1-4]-*.json), each run through the `sim` command as a teacher or tool would,
// checking the protocol facts the scenario exists to show.

import { describe, expect, it } from 'vitest';
import { CRYPTO_COST_NS } from '../../shared/protocols/app/tls/crypto-cost.ts';
import { simTopic, type SimRun } from './run-sim.ts';



const sim = (file: string, trace: string, ...extra: string[]): SimRun => simTopic(file, trace, ...extra);

describe('T1 HTTPS (t01-https-login.json)', () => {
  const r = sim('t01-https-login.json', 'tap,tls');
  const frames = (tap: string) => r.of('tap').filter((e) => e.node === tap && e.payloadBytes > 0);

  it('the login over HTTPS works as over HTTP: three requests, three 200s, after a TLS handshake', () => {
    expect(r.summary.flows['alice-https']).toMatchObject({ completed: true, responses: 3, statuses: { 200: 3 }, handshake: 'established', tlsFailure: null });
    expect(r.summary.flows['alice-https'].tls.client.peerCertificate).toMatchObject({ subject: 'shop.example', issuer: 'Trusty Root CA' });
    expect(r.summary.flows['bob-http']).toMatchObject({ completed: true, responses: 3, statuses: { 200: 3 } });
  });

  it("Eve reads Bob's password off the plain-HTTP line", () => {
    const text = frames('eve2').map((e) => e.preview).join('\n');
    expect(frames('eve2').every((e) => e.previewFormat === 'text' && e.protocol === 'HTTP')).toBe(true);
    expect(text).toContain('POST /login HTTP/1.1');
    expect(text).toContain('user=bob&password=correct-horse');
  });

  it("on Alice's line she sees only TLS records: the server name in the hello, never the password", () => {
    expect(frames('eve').every((e) => e.protocol === 'TLS' && e.previewFormat === 'hex')).toBe(true);
    const hex = frames('eve').map((e) => e.preview).join('');
    expect(hex).toContain(Buffer.from('shop.example').toString('hex')); // server_name and certificate are not secret
    for (const secret of ['password', 'hunter2', 'POST /login', 'Balance']) expect(hex).not.toContain(Buffer.from(secret).toString('hex'));
    expect(frames('eve').filter((e) => e.preview.startsWith('170303')).length).toBeGreaterThanOrEqual(6); // 3 requests, 3 responses
  });
});

describe('T2 HTTPS trust with a CA (t02-ca-trust.json)', () => {
  const r = sim('t02-ca-trust.json', 'tls,tap');
  const tls = (flow: string) => r.of('tls').filter((e) => e.flow === flow);

  it("the man in the middle answers both browsers with its own self-signed certificate for the bank's name", () => {
    expect(r.of('tap').filter((e) => e.action === 'mitm-connect').map((e) => e.flow)).toEqual(['alice-login', 'bob-login']);
    for (const flow of ['alice-login', 'bob-login']) {
      const check = tls(flow).find((e) => e.node !== 'mallory' && e.step === 'verify-certificate')!;
      expect(check).toMatchObject({ subject: 'bank', issuer: 'bank', trustedCas: ['Trusty Root CA'], result: 'self-signed' });
    }
  });

  it("Alice's strict browser refuses it: unknown_ca, the connection closes, nothing of hers is read", () => {
    expect(tls('alice-login').find((e) => e.node === 'alice' && e.step === 'verify-certificate')).toMatchObject({ action: 'refuse', browser: 'strict' });
    expect(r.summary.flows['alice-login']).toMatchObject({
      handshake: 'failed',
      deliveredBytes: 0,
      warning: null,
      tlsFailure: { alert: 'unknown_ca', step: 'Certificate', by: 'local' },
    });
    expect(r.of('tap').filter((e) => e.action === 'plaintext' && e.flow === 'alice-login')).toEqual([]);
    expect(tls('alice-login').some((e) => e.node === 'alice' && e.step === 'ClientKeyExchange')).toBe(false);
  });

  it("Bob clicks through the warning: his login reaches the bank, and the tap reads all of it", () => {
    const bob = r.summary.flows['bob-login'];
    expect(bob).toMatchObject({ handshake: 'established', completed: true, deliveredBytes: 4000, verifiedBytes: 4000 });
    expect(bob.warning).toBe('Not secure: the certificate is self-signed: no trusted CA vouches for it (bank, issued by bank)');
    const read = r.of('tap').filter((e) => e.action === 'plaintext' && e.flow === 'bob-login');
    expect(read.reduce((n, e) => n + e.bytes, 0)).toBe(4000);
    expect(r.summary.taps.mallory).toMatchObject({ mode: 'mitm', connectionsIntercepted: 2, plaintextBytesRead: 4000 });
    // The bank itself saw a valid handshake — with the tap, not with Bob.
    expect(tls('bob-login').find((e) => e.node === 'bank' && e.step === 'established')).toBeDefined();
  });
});

describe('T3 TLS handshake (t03-tls-handshake.json)', () => {
  const r = sim('t03-tls-handshake.json', 'tls,tap');
  const alice = r.of('tls').filter((e) => e.flow === 'alice-tls' && e.step !== 'certificate-issued');

  it('runs the seed’s nine steps in order, with a client certificate', () => {
    expect(alice.filter((e) => e.node === 'alice').map((e) => `${e.step}${e.dir ? ` ${e.dir}` : ''}`).slice(0, 14)).toEqual([
      'ClientHello send',
      'ServerHello recv',
      'Certificate recv',
      'verify-certificate',
      'CertificateRequest recv',
      'ServerHelloDone recv',
      'Certificate send',
      'ClientKeyExchange send',
      'CertificateVerify send',
      'keys',
      'ChangeCipherSpec send',
      'Finished send',
      'ChangeCipherSpec recv',
      'Finished recv',
    ]);
    const hello = alice.find((e) => e.step === 'ClientHello')!;
    expect(hello).toMatchObject({ version: 'TLS 1.2 (0x0303)', compressionMethods: ['null'], serverName: 'bank' });
    expect(hello.cipherSuites[0]).toBe('TLS_X25519_ECIES_ED25519_WITH_AES_128_GCM_SHA256');
    const sh = alice.find((e) => e.step === 'ServerHello' && e.node === 'bank')!;
    expect(sh.sessionId).toMatch(/^[0-9a-f]{64}$/);
    expect(alice.find((e) => e.node === 'bank' && e.step === 'verify-certificate')).toMatchObject({ subject: 'alice', result: 'trusted' });
    expect(alice.find((e) => e.node === 'bank' && e.step === 'CertificateVerify')).toMatchObject({ verified: true });
    expect(alice.filter((e) => e.step === 'Finished' && e.dir === 'recv').map((e) => e.verified)).toEqual([true, true]);
    expect(r.summary.flows['alice-tls']).toMatchObject({ handshake: 'established', completed: true, verifiedBytes: 2000, tlsFailure: null });
  });

  it('one flipped byte of the ServerHello passes every check until Finished, which fails', () => {
    const tamper = r.of('tap').filter((e) => e.action === 'tamper');
    expect(tamper).toHaveLength(1);
    expect(tamper[0]).toMatchObject({ flow: 'bob-tls', tampered: 'server-hello', layers: ['Ethernet II', 'IPv4', 'TCP', 'TLS'] });
    const bob = r.of('tls').filter((e) => e.flow === 'bob-tls');
    expect(bob.find((e) => e.node === 'bob' && e.step === 'verify-certificate')).toMatchObject({ result: 'trusted' });
    const sent = bob.find((e) => e.node === 'bank' && e.step === 'ServerHello')!.sessionId;
    const received = bob.find((e) => e.node === 'bob' && e.step === 'ServerHello')!.sessionId;
    expect(received).not.toBe(sent);
    expect(received.slice(0, 62)).toBe(sent.slice(0, 62));
    expect(bob.find((e) => e.node === 'bank' && e.step === 'Finished' && e.dir === 'recv')).toMatchObject({ verified: false });
    expect(r.summary.flows['bob-tls']).toMatchObject({
      handshake: 'failed',
      deliveredBytes: 0,
      tlsFailure: { alert: 'decrypt_error', step: 'Finished', by: 'local' },
    });
  });

  it('is deterministic through the sim command', () => {
    expect(sim('t03-tls-handshake.json', 'tls,tap').stdout).toBe(r.stdout);
    const other = sim('t03-tls-handshake.json', 'tls', '--seed', '99');
    const master = (x: SimRun) => x.of('tls').find((e) => e.step === 'keys')!.masterSecret;
    expect(master(other)).not.toBe(master(r));
  });
});

describe('T4 symmetric vs public key (t04-symmetric-vs-public-key.json)', () => {
  const r = sim('t04-symmetric-vs-public-key.json', 'tls');
  const small = r.summary.flows['tls-1KB'];
  const large = r.summary.flows['tls-4MB'];

  it('the public-key work is the same for 1 KB and 4 MB: it only carries the session key', () => {
    for (const f of [small, large]) {
      expect(f.tls.client.cpu).toMatchObject({ publicKeyOps: 3, publicKeyMs: 5.3 });
      expect(f.tls.server.cpu).toMatchObject({ publicKeyOps: 1, publicKeyMs: 2.2 });
    }
    expect(large).toMatchObject({ completed: true, deliveredBytes: 4_000_000 });
  });

  it('one public-key operation costs more CPU than sealing a whole 16 KB record; per byte symmetric is cheap', () => {
    const cpu = large.tls.client.cpu;
    const perPublicKeyOpMs = cpu.publicKeyMs / cpu.publicKeyOps;
    const perSymmetricOpMs = cpu.symmetricMs / cpu.symmetricOps;
    expect(perPublicKeyOpMs).toBeGreaterThan(2 * perSymmetricOpMs);
    expect(cpu.symmetricBytes).toBeGreaterThan(4_000_000);
    expect((cpu.symmetricMs * 1e6) / cpu.symmetricBytes).toBeLessThan(CRYPTO_COST_NS.aesGcmByteNs + 5);
    // Encrypting the 4 MB with public-key operations instead (ECIES per 48 bytes) would cost minutes of CPU.
    const publicKeyOnlyMs = (4_000_000 / 48) * ((CRYPTO_COST_NS.x25519KeyPairNs + CRYPTO_COST_NS.x25519SharedNs) / 1e6);
    expect(publicKeyOnlyMs).toBeGreaterThan(1000 * cpu.symmetricMs);
  });

  it('the handshake waits for the public-key work; the bulk pays a small price per byte', () => {
    // Two round trips of 30 ms plus 7.5 ms of public-key CPU time.
    expect(small.handshakeMs).toBeGreaterThan(60 + 7.5);
    expect(small.handshakeMs).toBeLessThan(60 + 9);
    const plain = r.summary.flows['plain-4MB'];
    expect(plain.completed).toBe(true);
    expect(large.goodputBps).toBeLessThan(plain.goodputBps);
  });
});
