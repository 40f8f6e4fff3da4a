import { describe, expect, it } from 'vitest';
import type { ScenarioInput } from '../../shared/scenario/schema.ts';
import { run } from './helpers.ts';

const LOGIN = 'user=alice&password=hunter2';

/** alice — tap — isp — web (a server with a CA-signed certificate), one HTTPS or HTTP login. */
function login(o: { app?: 'https' | 'http'; tap?: Record<string, unknown>; alice?: Record<string, unknown>; web?: Record<string, unknown> } = {}): ScenarioInput {
  return {
    seed: 5,
    durationMs: 3000,
    nodes: [
      { id: 'ca', kind: 'ca', name: 'Trusty Root CA' },
      { id: 'alice', kind: 'host', ...o.alice },
      { id: 'eve', kind: 'tap', previewBytes: 1024, ...o.tap },
      { id: 'isp', kind: 'router' },
      {
        id: 'web',
        kind: 'server',
        certificate: { issuer: 'ca', subject: 'shop.example' },
        routes: [
          { path: '/', body: '<!doctype html><a href=/login>Log in</a>\n' },
          { path: '/login', method: 'POST', action: 'store', body: '<p>Welcome back!</p>\n' },
        ],
        ...o.web,
      },
    ],
    links: [
      { id: 'l1', a: 'alice', b: 'eve', bandwidthBps: 10_000_000, delayMs: 5 },
      { id: 'l2', a: 'eve', b: 'isp', bandwidthBps: 10_000_000, delayMs: 5 },
      { id: 'l3', a: 'isp', b: 'web', bandwidthBps: 100_000_000, delayMs: 5 },
    ],
    flows: [
      {
        id: 'f',
        from: 'alice',
        to: 'web',
        transport: 'tcp',
        app: o.app ?? 'https',
        ...(o.app === 'http' ? {} : { tls: { serverName: 'shop.example' } }),
        http: {
          host: 'shop.example',
          requests: [
            { method: 'GET', path: '/' },
            { method: 'POST', path: '/login', body: LOGIN },
          ],
        },
      },
    ],
  } as ScenarioInput;
}

const seenText = (events: Array<Record<string, unknown>>) =>
  events
    .filter((e) => e.type === 'tap' && e.previewFormat === 'text')
    .map((e) => String(e.preview))
    .join('\n');

describe('HTTPS: the HTTP client and server with TLS between TCP and HTTP', () => {
  it('the login works over port 443, and a tap sees only TLS records: the password never crosses in the clear', () => {
    const r = run(login(), ['tap', 'tls']);
    const f = r.engine.summary().flows.f as Record<string, any>;
    expect(f).toMatchObject({ completed: true, responses: 2, statuses: { 200: 2 }, handshake: 'established', handshakes: 1, tlsFailure: null, warning: null });
    expect(f.tls.client.peerCertificate).toMatchObject({ subject: 'shop.example', issuer: 'Trusty Root CA' });
    expect(r.of('tap')[0]!.summary).toMatch(/→ 10\.0\.0\.5:443 TCP \[SYN\]/);
    const data = r.of('tap').filter((e) => (e.payloadBytes as number) > 0);
    expect(data.length).toBeGreaterThan(0);
    expect(data.every((e) => (e.layers as string[]).at(-1) === 'TLS')).toBe(true);
    expect(seenText(r.events)).not.toContain('password');
    expect(data.map((e) => String(e.preview)).join('')).not.toContain(Buffer.from('hunter2').toString('hex'));
    // The server did its side of the handshake on its own CPU, which also serves HTTP.
    const bank = r.of('tls').filter((e) => e.node === 'web');
    expect(bank.map((e) => e.step).slice(0, 4)).toEqual(['certificate-issued', 'ClientHello', 'ServerHello', 'Certificate']);
  });

  it('the same login over plain HTTP is readable on the same tap', () => {
    const r = run(login({ app: 'http' }), ['tap']);
    expect(r.engine.summary().flows.f).toMatchObject({ completed: true, responses: 2 });
    const text = seenText(r.events);
    expect(text).toContain(`POST /login HTTP/1.1`);
    expect(text).toContain(LOGIN);
  });

  it('a strict browser refuses a self-signed server: the requests fail and the summary says why', () => {
    const r = run(login({ web: { certificate: { selfSigned: true } } }), ['tls']);
    const f = r.engine.summary().flows.f as Record<string, any>;
    expect(f).toMatchObject({ handshake: 'failed', responses: 0, tlsFailure: { alert: 'unknown_ca', step: 'Certificate', by: 'local' } });
    expect(f.errors).toBeGreaterThan(0);
  });

  it('a man in the middle reads the password of a click-through browser, and the shop still answers', () => {
    const r = run(login({ tap: { mode: 'mitm' }, alice: { browser: 'click-through' } }), ['tap']);
    const f = r.engine.summary().flows.f as Record<string, any>;
    expect(f).toMatchObject({ completed: true, responses: 2, statuses: { 200: 2 } });
    expect(f.warning).toMatch(/^Not secure: the certificate is self-signed/);
    const plain = r.of('tap').filter((e) => e.action === 'plaintext');
    expect(plain.map((e) => String(e.preview)).join('\n')).toContain(LOGIN);
    expect(plain.some((e) => e.direction === 'server->client' && String(e.preview).startsWith('HTTP/1.1 200 OK'))).toBe(true);
  });
});
