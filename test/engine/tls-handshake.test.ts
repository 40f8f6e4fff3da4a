import { describe, expect, it } from 'vitest';
import { run } from './helpers.ts';
import { steps, tlsScenario } from './tls-helpers.ts';

const HELLO_FIELDS = ['version', 'random', 'sessionId'];

describe('TLS 1.2 handshake (seed: TLS/SSL HandShake)', () => {
  const r = run(tlsScenario(), ['tls']);
  const tls = r.of('tls');
  const find = (node: string, step: string, dir?: string) => tls.find((e) => e.node === node && e.step === step && (dir === undefined || e.dir === dir))!;

  it('exchanges the messages in the order RFC 5246 §7.3 gives, on both sides', () => {
    expect(steps(tls, 'client')).toEqual([
      'client ClientHello send',
      'client ServerHello recv',
      'client Certificate recv',
      'client verify-certificate',
      'client ServerHelloDone recv',
      'client ClientKeyExchange send',
      'client keys',
      'client ChangeCipherSpec send',
      'client Finished send',
      'client ChangeCipherSpec recv',
      'client Finished recv',
      'client established',
      'client Alert send', // close_notify once the upload is written
      'client Alert recv',
    ]);
    expect(steps(tls, 'bank')).toEqual([
      'bank ClientHello recv',
      'bank ServerHello send',
      'bank Certificate send',
      'bank ServerHelloDone send',
      'bank ClientKeyExchange recv',
      'bank keys',
      'bank ChangeCipherSpec recv',
      'bank Finished recv',
      'bank ChangeCipherSpec send',
      'bank Finished send',
      'bank established',
      'bank Alert recv',
      'bank Alert send',
    ]);
  });

  it('ClientHello carries version, a 32-byte random, session id, cipher suites, compression and server_name', () => {
    const hello = find('client', 'ClientHello', 'send');
    for (const f of HELLO_FIELDS) expect(hello).toHaveProperty(f);
    expect(hello.version).toBe('TLS 1.2 (0x0303)');
    expect(hello.random).toMatch(/^[0-9a-f]{64}$/);
    expect(hello.sessionId).toBe('');
    expect(hello.cipherSuites).toEqual([
      'TLS_X25519_ECIES_ED25519_WITH_AES_128_GCM_SHA256',
      'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256',
      'TLS_RSA_WITH_AES_128_GCM_SHA256',
    ]);
    expect(hello.compressionMethods).toEqual(['null']);
    expect(hello.serverName).toBe('bank');
    // The server reads exactly what the client sent.
    expect(find('bank', 'ClientHello', 'recv').random).toBe(hello.random);
  });

  it('ServerHello answers with its own random, a fresh 32-byte session id, the chosen suite and null compression', () => {
    const sh = find('bank', 'ServerHello', 'send');
    expect(sh.random).toMatch(/^[0-9a-f]{64}$/);
    expect(sh.random).not.toBe(find('client', 'ClientHello', 'send').random);
    expect(sh.sessionId).toMatch(/^[0-9a-f]{64}$/);
    expect(sh.cipherSuite).toBe('TLS_X25519_ECIES_ED25519_WITH_AES_128_GCM_SHA256');
    expect(sh.compressionMethod).toBe('null');
    expect(find('client', 'ServerHello', 'recv').sessionId).toBe(sh.sessionId);
  });

  it('Certificate holds the subject, the CA as issuer and the server public key; the client checks it against its CA list', () => {
    const cert = (find('client', 'Certificate', 'recv').certificates as Array<Record<string, unknown>>)[0]!;
    expect(cert).toMatchObject({ subject: 'bank', issuer: 'Trusty Root CA', publicKeyAlgorithm: 'X25519', signatureAlgorithm: 'Ed25519' });
    expect(cert.publicKey).toMatch(/^[0-9a-f]{64}$/);
    const issued = tls.find((e) => e.step === 'certificate-issued' && e.node === 'bank')!;
    expect(issued).toMatchObject({ ca: 'ca', issuer: 'Trusty Root CA', subject: 'bank', publicKey: cert.publicKey, t: 0 });
    expect(find('client', 'verify-certificate')).toMatchObject({ result: 'trusted', trustedBy: 'Trusty Root CA', trustedCas: ['Trusty Root CA'], action: 'accept' });
  });

  it('ClientKeyExchange carries the pre-master secret encrypted to the certificate key; both sides derive the same keys', () => {
    const cke = find('client', 'ClientKeyExchange', 'send');
    // ECIES: 32-byte ephemeral X25519 key + 48-byte secret + 16-byte GCM tag.
    expect((cke.encryptedPreMasterSecret as string).length).toBe(2 * (32 + 48 + 16));
    expect(find('bank', 'ClientKeyExchange', 'recv')).toMatchObject({ decrypted: true });
    const ck = find('client', 'keys');
    const sk = find('bank', 'keys');
    expect(ck.preMasterSecret).toMatch(/^0303[0-9a-f]{92}$/); // client_version then 46 random bytes
    expect(sk.preMasterSecret).toBe(ck.preMasterSecret);
    expect(sk.masterSecret).toBe(ck.masterSecret);
    expect((ck.masterSecret as string).length).toBe(96);
    expect(sk.clientWriteKey).toBe(ck.clientWriteKey);
    expect(ck.clientWriteKey).not.toBe(ck.serverWriteKey);
    // The secret itself never travels: it is not in what the client sent.
    expect(cke.encryptedPreMasterSecret).not.toContain((ck.preMasterSecret as string).slice(4, 40));
  });

  it('Finished carries 12 bytes of PRF over the transcript hash, encrypted, and each side verifies the other', () => {
    const cf = find('client', 'Finished', 'send');
    expect(cf).toMatchObject({ encrypted: true, length: 12 });
    expect(cf.verifyData).toMatch(/^[0-9a-f]{24}$/);
    expect(find('bank', 'Finished', 'recv')).toMatchObject({ verifyData: cf.verifyData, expected: cf.verifyData, verified: true });
    const sf = find('bank', 'Finished', 'send');
    expect(sf.verifyData).not.toBe(cf.verifyData); // "server finished" over a transcript that includes the client's Finished
    expect(find('client', 'Finished', 'recv')).toMatchObject({ verified: true, expected: sf.verifyData });
  });

  it('then application data flows encrypted, and the summary reports the handshake', () => {
    const f = r.engine.summary().flows.f as Record<string, any>;
    expect(f).toMatchObject({ completed: true, deliveredBytes: 20_000, verifiedBytes: 20_000, mismatchedBytes: 0, handshake: 'established', warning: null, tlsFailure: null });
    // Two round trips of 2 × 5 ms each way, plus the client's and the server's public-key work.
    expect(f.handshakeMs).toBeGreaterThan(2 * 20 + f.tls.client.cpu.publicKeyMs + f.tls.server.cpu.publicKeyMs);
    expect(f.handshakeMs).toBeLessThan(2 * 20 + 12);
    expect(f.tls.client).toMatchObject({ version: 'TLS 1.2', cipherSuite: 'TLS_X25519_ECIES_ED25519_WITH_AES_128_GCM_SHA256', peerCertificate: { subject: 'bank', issuer: 'Trusty Root CA' } });
    // 20 000 bytes in records of at most 16 384: two application_data records, plus the handshake's.
    expect(f.tls.server.cpu.symmetricBytes).toBeGreaterThan(20_000);
  });
});

describe('optional client certificate (seed step 5)', () => {
  const withClientCert = (clientAuth: string, clientCert: boolean) =>
    run(
      tlsScenario({
        client: clientCert ? { clientCertificate: { issuer: 'ca', subject: 'alice' } } : {},
        server: { clientAuth },
      }),
      ['tls'],
    );

  it('a server that asks gets Certificate and CertificateVerify (an Ed25519 signature over the transcript)', () => {
    const r = withClientCert('require', true);
    expect(steps(r.of('tls'), 'client').slice(0, 11)).toEqual([
      'client ClientHello send',
      'client ServerHello recv',
      'client Certificate recv',
      'client verify-certificate',
      'client CertificateRequest recv',
      'client ServerHelloDone recv',
      'client Certificate send',
      'client ClientKeyExchange send',
      'client CertificateVerify send',
      'client keys',
      'client ChangeCipherSpec send',
    ]);
    const req = r.of('tls').find((e) => e.step === 'CertificateRequest' && e.dir === 'recv')!;
    expect(req).toMatchObject({ certificateTypes: ['ecdsa_sign'], signatureAlgorithms: ['ed25519'], certificateAuthorities: ['Trusty Root CA'] });
    const cv = r.of('tls').find((e) => e.node === 'bank' && e.step === 'CertificateVerify')!;
    expect(cv).toMatchObject({ algorithm: 'ed25519', verified: true });
    const check = r.of('tls').find((e) => e.node === 'bank' && e.step === 'verify-certificate')!;
    expect(check).toMatchObject({ subject: 'alice', result: 'trusted' });
    expect(r.engine.summary().flows.f).toMatchObject({ completed: true, handshake: 'established' });
  });

  it('a client with no certificate sends an empty one: "request" goes on, "require" fails with handshake_failure', () => {
    const requested = withClientCert('request', false);
    expect(requested.of('tls').find((e) => e.step === 'Certificate' && e.node === 'client' && e.dir === 'send')).toMatchObject({ count: 0 });
    expect(requested.engine.summary().flows.f).toMatchObject({ completed: true });
    const required = withClientCert('require', false);
    expect(required.engine.summary().flows.f).toMatchObject({
      completed: false,
      handshake: 'failed',
      tlsFailure: { alert: 'handshake_failure', step: 'Certificate', by: 'local' },
    });
  });
});

describe('determinism', () => {
  it('the same seed gives the same keys, randoms and ciphertext; another seed changes them', () => {
    const trace = (seed: number) => JSON.stringify(run(tlsScenario({ seed, tap: {} }), ['tls', 'tap']).events);
    expect(trace(7)).toBe(trace(7));
    const a = run(tlsScenario({ seed: 7 }), ['tls']).of('tls');
    const b = run(tlsScenario({ seed: 8 }), ['tls']).of('tls');
    const master = (events: typeof a) => events.find((e) => e.step === 'keys')!.masterSecret;
    expect(master(a)).not.toBe(master(b));
  });
});
