import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../shared/scenario/load.ts';
import { run } from './helpers.ts';
import { tlsScenario } from './tls-helpers.ts';

const OTHER_CA = { id: 'shady', kind: 'ca', name: 'Shady CA' };

function outcome(o: Parameters<typeof tlsScenario>[0]) {
  const r = run(tlsScenario(o), ['tls']);
  const check = r.of('tls').find((e) => e.node === 'client' && e.step === 'verify-certificate')!;
  return { r, check, flow: r.engine.summary().flows.f as Record<string, any> };
}

describe('certificate checks against the trusted CA list (seed: HTTPS trust with a CA)', () => {
  it.each([
    ['a self-signed certificate', { server: { certificate: { selfSigned: true } } }, 'self-signed', 'unknown_ca'],
    ['a certificate from a CA the client does not trust', { extraNodes: [OTHER_CA], client: { trust: ['ca'] }, server: { certificate: { issuer: 'shady' } } }, 'untrusted-issuer', 'unknown_ca'],
    ['a forged certificate (names the trusted CA, signed by another key)', { server: { certificate: { issuer: 'ca', forged: true } } }, 'bad-signature', 'bad_certificate'],
    ['a certificate for another name', { server: { certificate: { issuer: 'ca', subject: 'evil.example' } } }, 'name-mismatch', 'bad_certificate'],
    ['an expired certificate', { server: { certificate: { issuer: 'ca', validFromMs: 0, validUntilMs: 10 } } }, 'expired', 'certificate_expired'],
  ])('a strict client refuses %s: alert, connection closed, trace and summary say why', (_name, o, problem, alert) => {
    const { r, check, flow } = outcome(o);
    expect(check).toMatchObject({ result: problem, action: 'refuse', browser: 'strict' });
    const failure = r.of('tls').find((e) => e.node === 'client' && e.step === 'failure')!;
    expect(failure).toMatchObject({ alert, at: 'Certificate', by: 'local' });
    expect(r.of('tls').find((e) => e.node === 'client' && e.step === 'Alert' && e.dir === 'send')).toMatchObject({ level: 'fatal', description: alert });
    // The server hears the alert; nothing reaches the application; both TCP ends close.
    expect(r.of('tls').find((e) => e.node === 'bank' && e.step === 'failure')).toMatchObject({ alert, by: 'peer' });
    expect(flow).toMatchObject({ handshake: 'failed', completed: false, deliveredBytes: 0, warning: null, tlsFailure: { alert, step: 'Certificate', by: 'local' } });
    expect(flow.tls.client.certificateProblem).toBe(problem);
    expect(['TIME_WAIT', 'CLOSED']).toContain(flow.clientState);
    expect(['TIME_WAIT', 'CLOSED']).toContain(flow.serverState);
    expect(r.of('tls').some((e) => e.node === 'client' && e.step === 'ClientKeyExchange')).toBe(false); // no secret was sent
  });

  it('a click-through browser proceeds past a self-signed certificate with a visible "Not secure" warning', () => {
    const { r, check, flow } = outcome({ client: { browser: 'click-through' }, server: { certificate: { selfSigned: true } } });
    expect(check).toMatchObject({ result: 'self-signed', action: 'warn', browser: 'click-through' });
    const warning = r.of('tls').find((e) => e.step === 'warning')!;
    expect(warning.message).toMatch(/^Not secure: the certificate is self-signed/);
    expect(flow).toMatchObject({ handshake: 'established', completed: true, deliveredBytes: 20_000, warning: warning.message, tlsFailure: null });
    expect(r.of('tls').find((e) => e.node === 'client' && e.step === 'established')).toMatchObject({ warning: warning.message });
  });

  it('a node with no certificate that is asked for TLS answers with a self-signed one', () => {
    const { check, flow } = outcome({ server: { certificate: undefined } });
    expect(check).toMatchObject({ subject: 'bank', issuer: 'bank', result: 'self-signed' });
    expect(flow.tlsFailure).toMatchObject({ alert: 'unknown_ca' });
  });

  it('a client certificate that no trusted CA issued is refused by the server', () => {
    const { r, flow } = outcome({
      extraNodes: [OTHER_CA],
      client: { clientCertificate: { issuer: 'shady' } },
      server: { clientAuth: 'require', trust: ['ca'] },
    });
    expect(r.of('tls').find((e) => e.node === 'bank' && e.step === 'verify-certificate')).toMatchObject({ result: 'untrusted-issuer', action: 'refuse' });
    expect(flow.tlsFailure).toMatchObject({ alert: 'unknown_ca', step: 'Certificate', by: 'local' });
  });
});

describe('scenario checks', () => {
  const errorsOf = (o: Parameters<typeof tlsScenario>[0]) => {
    const r = loadScenario(tlsScenario(o));
    return r.ok ? [] : r.errors;
  };

  it('names the field of a bad issuer, trust entry or certificate', () => {
    expect(errorsOf({ server: { certificate: { issuer: 'r' } } })).toContain('nodes[3].certificate.issuer: "r" is a router, not a ca');
    expect(errorsOf({ server: { certificate: { issuer: 'nope' } } })).toContain('nodes[3].certificate.issuer: no node with id "nope"');
    expect(errorsOf({ server: { certificate: {} } })).toContain('nodes[3].certificate: needs "issuer" (a ca node) or "selfSigned": true');
    expect(errorsOf({ server: { certificate: { selfSigned: true, forged: true } } })).toContain('nodes[3].certificate.forged: a forgery names an issuer it was not signed by');
    expect(errorsOf({ client: { trust: ['bank'] } })).toContain('nodes[1].trust[0]: "bank" is a host, not a ca');
    expect(errorsOf({ client: { browser: 'sloppy' } })[0]).toMatch(/^nodes\[1\]/);
    expect(errorsOf({ server: { certificate: { issuer: 'ca', validFromMs: 10, validUntilMs: 5 } } })).toContain('nodes[3].certificate.validUntilMs: must not be before validFromMs');
  });

  it('a tap sits on exactly two links; only a mitm tap has a certificate', () => {
    const s = tlsScenario({ tap: { certificate: { selfSigned: true } } }) as { links: unknown[] };
    s.links.push({ id: 'extra', a: 'tap', b: 'bank', bandwidthBps: 1e6, delayMs: 1 });
    const r = loadScenario(s);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.errors).toContain('nodes[2]: a tap sits inline on a link: it needs exactly two links, has 3');
      expect(r.errors).toContain('nodes[2].certificate: only a "mitm" tap presents a certificate');
    }
  });

  it('TLS settings belong to TCP byte-stream flows', () => {
    const r = loadScenario(tlsScenario({ flow: { transport: 'udp', app: 'cbr' } }));
    expect(r.ok ? [] : r.errors).toContain('flows[0].tls: TLS runs under bulk, https flows, not "cbr"');
    const ok = loadScenario(tlsScenario());
    expect(ok.ok && ok.scenario.flows[0]!.port).toBe(443);
  });
});
