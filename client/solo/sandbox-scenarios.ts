// Scenarios for the sandbox (and the title screen's backdrop), sized for people: links slow enough
// and long enough that every packet can be followed by eye at ×1, and losses frequent enough to see.

import type { ScenarioInput } from '../../shared/scenario/schema.ts';
import { loadScenario } from '../../shared/scenario/load.ts';
// The engine's topic scenarios (one per topic of the course), shown slowed down.
import httpPlaintext from '../../scenarios/topics/t01-http-plaintext.json';
import caTrust from '../../scenarios/topics/t02-ca-trust.json';
import tlsHandshake from '../../scenarios/topics/t03-tls-handshake.json';
import osiLayers from '../../scenarios/topics/t05-osi-layers.json';
import dnsTruncated from '../../scenarios/topics/t13-dns-truncated-tcp.json';
import blocking from '../../scenarios/topics/t14-blocking-vs-nonblocking.json';
import manualBalancing from '../../scenarios/topics/t16-manual.json';
import type { MessageKey } from '../i18n/index.ts';
import { t } from '../i18n/index.ts';
import type { LocalScenario } from './local-source.ts';

interface SandboxEntry {
  id: string;
  title: MessageKey;
  scenario: ScenarioInput | unknown;
  /** Simulated ms per real ms to start at: the topic scenarios run on fast links, so slowly. */
  speed?: number;
}

const ENTRIES: readonly SandboxEntry[] = [
  {
    id: 'classroom',
    title: 'sandbox.classroom',
    scenario: {
      name: 'classroom',
      seed: 11,
      durationMs: 120_000,
      nodes: [
        { id: 'laptop', kind: 'host' },
        { id: 'phone', kind: 'host' },
        { id: 'router', kind: 'router', queuePackets: 12 },
        { id: 'server', kind: 'host' },
      ],
      links: [
        { id: 'wifi', a: 'laptop', b: 'router', bandwidthBps: 256_000, delayMs: 300, queuePackets: 20 },
        { id: 'lte', a: 'phone', b: 'router', bandwidthBps: 256_000, delayMs: 400, queuePackets: 20 },
        { id: 'uplink', a: 'router', b: 'server', bandwidthBps: 128_000, delayMs: 500, queuePackets: 12, loss: 0.02 },
      ],
      flows: [
        // Round trips of 1.6 s outlast RFC 6298's first RTO of 1 s: RFC 1122's 3 s keeps the
        // handshake from timing out for nothing.
        { id: 'upload', from: 'laptop', to: 'server', transport: 'tcp', app: 'bulk', bytes: 120_000, mss: 1000, cc: 'reno', startMs: 500, initialRtoMs: 3000 },
        { id: 'voice', from: 'phone', to: 'server', transport: 'udp', app: 'cbr', rateBps: 16_000, packetBytes: 160, startMs: 1500 },
      ],
    },
  },
  {
    id: 'handshake',
    title: 'sandbox.handshake',
    scenario: {
      name: 'handshake',
      seed: 2,
      durationMs: 60_000,
      nodes: [
        { id: 'client', kind: 'host' },
        { id: 'router', kind: 'router' },
        { id: 'server', kind: 'host' },
      ],
      links: [
        { id: 'l1', a: 'client', b: 'router', bandwidthBps: 64_000, delayMs: 800, queuePackets: 20 },
        { id: 'l2', a: 'router', b: 'server', bandwidthBps: 64_000, delayMs: 800, queuePackets: 20 },
      ],
      flows: [{ id: 'hello', from: 'client', to: 'server', transport: 'tcp', app: 'bulk', bytes: 3000, mss: 1000, mslMs: 4000, initialRtoMs: 5000, minRtoMs: 5000, startMs: 1000 }],
    },
  },
  {
    id: 'arq',
    title: 'sandbox.arq',
    scenario: {
      name: 'arq',
      seed: 7,
      durationMs: 120_000,
      nodes: [
        { id: 'gbn-sender', kind: 'host' },
        { id: 'sr-sender', kind: 'host' },
        { id: 'router', kind: 'router' },
        { id: 'receiver', kind: 'host' },
      ],
      links: [
        { id: 'a', a: 'gbn-sender', b: 'router', bandwidthBps: 128_000, delayMs: 300, queuePackets: 20 },
        { id: 'b', a: 'sr-sender', b: 'router', bandwidthBps: 128_000, delayMs: 300, queuePackets: 20 },
        { id: 'c', a: 'router', b: 'receiver', bandwidthBps: 256_000, delayMs: 300, queuePackets: 20, loss: { 'router->receiver': 0.08 } },
      ],
      flows: [
        { id: 'go-back-n', from: 'gbn-sender', to: 'receiver', transport: 'tcp', app: 'bulk', bytes: 30_000, mss: 1000, arq: 'go-back-n', windowSegments: 4, startMs: 500, initialRtoMs: 3000 },
        { id: 'selective', from: 'sr-sender', to: 'receiver', transport: 'tcp', app: 'bulk', bytes: 30_000, mss: 1000, arq: 'selective-repeat', windowSegments: 4, startMs: 500, initialRtoMs: 3000 },
      ],
    },
  },
  {
    id: 'fairness',
    title: 'sandbox.fairness',
    scenario: {
      name: 'fairness',
      seed: 5,
      durationMs: 180_000,
      nodes: [
        { id: 'alice', kind: 'host' },
        { id: 'bob', kind: 'host' },
        { id: 'router', kind: 'router' },
        { id: 'server', kind: 'host' },
      ],
      links: [
        { id: 'a', a: 'alice', b: 'router', bandwidthBps: 512_000, delayMs: 100, queuePackets: 30 },
        { id: 'b', a: 'bob', b: 'router', bandwidthBps: 512_000, delayMs: 100, queuePackets: 30 },
        { id: 'bottleneck', a: 'router', b: 'server', bandwidthBps: 256_000, delayMs: 300, queuePackets: 10 },
      ],
      flows: [
        { id: 'alice-tcp', from: 'alice', to: 'server', transport: 'tcp', app: 'bulk', mss: 1000, cc: 'aimd', startMs: 500 },
        { id: 'bob-tcp', from: 'bob', to: 'server', transport: 'tcp', app: 'bulk', mss: 1000, cc: 'aimd', startMs: 15_000 },
      ],
    },
  },
  {
    // The player picks the modes of "yours" before starting it; NewReno beside it is the yardstick.
    id: 'modes',
    title: 'sandbox.modes',
    scenario: {
      name: 'modes',
      seed: 11,
      durationMs: 180_000,
      nodes: [
        { id: 'you', kind: 'host' },
        { id: 'them', kind: 'host' },
        { id: 'router', kind: 'router' },
        { id: 'server', kind: 'host' },
      ],
      links: [
        { id: 'a', a: 'you', b: 'router', bandwidthBps: 512_000, delayMs: 100, queuePackets: 30 },
        { id: 'b', a: 'them', b: 'router', bandwidthBps: 512_000, delayMs: 100, queuePackets: 30 },
        { id: 'bottleneck', a: 'router', b: 'server', bandwidthBps: 256_000, delayMs: 300, queuePackets: 10, loss: { 'router->server': 0.01 } },
      ],
      flows: [
        {
          id: 'yours',
          from: 'you',
          to: 'server',
          transport: 'tcp',
          app: 'bulk',
          bytes: 200_000,
          mss: 1000,
          cc: 'newreno',
          windowSegments: 8,
          autoStart: false,
          choices: { cc: ['aimd', 'tahoe', 'reno', 'newreno'], arq: ['tcp', 'stop-and-wait', 'go-back-n', 'selective-repeat'] },
        },
        { id: 'newreno', from: 'them', to: 'server', transport: 'tcp', app: 'bulk', bytes: 200_000, mss: 1000, cc: 'newreno', startMs: 500 },
      ],
    },
  },
  { id: 't01-http-plaintext', title: 'sandbox.httpPlaintext', scenario: httpPlaintext, speed: 0.01 },
  { id: 't02-ca-trust', title: 'sandbox.caTrust', scenario: caTrust, speed: 0.01 },
  { id: 't03-tls-handshake', title: 'sandbox.tlsHandshake', scenario: tlsHandshake, speed: 0.01 },
  { id: 't05-osi-layers', title: 'sandbox.osiLayers', scenario: osiLayers, speed: 0.01 },
  { id: 't13-dns', title: 'sandbox.dns', scenario: dnsTruncated, speed: 0.01 },
  { id: 't14-blocking', title: 'sandbox.blocking', scenario: blocking, speed: 0.05 },
  { id: 't16-manual', title: 'sandbox.balancing', scenario: manualBalancing, speed: 0.01 },
];

/** The sandbox scenarios that load with this engine, named in the current language. */
export function sandboxLibrary(): LocalScenario[] {
  const out: LocalScenario[] = [];
  for (const e of ENTRIES) {
    const loaded = loadScenario(e.scenario);
    // A topic scenario newer than this engine is left out rather than breaking the sandbox.
    if (!loaded.ok) continue;
    out.push({ id: e.id, name: t(e.title), scenario: loaded.scenario, speed: e.speed ?? 1, source: e.scenario as Record<string, unknown> });
  }
  return out;
}

export const SANDBOX_IDS: readonly string[] = ENTRIES.map((e) => e.id);
