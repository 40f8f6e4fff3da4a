import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Engine } from '../../shared/protocols/engine.ts';
import { loadScenarioText } from '../../shared/scenario/load.ts';

const root = new URL('../../', import.meta.url).pathname;

function sim(...args: string[]) {
  const r = spawnSync(process.execPath, ['tools/sim.ts', ...args], { cwd: root, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, lines: r.stdout.split('\n').filter((l) => l !== '').map((l) => JSON.parse(l)) };
}

describe('npm run sim', () => {
  it('prints only the summary without --trace', () => {
    const r = sim('scenarios/quick-check.json');
    expect(r.status).toBe(0);
    expect(r.lines).toHaveLength(1);
    expect(r.lines[0]).toMatchObject({ type: 'summary', simMs: 5000, flows: { f1: { deliveredBytes: 200000, mismatchedBytes: 0, completed: true } } });
    expect(Number.isInteger(r.lines[0].events)).toBe(true);
  });

  it('prints the traced events in time order, then the summary last', () => {
    const r = sim('scenarios/quick-check.json', '--trace', 'cwnd,state');
    expect(r.status).toBe(0);
    const types = new Set(r.lines.slice(0, -1).map((e) => e.type));
    expect([...types].sort()).toEqual(['cwnd', 'state']);
    const times = r.lines.slice(0, -1).map((e) => e.t);
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(r.lines.at(-1).type).toBe('summary');
    expect(r.lines[0]).toMatchObject({ type: 'state', t: 0, flow: 'f1', side: 'client', from: 'CLOSED', to: 'SYN_SENT' });
  });

  it('is deterministic, and --seed changes the run', () => {
    const a = sim('scenarios/quick-check.json', '--trace', 'all');
    const b = sim('scenarios/quick-check.json', '--trace', 'all');
    const c = sim('scenarios/quick-check.json', '--trace', 'all', '--seed', '99');
    expect(a.stdout).toBe(b.stdout);
    expect(c.stdout).not.toBe(a.stdout);
  });

  it('rejects a bad scenario with messages that name the fields, on stderr, status 2', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sim-'));
    const file = join(dir, 'bad.json');
    writeFileSync(file, JSON.stringify({ durationMs: 100, nodes: [{ id: 'a', kind: 'switchboard' }], links: [{ id: 'l', a: 'a', b: 'z', bandwidthBps: 1, delayMs: 1 }] }));
    const r = sim(file);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('nodes[0].kind');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('says on stderr whether a replay runs as its recorded session did', () => {
    const text = readFileSync(join(root, 'scenarios/quick-check.json'), 'utf8');
    const loaded = loadScenarioText(text);
    if (!loaded.ok) throw new Error(loaded.errors.join('; '));
    const engine = new Engine(loaded.scenario);
    engine.runUntilMs(3000);
    const recorded = { atMs: 3000, events: engine.eventsProcessed, summarySha256: engine.summarySha256 };
    const dir = mkdtempSync(join(tmpdir(), 'sim-'));
    const write = (name: string, rec: typeof recorded) => {
      writeFileSync(join(dir, name), JSON.stringify({ ...JSON.parse(text), recorded: rec }));
      return join(dir, name);
    };
    const same = sim(write('same.json', recorded));
    expect([same.status, same.stderr]).toEqual([0, `sim: replay: at 3000 ms this run is the recorded session's (${recorded.events} events)\n`]);
    expect(same.lines.at(-1)).toMatchObject({ type: 'summary', simMs: 5000 });
    const other = sim(write('other.json', { ...recorded, summarySha256: '0'.repeat(64) }));
    expect(other.status).toBe(0);
    expect(other.stderr).toBe(
      `sim: replay: at 3000 ms this run differs from the recorded session (${recorded.events} events, recorded ${recorded.events}; ` +
        `summary SHA-256 ${recorded.summarySha256.slice(0, 12)}…, recorded 000000000000…): it was recorded with another version of the engine\n`,
    );
    expect(sim('scenarios/quick-check.json').stderr).toBe('');
  });

  it.each([
    [['--trace', 'cwnd,bogus', 'scenarios/quick-check.json'], 'unknown event type "bogus"'],
    [['scenarios/quick-check.json', '--seed', '-3'], '--seed needs a non-negative whole number'],
    [['no/such/file.json'], 'cannot read no/such/file.json: no such file'],
    [[], 'no scenario file given'],
  ])('explains bad arguments: %j', (args, message) => {
    const r = sim(...args);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(message);
  });
});
