// Scenarios for the sandbox (and the title screen's backdrop), sized for people: links slow enough
// and long enough that every packet can be followed by eye at ×1, and losses frequent enough to see.

import type { ScenarioInput } from '../../shared/scenario/schema.ts';
import { loadScenario } from '../../shared/scenario/load.ts';
import type { MessageKey } from '../i18n/index.ts';
import { t } from '../i18n/index.ts';
import type { LocalScenario } from './local-source.ts';

interface SandboxEntry {
  id: string;
  title: MessageKey;
  scenario: ScenarioInput;
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
        { id: 'download', from: 'laptop', to: 'server', transport: 'tcp', app: 'bulk', bytes: 120_000, mss: 1000, cc: 'reno', startMs: 500 },
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
        { id: 'go-back-n', from: 'gbn-sender', to: 'receiver', transport: 'tcp', app: 'bulk', bytes: 30_000, mss: 1000, arq: 'go-back-n', windowSegments: 4, startMs: 500 },
        { id: 'selective', from: 'sr-sender', to: 'receiver', transport: 'tcp', app: 'bulk', bytes: 30_000, mss: 1000, arq: 'selective-repeat', windowSegments: 4, startMs: 500 },
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
];

/** The sandbox scenarios, validated and named in the current language. */
export function sandboxLibrary(): LocalScenario[] {
  return ENTRIES.map((e) => {
    const loaded = loadScenario(e.scenario);
    if (!loaded.ok) throw new Error(`sandbox scenario ${e.id}: ${loaded.errors.join('; ')}`);
    return { id: e.id, name: t(e.title), scenario: loaded.scenario };
  });
}

export const SANDBOX_IDS: readonly string[] = ENTRIES.map((e) => e.id);
