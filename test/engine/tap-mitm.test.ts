import { describe, expect, it } from 'vitest';
import { PatternSource } from '../../shared/protocols/net/payload.ts';
import { hashString } from '../../shared/protocols/app/bulk.ts';
import { run } from './helpers.ts';
import { tlsScenario } from './tls-helpers.ts';

function mitm(o: Parameters<typeof tlsScenario>[0]) {
  const r = run(tlsScenario(o), ['tls', 'tap', 'drop']);
  const summary = r.engine.summary();
  return { r, flow: summary.flows.f as Record<string, any>, tap: summary.taps!.tap!, tls: r.of('tls') };
}

describe('a man-in-the-middle tap (transparent TLS proxy on port 443)', () => {
  it('answers the client with its own self-signed certificate: a strict client catches it and sends nothing', () => {
    const { r, flow, tap, tls } = mitm({ tap: { mode: 'mitm' } });
    expect(r.of('tap').find((e) => e.action === 'mitm-connect')).toMatchObject({ client: '10.0.0.2:49152', server: '10.0.0.5:443' });
    // The certificate came from the tap, in the server's name.
    const cert = (tls.find((e) => e.node === 'client' && e.step === 'Certificate')!.certificates as Array<Record<string, unknown>>)[0]!;
    expect(cert).toMatchObject({ subject: 'bank', issuer: 'bank' });
    expect(tls.find((e) => e.step === 'certificate-issued' && e.node === 'tap')).toMatchObject({ selfSigned: true, subject: 'bank' });
    expect(tls.find((e) => e.node === 'client' && e.step === 'verify-certificate')).toMatchObject({ result: 'self-signed', action: 'refuse' });
    expect(flow).toMatchObject({ handshake: 'failed', deliveredBytes: 0, tlsFailure: { alert: 'unknown_ca', step: 'Certificate', by: 'local' } });
    expect(tap).toMatchObject({ mode: 'mitm', connectionsIntercepted: 1, plaintextBytesRead: 0 });
    expect(r.of('tap').some((e) => e.action === 'plaintext')).toBe(false);
    // The connection the tap opened to the real server is closed, not left half-open.
    expect(['CLOSED', 'LISTEN']).toContain(flow.serverState);
  });

  it("its own TCP connections name the tap: it answers the client's SYN, and it opens the one to the server", () => {
    const r = run(tlsScenario({ tap: { mode: 'mitm' }, client: { browser: 'click-through' } }), ['state']);
    const opened = r.of('state').filter((e) => e.to === 'SYN_SENT' || e.to === 'SYN_RECEIVED');
    expect(opened.map((e) => `${e.side} ${e.node} ${e.to}`)).toEqual(['client client SYN_SENT', 'server tap SYN_RECEIVED', 'client tap SYN_SENT', 'server bank SYN_RECEIVED']);
  });

  it('a click-through client proceeds with a warning, and the tap reads the plaintext it relays', () => {
    const { r, flow, tap, tls } = mitm({ tap: { mode: 'mitm', previewBytes: 4096 }, client: { browser: 'click-through' } });
    expect(flow.warning).toMatch(/^Not secure: the certificate is self-signed/);
    expect(flow).toMatchObject({ handshake: 'established', completed: true, deliveredBytes: 20_000, verifiedBytes: 20_000 });
    // Two handshakes: client ↔ tap and tap ↔ server, each with its own keys.
    const masters = new Set(tls.filter((e) => e.step === 'keys').map((e) => e.masterSecret));
    expect(masters.size).toBe(2);
    expect(tls.filter((e) => e.step === 'established').map((e) => `${String(e.node)} ${String(e.side)}`).sort()).toEqual(['bank server', 'client client', 'tap client', 'tap server']);
    const plain = r.of('tap').filter((e) => e.action === 'plaintext');
    expect(plain.every((e) => e.direction === 'client->server')).toBe(true);
    expect(plain.reduce((n, e) => n + (e.bytes as number), 0)).toBe(20_000);
    expect(tap).toMatchObject({ connectionsIntercepted: 1, plaintextBytesRead: 20_000 });
    // What the tap read is exactly what the client wrote.
    const first = new Uint8Array(64);
    new PatternSource(hashString('f')).fill(0, first);
    expect(String(plain[0]!.preview).startsWith([...first].map((b) => b.toString(16).padStart(2, '0')).join(''))).toBe(true);
  });

  it('a certificate signed by a CA the client does not trust is caught the same way', () => {
    const { flow, tls } = mitm({
      extraNodes: [{ id: 'evil', kind: 'ca', name: 'Evil CA' }],
      client: { trust: ['ca'] },
      tap: { mode: 'mitm', certificate: { issuer: 'evil' } },
    });
    expect(tls.find((e) => e.node === 'client' && e.step === 'verify-certificate')).toMatchObject({ issuer: 'Evil CA', result: 'untrusted-issuer', action: 'refuse' });
    expect(flow.tlsFailure).toMatchObject({ alert: 'unknown_ca' });
  });

  it('a certificate from a CA the client trusts goes unnoticed: the trust store is the whole defence', () => {
    const { flow, tap } = mitm({ tap: { mode: 'mitm', certificate: { issuer: 'ca' } } });
    expect(flow).toMatchObject({ handshake: 'established', warning: null, completed: true });
    expect(tap.plaintextBytesRead).toBe(20_000);
  });

  it('checks the checksums of what it takes in, as a host does: a damaged segment is dropped and TCP recovers', () => {
    const s = tlsScenario({ tap: { mode: 'mitm' }, client: { browser: 'click-through' }, durationMs: 20_000 }) as { links: Array<Record<string, unknown>> };
    s.links[0]!.corruption = { 'client->tap': 0.15 };
    const r = run(s as never, ['drop']);
    const drops = r.of('drop').filter((e) => e.reason === 'checksum');
    expect(drops.length).toBeGreaterThan(0);
    expect(drops.every((e) => e.node === 'tap')).toBe(true);
    expect(r.engine.summary().flows.f).toMatchObject({ completed: true, verifiedBytes: 20_000, mismatchedBytes: 0 });
  });

  it('traffic to other ports passes through untouched', () => {
    const { flow, tap } = mitm({ tap: { mode: 'mitm' }, flow: { tls: undefined, port: 5001 } });
    expect(flow).toMatchObject({ completed: true, deliveredBytes: 20_000 });
    expect(tap).toMatchObject({ connectionsIntercepted: 0 });
  });
});
