import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ed25519, x25519 } from '@noble/curves/ed25519.js';
import { TlsDecodeError, toHex } from '../../shared/protocols/app/tls/bytes.ts';
import { assembleCertificate, encodeTbs, issueCertificate, parseCertificate, verifyCertificate } from '../../shared/protocols/app/tls/certificate.ts';
import { CryptoMeter } from '../../shared/protocols/app/tls/crypto-cost.ts';
import { decodeTls } from '../../shared/protocols/app/tls/decoder.ts';
import { eciesOpen, eciesSeal } from '../../shared/protocols/app/tls/ecies.ts';
import { encodeHandshake, HandshakeReader, parseHandshakeBody } from '../../shared/protocols/app/tls/handshake.ts';
import { prf } from '../../shared/protocols/app/tls/prf.ts';
import { encodeRecord, RecordReader } from '../../shared/protocols/app/tls/record.ts';
import { RecordProtection } from '../../shared/protocols/app/tls/record-protection.ts';
import { tamperHandshake } from '../../shared/protocols/app/tls/tamper.ts';

const hex = (s: string) => Uint8Array.from(s.match(/../g)!.map((b) => parseInt(b, 16)));
const bytes = (n: number, v: number) => new Uint8Array(n).fill(v);

describe('TLS 1.2 PRF (RFC 5246 §5)', () => {
  it('matches the published P_SHA256 test vector', () => {
    const out = prf(new CryptoMeter(), hex('9bbe436ba940f017b17652849a71db35'), 'test label', hex('a0ba9f936cda311827a6f796ffd5198c'), 100);
    expect(toHex(out)).toBe(
      'e3f229ba727be17b8d122620557cd453c2aab21d07c3d495329b52d4e61edb5a6b301791e90d35c9c9a46b4e14baf9af0fa022f7077def17abfd3797c0564bab4fbc91666e9def9b97fce34f796789baa48082d122ee42c5a72e5a5110fff70187347b66',
    );
  });
});

describe('record and handshake wire formats', () => {
  const hello = {
    type: 1 as const,
    version: 0x0303,
    random: bytes(32, 0xab),
    sessionId: new Uint8Array(0),
    cipherSuites: [0xff9c, 0x009c],
    compressionMethods: [0],
    serverName: 'bank',
  };

  it('a record header is content type, version 0x0303 and a 16-bit length; a handshake header a type and a 24-bit length', () => {
    const msg = encodeHandshake(hello);
    const record = encodeRecord(22, msg);
    expect([...record.subarray(0, 5)]).toEqual([22, 3, 3, msg.length >> 8, msg.length & 0xff]);
    const bodyLength = msg.length - 4;
    expect([...msg.subarray(0, 4)]).toEqual([1, bodyLength >> 16, (bodyLength >> 8) & 0xff, bodyLength & 0xff]);
    // client_version, random, empty session id, two suites, null compression, server_name extension
    expect(toHex(msg.subarray(4, 6))).toBe('0303');
    expect(toHex(msg.subarray(38, 45))).toBe('000004ff9c009c');
    expect(toHex(msg.subarray(45, 47))).toBe('0100');
    expect(parseHandshakeBody(1, msg.subarray(4))).toEqual(hello);
  });

  it('the record reader and handshake reader reassemble across arbitrary cuts', () => {
    const msgs = [encodeHandshake(hello), encodeHandshake({ type: 14 }), encodeHandshake({ type: 20, verifyData: bytes(12, 7) })];
    const stream = new Uint8Array(msgs.reduce((n, m) => n + m.length + 5, 0));
    let o = 0;
    for (const m of msgs) {
      stream.set(encodeRecord(22, m), o);
      o += m.length + 5;
    }
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: stream.length }), { maxLength: 8 }), (cuts) => {
        const points = [...new Set(cuts)].sort((a, b) => a - b);
        const records = new RecordReader();
        const hs = new HandshakeReader();
        const got: number[] = [];
        let prev = 0;
        for (const p of [...points, stream.length]) {
          records.push(stream.subarray(prev, p));
          prev = p;
          for (let r = records.next(); r !== null && !('problem' in r); r = records.next()) {
            hs.push(r.fragment);
            for (let m = hs.next(); m !== null; m = hs.next()) got.push(m.type);
          }
        }
        expect(got).toEqual([1, 14, 20]);
      }),
    );
  });

  it('garbage is a decode error or a record problem, never a crash', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.integer({ min: 0, max: 20 }), (junk, type) => {
        try {
          parseHandshakeBody(type, junk);
        } catch (e) {
          expect(e).toBeInstanceOf(TlsDecodeError);
        }
        try {
          parseCertificate(junk);
        } catch (e) {
          expect(e).toBeInstanceOf(TlsDecodeError);
        }
        const r = new RecordReader();
        r.push(junk);
        r.next(); // a record, null, or { problem }
        decodeTls(junk, 0);
      }),
    );
    const r = new RecordReader();
    r.push(hex('1703030000'.replace('17', '63')));
    expect(r.next()).toEqual({ problem: 'unexpected_message' });
    const big = new RecordReader();
    big.push(hex('17030350ff'));
    expect(big.next()).toEqual({ problem: 'record_overflow' });
  });
});

describe('certificates (TLV encoding, Ed25519 signature)', () => {
  const caKey = bytes(32, 1);
  const caAnchor = { id: 'ca', name: 'Root', publicKey: ed25519.getPublicKey(caKey) };
  const fields = {
    serialNumber: bytes(8, 9),
    issuer: 'Root',
    notBeforeMs: 0,
    notAfterMs: 1000,
    subject: 'bank',
    publicKeyAlgorithm: 'X25519' as const,
    publicKey: x25519.getPublicKey(bytes(32, 2)),
  };
  const ctx = { trust: [caAnchor], nowMs: 10, expectedName: 'bank', keyAlgorithm: 'X25519' as const };

  it('round-trips every field, and the signature covers the to-be-signed bytes', () => {
    const encoded = issueCertificate(new CryptoMeter(), fields, caKey);
    const c = parseCertificate(encoded);
    expect(c).toMatchObject({ ...fields, version: 1, signatureAlgorithm: 'Ed25519' });
    expect(c.tbs).toEqual(encodeTbs(fields));
    expect(encoded[0]).toBe(0x30);
    expect(verifyCertificate(new CryptoMeter(), c, ctx)).toEqual({ problem: null, anchor: caAnchor });
  });

  it('any altered byte of the signed part breaks the signature', () => {
    const encoded = issueCertificate(new CryptoMeter(), fields, caKey);
    const tbsLength = encodeTbs(fields).length;
    fc.assert(
      fc.property(fc.integer({ min: 3 + 3, max: 3 + tbsLength - 1 }), (at) => {
        const altered = encoded.slice();
        altered[at]! ^= 0x04;
        let c;
        try {
          c = parseCertificate(altered);
        } catch {
          return; // no longer even parses
        }
        expect(verifyCertificate(new CryptoMeter(), c, { ...ctx, expectedName: null }).problem).not.toBeNull();
      }),
      { numRuns: 60 },
    );
  });

  it('a signature by another key, with the same issuer name, is a bad signature', () => {
    const forged = parseCertificate(assembleCertificate(encodeTbs(fields), ed25519.sign(encodeTbs(fields), bytes(32, 3))));
    expect(verifyCertificate(new CryptoMeter(), forged, ctx).problem).toBe('bad-signature');
  });
});

describe('ECIES for the pre-master secret and AES-128-GCM records', () => {
  const serverSecret = bytes(32, 5);
  const serverPublic = x25519.getPublicKey(serverSecret);
  const secret = bytes(48, 0x42);

  it('only the holder of the private key recovers the pre-master secret; any change is detected', () => {
    const blob = eciesSeal(new CryptoMeter(), serverPublic, bytes(32, 6), secret);
    expect(blob.length).toBe(32 + 48 + 16);
    expect(eciesOpen(new CryptoMeter(), serverSecret, serverPublic, blob)).toEqual(secret);
    expect(eciesOpen(new CryptoMeter(), bytes(32, 7), x25519.getPublicKey(bytes(32, 7)), blob)).toBeNull();
    const altered = blob.slice();
    altered[50]! ^= 1;
    expect(eciesOpen(new CryptoMeter(), serverSecret, serverPublic, altered)).toBeNull();
  });

  it('records carry an explicit sequence-number nonce; a replayed or altered record fails its tag', () => {
    const key = bytes(16, 1);
    const salt = bytes(4, 2);
    const send = new RecordProtection(key, salt);
    const recv = new RecordProtection(key, salt);
    const m = new CryptoMeter();
    const r0 = send.seal(m, 23, new TextEncoder().encode('hello'));
    const r1 = send.seal(m, 23, new TextEncoder().encode('hello'));
    expect(toHex(r0.subarray(0, 8))).toBe('0000000000000000');
    expect(toHex(r1.subarray(0, 8))).toBe('0000000000000001');
    expect(r0.length).toBe(8 + 5 + 16);
    expect(toHex(r0.subarray(8))).not.toBe(toHex(r1.subarray(8))); // same plaintext, different ciphertext
    expect(new TextDecoder().decode(recv.open(m, 23, 0x0303, r0)!)).toBe('hello');
    expect(recv.open(m, 23, 0x0303, r0)).toBeNull(); // replay: the receiver expects sequence number 1
    const fresh = new RecordProtection(key, salt);
    const altered = r0.slice();
    altered[10]! ^= 1;
    expect(fresh.open(m, 23, 0x0303, altered)).toBeNull();
  });
});

describe('the inspector shows the TLS layer', () => {
  it('record fields, the handshake message and its key fields; application data as ciphertext', () => {
    const hello = encodeHandshake({ type: 2, version: 0x0303, random: bytes(32, 1), sessionId: bytes(32, 2), cipherSuite: 0xff9c, compressionMethod: 0 });
    const payload = new Uint8Array([...encodeRecord(22, hello), ...encodeRecord(23, bytes(40, 0x77))]);
    const layer = decodeTls(payload, 54)!;
    expect(layer).toMatchObject({ osi: 6, protocol: 'TLS', offset: 54, length: payload.length });
    const f = Object.fromEntries(layer.fields.map((x) => [x.name, x.value]));
    expect(f).toMatchObject({
      contentType: 'handshake (22)',
      version: '0x0303 (TLS 1.2)',
      length: hello.length,
      handshakeType: 'ServerHello (2)',
      handshakeLength: hello.length - 4,
      cipherSuite: 'TLS_X25519_ECIES_ED25519_WITH_AES_128_GCM_SHA256',
      compressionMethod: 'null',
      'record 2 contentType': 'application_data (23)',
      'record 2 encryptedApplicationData': '77'.repeat(32),
    });
  });

  it('a tamperer finds and alters exactly one byte of the chosen message', () => {
    const msg = encodeHandshake({ type: 2, version: 0x0303, random: bytes(32, 1), sessionId: bytes(32, 2), cipherSuite: 0xff9c, compressionMethod: 0 });
    const rec = encodeRecord(22, msg);
    const out = tamperHandshake(rec, 'server-hello')!;
    const diff = [...out].map((b, i) => (b !== rec[i] ? i : -1)).filter((i) => i >= 0);
    expect(diff).toEqual([5 + 4 + 2 + 32 + 32]); // the session id's last byte
    expect(tamperHandshake(rec, 'client-hello')).toBeNull();
  });
});
