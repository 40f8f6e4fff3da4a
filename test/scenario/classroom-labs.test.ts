// The built-in classroom labs run on their own as well: with bots in every seat (what a class sees
// before anyone takes a role), each lab shows what it is there to teach.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Engine } from '../../shared/protocols/engine.ts';
import { loadScenario } from '../../shared/scenario/load.ts';

function lab(file: string, durationMs: number): Engine {
  const raw = JSON.parse(readFileSync(new URL(`../../scenarios/classroom/${file}`, import.meta.url), 'utf8'));
  raw.durationMs = durationMs;
  for (const n of raw.nodes) if (n.controller === 'player') n.controller = 'bot';
  const r = loadScenario(raw);
  if (!r.ok) throw new Error(r.errors.join('; '));
  return new Engine(r.scenario);
}

describe('classroom labs with bots in every seat', () => {
  it('security lab: Eve reads the HTTP password, not the HTTPS one; Carol refuses Mallory, Bob clicks through', () => {
    const e = lab('4-security-lab.json', 150_000);
    const taps: string[] = [];
    e.subscribe(['tap'], (ev) => {
      if (ev.node === 'eve' && typeof ev.preview === 'string') taps.push(`${ev.flow}:${ev.preview}`);
    });
    const s = e.run();
    expect(taps.some((t) => t.startsWith('alice-http:') && t.includes('password=hunter2'))).toBe(true);
    expect(taps.some((t) => t.startsWith('alice-https:') && t.includes('hunter2'))).toBe(false);
    expect(s.flows['alice-https']).toMatchObject({ handshake: 'established', responses: 3 });
    expect(s.flows['carol-https']).toMatchObject({ handshake: 'failed', tlsFailure: { alert: 'unknown_ca' } });
    expect(s.flows['bob-https']).toMatchObject({ handshake: 'established', responses: 1 });
    expect(String(s.flows['bob-https']!.warning)).toMatch(/^Not secure/);
  });

  it('load-balancer lab: connections spread over the three servers, no failover until the active one fails', () => {
    const e = lab('5-load-balancer-lab.json', 120_000);
    const s = e.run();
    const lb = (s as unknown as { balancers: Record<string, { assignments: Record<string, number>; failovers: number; active: boolean }> }).balancers;
    expect(lb['lb-a']!.active).toBe(true);
    expect(lb['lb-b']!.failovers + lb['lb-a']!.failovers).toBe(0);
    expect(Object.values(lb['lb-a']!.assignments).every((n) => n > 20)).toBe(true);
    for (const f of Object.values(s.flows)) expect(f).toMatchObject({ errors: 0 });
  });
});

describe('server lab', () => {
  /** The readers' slowest page and the server's longest accept wait, in ms. */
  function pages(e: Engine): { slowestPageMs: number; acceptWaitMaxMs: number; pages: number; photos: number } {
    const s = e.run();
    const readers = Object.entries(s.flows).filter(([id]) => id.endsWith('-news'));
    const photos = Object.entries(s.flows).filter(([id]) => id.endsWith('-photos'));
    const web = (s as unknown as { servers: Record<string, { acceptWaitMaxMs: number }> }).servers.web!;
    return {
      slowestPageMs: Math.max(...readers.map(([, f]) => f.latencyMsMax as number)),
      acceptWaitMaxMs: web.acceptWaitMaxMs,
      pages: readers.reduce((n, [, f]) => n + (f.responses as number), 0),
      photos: photos.reduce((n, [, f]) => n + (f.responses as number), 0),
    };
  }

  it("with the scenario's four blocking threads the uploads take them all and pages wait; more threads or an event loop serve pages at once", () => {
    expect(pages(lab('6-server-lab.json', 120_000))).toEqual({ slowestPageMs: 5100.646, acceptWaitMaxMs: 4900.132, pages: 132, photos: 28 });
    const loop = lab('6-server-lab.json', 120_000);
    expect(loop.setServerIo('web', 'nonblocking', 1)).toEqual({ ok: true });
    expect(pages(loop)).toEqual({ slowestPageMs: 200.636, acceptWaitMaxMs: 0.002, pages: 132, photos: 28 });
    const eight = lab('6-server-lab.json', 120_000);
    expect(eight.setServerIo('web', 'blocking', 8)).toEqual({ ok: true });
    expect(pages(eight)).toEqual({ slowestPageMs: 200.635, acceptWaitMaxMs: 0.011, pages: 132, photos: 28 });
  });
});

describe('DNS lab', () => {
  /** Each resolver's lookups in the lab's first two minutes. */
  function lookups(e: Engine): Record<string, unknown> {
    const s = e.run();
    return Object.fromEntries(
      Object.entries(s.flows).map(([id, f]) => [id, [f.queries, f.answered, f.failed, f.retries, f.truncated, f.tcpFallbacks, JSON.stringify(f.rcodes)].join(' ')]),
    );
  }

  it('answers every name over UDP, a big one over TCP after TC, a mistyped one with NXDOMAIN', () => {
    // queries, answered, failed, retries, truncated, TCP fallbacks, answer codes (the last lookup may still be on its way at 120 s)
    expect(lookups(lab('7-dns-lab.json', 120_000))).toEqual({
      'l1-lookups': '15 15 0 0 0 0 {"NOERROR":15}',
      'l2-lookups': '15 15 0 0 0 0 {"NOERROR":15}',
      'l3-lookups': '15 14 0 0 15 15 {"NOERROR":14}',
      'l4-lookups': '15 14 0 0 0 0 {"NOERROR":14}',
      'l5-lookups': '14 14 0 0 0 0 {"NOERROR":14}',
      'l6-lookups': '14 14 0 0 0 0 {"NXDOMAIN":14}',
    });
  });

  it("with 20% loss between the routers the resolvers' own timers ask again, and a few give up after three tries", () => {
    const raw = JSON.parse(readFileSync(new URL('../../scenarios/classroom/7-dns-lab.json', import.meta.url), 'utf8'));
    raw.durationMs = 120_000;
    for (const n of raw.nodes) if (n.controller === 'player') n.controller = 'bot';
    raw.links.find((l: { id: string }) => l.id === 'wifi-campus').loss = 0.2;
    const r = loadScenario(raw);
    if (!r.ok) throw new Error(r.errors.join('; '));
    expect(lookups(new Engine(r.scenario))).toEqual({
      'l1-lookups': '15 13 1 10 0 0 {"NOERROR":13}',
      'l2-lookups': '15 15 0 10 0 0 {"NOERROR":15}',
      // Over TCP the resolver waits 5 s at most: on this path a lost SYN or segment can take longer.
      'l3-lookups': '15 9 5 9 13 13 {"NOERROR":9}',
      'l4-lookups': '15 14 0 9 0 0 {"NOERROR":14}',
      'l5-lookups': '14 14 0 9 0 0 {"NOERROR":14}',
      'l6-lookups': '14 14 0 12 0 0 {"NXDOMAIN":14}',
    });
  });
});
