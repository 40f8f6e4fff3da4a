// Results are written while a session runs, survive a server restart, and are downloadable only
// with the host token. The server runs as a real process (npm start's entry) on a free port, so the
// restart is a real one.

import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Client } from '@colyseus/sdk';
import { resultsCsv } from '../../server/persistence/results-format.ts';
import { DatabaseSync } from 'node:sqlite';
import { hashToken, SessionStore, type SessionResults } from '../../server/persistence/session-store.ts';
import { replayScenario } from '../../shared/scenario/replay.ts';
import { Engine } from '../../shared/protocols/engine.ts';
import { loadScenario } from '../../shared/scenario/load.ts';
import { freePort, tempDir, waitFor } from './helpers.ts';

let PORT = 0;
let BASE = '';
const dataDir = tempDir('packetplay-results-');
const root = new URL('../../', import.meta.url).pathname;
let proc: ChildProcess | null = null;

async function startProcess(extraEnv: Record<string, string> = {}): Promise<void> {
  if (PORT === 0) {
    PORT = await freePort();
    BASE = `http://127.0.0.1:${PORT}`;
  }
  proc = spawn(join(root, 'node_modules/.bin/node'), ['--disable-warning=ExperimentalWarning', join(root, 'server/main.ts')], {
    env: { ...process.env, PORT: String(PORT), HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'warn', CLIENT_DIR: join(dataDir, 'no-client'), REDIS_URL: '', MONITOR_PASSWORD: '', ...extraEnv },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  await waitFor(() => fetch(`${BASE}/healthz`).then((r) => r.ok, () => false), 'the server to listen', 60_000);
}

async function stopProcess(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  const p = proc;
  if (p === null) return;
  proc = null;
  if (p.exitCode !== null) return;
  await new Promise<void>((resolve) => {
    p.once('exit', () => resolve());
    p.kill(signal);
  });
}

afterAll(async () => {
  await stopProcess('SIGKILL');
}, 60_000);

async function getResults(code: string, token: string | null, suffix = 'results.json') {
  const headers: Record<string, string> = token === null ? {} : { authorization: `Bearer ${token}` };
  return fetch(`${BASE}/api/sessions/${code}/${suffix}`, { headers });
}

describe('session results', () => {
  it('are written as the session goes, survive a restart and need the host token; the monitor needs its password', async () => {
    await startProcess();
    const host = await new Client(BASE).create('classroom', { name: 'Ms Park', scenario: '2-congestion-lab' });
    const { hostToken } = (await host.request('whoami')) as { hostToken: string };
    const code = host.roomId;
    const student = await new Client(BASE).joinById(code, { name: '=HYPERLINK("x") 민준' });

    // Written while the session runs (every few seconds), before anything ends.
    const progress = await waitFor(async () => {
      const r = await getResults(code, hostToken);
      if (r.status !== 200) return undefined;
      const body = (await r.json()) as SessionResults;
      return body.players.length === 2 ? body : undefined;
    }, 'results written while the session runs', 60_000);
    expect(progress.session.status).toBe('running');
    expect(progress.players.map((p) => [p.name, p.role, p.seat])).toEqual([
      ['Ms Park', 'host', ''],
      ['=HYPERLINK("x") 민준', 'router', 'router:edge'],
    ]);
    expect(progress.flows.map((f) => f.flow)).toEqual(['alice-upload', 'bob-upload']);

    const monitorWithout = (await fetch(`${BASE}/monitor/api`)).status;
    // The server stops (its rooms close and write their final results) and starts again.
    student.reconnection.enabled = false;
    host.reconnection.enabled = false;
    await stopProcess('SIGTERM');
    // The second start also mounts the monitor (the first had none: 404).
    expect(monitorWithout).toBe(404);
    await startProcess({ MONITOR_PASSWORD: 's3cret-monitor' });
    expect((await fetch(`${BASE}/monitor/api`)).status).toBe(401);
    const auth = `Basic ${Buffer.from('admin:s3cret-monitor').toString('base64')}`;
    expect((await fetch(`${BASE}/monitor/api`, { headers: { authorization: auth } })).status).toBe(200);

    expect((await getResults(code, null)).status).toBe(401);
    expect((await getResults(code, 'wrong-token')).status).toBe(403);
    expect((await getResults('ZZZZZZ', hostToken)).status).toBe(404);
    const after = (await (await getResults(code, hostToken)).json()) as SessionResults;
    expect(after.session.code).toBe(code);
    expect(after.session.status).toBe('ended');
    expect(after.session.scenario).toBe('2-congestion-lab');
    expect(after.session.simMs).toBeGreaterThan(0);
    expect(after.players.map((p) => p.name)).toEqual(['Ms Park', '=HYPERLINK("x") 민준']);
    expect(after.players.every((p) => p.leftAt !== null)).toBe(true);

    const csv = await getResults(code, hostToken, 'results.csv');
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    const bytes = new Uint8Array(await csv.arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]); // a byte-order mark, for spreadsheets
    const lines = new TextDecoder().decode(bytes).split('\r\n');
    expect(lines[0]).toBe('session,name,role,seat,score,host,spectator,connected,joinedAt,leftAt');
    expect(lines[2]!.startsWith(`${code},"'=HYPERLINK(""x"") 민준",router,router:edge,`)).toBe(true);
    const viaQuery = await fetch(`${BASE}/api/sessions/${code}/results.csv?table=flows&token=${encodeURIComponent(hostToken)}`);
    expect((await viaQuery.text()).split('\r\n')[0]).toBe('session,round,flow,from,to,transport,app,deliveredBytes,goodputBps,retransmits,timeouts,fastRetransmits');
    expect((await fetch(`${BASE}/api/sessions/${code}/results.csv?table=secrets&token=${hostToken}`)).status).toBe(400);

    // The round's replay: the lab's file, its seed, the log (the bots at the start, the student taking
    // the edge router and his bot taking it back when the server stopped), up to where the class got.
    expect(after.rounds).toEqual([{ round: 1, scenario: '2-congestion-lab', simMs: after.session.simMs, commands: 4 }]);
    const replayRes = await getResults(code, hostToken, 'replay.json');
    expect(replayRes.status).toBe(200);
    expect(replayRes.headers.get('content-disposition')).toBe(`attachment; filename=packetplay-${code}-round1.json`);
    const replayFile = (await replayRes.json()) as { name: string; durationMs: number; commands: Array<Record<string, unknown>>; recorded: { atMs: number } };
    expect(replayFile.name).toBe('Congestion lab: two senders, one bottleneck');
    expect(replayFile.durationMs).toBe(after.session.simMs);
    expect(replayFile.commands.map((c) => [c.action, c.node, c.controller])).toEqual([
      ['controller', 'edge', 'bot'],
      ['controller', 'core', 'bot'],
      ['controller', 'edge', 'player'],
      ['controller', 'edge', 'bot'],
    ]);
    expect(replayFile.commands.slice(0, 2).map((c) => c.atMs)).toEqual([0, 0]);
    // It carries the class's fingerprint at its end, and today's engine runs the class as it ran.
    expect(replayFile.recorded.atMs).toBe(after.session.simMs);
    const loaded = loadScenario(replayFile);
    if (!loaded.ok) throw new Error(loaded.errors.join('; '));
    const replayed = new Engine(loaded.scenario);
    const summary = replayed.run();
    expect(replayed.replayVerdict.state).toBe('same');
    expect(after.flows.map((f) => [f.flow, f.deliveredBytes, f.retransmits, f.timeouts])).toEqual(
      Object.entries(summary.flows).map(([id, f]) => [id, f.deliveredBytes, f.retransmits, f.timeouts]),
    );
    expect((await getResults(code, hostToken, 'replay.json?round=2')).status).toBe(404);
    expect((await getResults(code, hostToken, 'replay.json?round=zero')).status).toBe(400);
    expect((await getResults(code, 'wrong-token', 'replay.json')).status).toBe(403);
    await stopProcess('SIGTERM');
  }, 240_000);
});

/** A database file as an earlier version left it: its rounds table without the columns added since, one round in it. */
function earlierDatabase(): string {
  const file = join(tempDir('packetplay-old-db-'), 'sessions.sqlite');
  const old = new DatabaseSync(file);
  old.exec(`CREATE TABLE sessions (
    id TEXT PRIMARY KEY, code TEXT NOT NULL, token_hash TEXT NOT NULL, scenario TEXT NOT NULL, scenario_name TEXT NOT NULL,
    round INTEGER NOT NULL, sim_ms REAL NOT NULL, status TEXT NOT NULL, created_at TEXT NOT NULL, updated_at TEXT NOT NULL, ended_at TEXT);
  CREATE TABLE rounds (
    session_id TEXT NOT NULL, round INTEGER NOT NULL, scenario TEXT NOT NULL, source TEXT NOT NULL, seed REAL NOT NULL,
    sim_ms REAL NOT NULL, log_full_at_ms REAL, commands INTEGER NOT NULL,
    PRIMARY KEY (session_id, round));`);
  old.prepare(`INSERT INTO sessions VALUES ('s1', 'OLDONE', ?, 'lab', 'Lab', 1, 5000, 'ended', 'c', 'u', 'e')`).run(hashToken('tok'));
  old.prepare(`INSERT INTO rounds VALUES ('s1', 1, 'lab', ?, 7, 5000, NULL, 0)`).run(JSON.stringify({ name: 'Lab', durationMs: 60000, nodes: [{ id: 'a', kind: 'host' }] }));
  old.close();
  return file;
}

describe('a database from an earlier version', () => {
  it('gets the columns added since, and its old rounds replay without a fingerprint', () => {
    const file = earlierDatabase();
    const store = new SessionStore(file);
    const found = store.lookupReplay('OLDONE', 'tok', undefined);
    if (!found.ok) throw new Error(`lookup failed: ${found.status}`);
    expect([found.replay.nowMs, found.replay.eventsProcessed, found.replay.summarySha256]).toEqual([5000, null, null]);
    const replay = replayScenario(found.replay.source, found.replay)!;
    expect([replay.durationMs, replay.seed, 'recorded' in replay]).toEqual([5000, 7, false]);
    // Opened again (the columns are there now): nothing to add.
    expect(() => new SessionStore(file)).not.toThrow();
  });
});

describe('CSV', () => {
  it('quotes what needs quoting and defuses formulas', () => {
    const r: SessionResults = {
      session: { id: 'x', code: 'ABCDEF', scenario: 's', scenarioName: 'S', round: 1, simMs: 0, status: 'ended', createdAt: 'c', updatedAt: 'u', endedAt: null },
      players: [
        { player: 'p', name: 'a,b', role: 'router', seat: 'router:r1', score: -3, host: false, spectator: false, connected: true, joinedAt: 'j', leftAt: null },
        { player: 'q', name: '+1 "x"\nline', role: 'observer', seat: '', score: 0, host: false, spectator: false, connected: false, joinedAt: 'j', leftAt: 'l' },
        { player: 'r', name: '@cmd', role: 'host', seat: '', score: 5, host: true, spectator: false, connected: true, joinedAt: 'j', leftAt: null },
      ],
      flows: [],
      events: [],
      rounds: [],
    };
    expect(resultsCsv(r, 'players')).toBe(
      'session,name,role,seat,score,host,spectator,connected,joinedAt,leftAt\r\n' +
        'ABCDEF,"a,b",router,router:r1,-3,false,false,true,j,\r\n' +
        `ABCDEF,"'+1 ""x""\nline",observer,,0,false,false,false,j,l\r\n` +
        "ABCDEF,'@cmd,host,,5,true,false,true,j,\r\n",
    );
  });
});

describe('one database shared by several processes', () => {
  /** Open a SessionStore on `file` in a process of its own; resolves with its exit code. */
  function openInProcess(file: string): Promise<number | null> {
    const code = 'const { SessionStore } = await import(process.argv[1]); new SessionStore(process.argv[2]);';
    const child = spawn(
      join(root, 'node_modules/.bin/node'),
      ['--disable-warning=ExperimentalWarning', '--input-type=module', '-e', code, join(root, 'server/persistence/session-store.ts'), file],
      { stdio: ['ignore', 'ignore', 'ignore'] },
    );
    return new Promise((resolve) => child.once('exit', (exitCode) => resolve(exitCode)));
  }

  it('opens in every process when they start together on a new file (as scaled-out servers do)', async () => {
    // Before the WAL switch was retried, about one open in three failed with "database is locked".
    const exits: Array<number | null> = [];
    for (let pair = 0; pair < 8; pair++) {
      const file = join(tempDir('packetplay-shared-db-'), 'sessions.sqlite');
      exits.push(...(await Promise.all([openInProcess(file), openInProcess(file)])));
    }
    expect(exits).toEqual(Array(16).fill(0));
  }, 120_000);

  it('opens in every process when they start together on a file of an earlier version (both add its new columns)', async () => {
    const exits: Array<number | null> = [];
    // Without the second process tolerating the first's ALTER, about one pair in ten failed.
    for (let pair = 0; pair < 12; pair++) {
      const file = earlierDatabase();
      exits.push(...(await Promise.all([openInProcess(file), openInProcess(file)])));
    }
    expect(exits).toEqual(Array(24).fill(0));
  }, 120_000);
});
