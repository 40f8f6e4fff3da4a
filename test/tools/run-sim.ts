// Runs a topic scenario through the `sim` command, as a teacher's script or a tool would, and splits
// its JSON Lines into the traced events and the closing summary.

import { spawnSync } from 'node:child_process';
import { expect } from 'vitest';

const root = new URL('../../', import.meta.url).pathname;

export interface SimRun {
  stdout: string;
  events: Array<Record<string, any>>;
  summary: Record<string, any>;
  of(type: string): Array<Record<string, any>>;
}

export function simTopic(file: string, trace: string, ...extra: string[]): SimRun {
  const r = spawnSync(process.execPath, ['tools/sim.ts', `scenarios/topics/${file}`, '--trace', trace, ...extra], {
    cwd: root,
    encoding: 'utf8',
    maxBuffer: 512 * 1024 * 1024,
  });
  if (r.status !== 0) throw new Error(`sim ${file} failed (${r.status}): ${r.stderr}`);
  const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
  const summary = lines.pop()!;
  expect(summary.type).toBe('summary');
  return { stdout: r.stdout, events: lines, summary, of: (type) => lines.filter((e) => e.type === type) };
}
