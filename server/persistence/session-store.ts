// Session results in SQLite (node:sqlite, no native addon): one row per session, per player, per
// flow and round, per notable event. Rooms write as the session goes (every few seconds) and when it
// ends, so a crash or restart loses at most the last few seconds, and results stay downloadable
// after the room is gone. Several server processes may share one database file (WAL mode, a busy
// timeout), as they do when scaled out on one machine.
//
// The host token is never stored: only its SHA-256, compared in constant time.

import { createHash, timingSafeEqual } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DatabaseSync, type StatementSync } from 'node:sqlite';
import type { NotableEvent } from '../game/notable-events.ts';
import type { FlowRow, PlayerRecord, ReplayProgress } from '../game/classroom-game.ts';
import type { TimedCommand } from '../../shared/protocols/roles/commands.ts';
import type { ReplayedRun } from '../../shared/scenario/replay.ts';

export interface SessionInfo {
  id: string;
  code: string;
  scenario: string;
  scenarioName: string;
  round: number;
  simMs: number;
  /** `running`, or `ended` once the host ended it or the room closed. */
  status: string;
  createdAt: string;
  updatedAt: string;
  endedAt: string | null;
}

export interface PlayerRow {
  player: string;
  name: string;
  role: string;
  seat: string;
  score: number;
  host: boolean;
  spectator: boolean;
  connected: boolean;
  joinedAt: string;
  leftAt: string | null;
}

export interface FlowResultRow {
  round: number;
  flow: string;
  from: string;
  to: string;
  transport: string;
  app: string;
  deliveredBytes: number;
  goodputBps: number;
  retransmits: number;
  timeouts: number;
  fastRetransmits: number;
  stats: Record<string, unknown>;
}

export interface EventRow {
  seq: number;
  round: number;
  t: number;
  type: string;
  node: string;
  link: string;
  flow: string;
  packet: number;
  detail: string;
  count: number;
}

/** A round of the session: the scenario it ran, how far, and how many commands its replay holds. */
export interface RoundRow {
  round: number;
  scenario: string;
  simMs: number;
  commands: number;
}

export interface SessionResults {
  session: SessionInfo;
  players: PlayerRow[];
  flows: FlowResultRow[];
  events: EventRow[];
  rounds: RoundRow[];
}

/** What a round's replay is built from (shared/scenario/replay.ts). */
export interface StoredReplay extends ReplayedRun {
  round: number;
  source: Record<string, unknown>;
}

export interface Progress {
  scenario: string;
  scenarioName: string;
  round: number;
  simMs: number;
  players: PlayerRecord[];
  flows: FlowRow[];
  events: NotableEvent[];
  /** The running round's replay, as far as it is not written yet. */
  replay?: ReplayProgress;
}

export type Lookup = { ok: true; results: SessionResults } | { ok: false; status: 404 | 403 };

export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS sessions (
  id TEXT PRIMARY KEY, code TEXT NOT NULL, token_hash TEXT NOT NULL, scenario TEXT NOT NULL, scenario_name TEXT NOT NULL,
  round INTEGER NOT NULL, sim_ms REAL NOT NULL, status TEXT NOT NULL, created_at TEXT NOT NULL, updated_at TEXT NOT NULL, ended_at TEXT);
CREATE INDEX IF NOT EXISTS sessions_code ON sessions(code);
CREATE TABLE IF NOT EXISTS players (
  session_id TEXT NOT NULL, player TEXT NOT NULL, name TEXT NOT NULL, role TEXT NOT NULL, seat TEXT NOT NULL, score INTEGER NOT NULL,
  host INTEGER NOT NULL, spectator INTEGER NOT NULL, connected INTEGER NOT NULL, joined_at TEXT NOT NULL, left_at TEXT,
  PRIMARY KEY (session_id, player));
CREATE TABLE IF NOT EXISTS flows (
  session_id TEXT NOT NULL, round INTEGER NOT NULL, flow TEXT NOT NULL, from_node TEXT NOT NULL, to_node TEXT NOT NULL,
  transport TEXT NOT NULL, app TEXT NOT NULL, delivered_bytes REAL NOT NULL, goodput_bps REAL NOT NULL, retransmits INTEGER NOT NULL,
  timeouts INTEGER NOT NULL, fast_retransmits INTEGER NOT NULL, stats TEXT NOT NULL,
  PRIMARY KEY (session_id, round, flow));
CREATE TABLE IF NOT EXISTS rounds (
  session_id TEXT NOT NULL, round INTEGER NOT NULL, scenario TEXT NOT NULL, source TEXT NOT NULL, seed REAL NOT NULL,
  sim_ms REAL NOT NULL, log_full_at_ms REAL, commands INTEGER NOT NULL, events REAL, summary_sha256 TEXT,
  PRIMARY KEY (session_id, round));
CREATE TABLE IF NOT EXISTS round_commands (
  session_id TEXT NOT NULL, round INTEGER NOT NULL, idx INTEGER NOT NULL, command TEXT NOT NULL,
  PRIMARY KEY (session_id, round, idx));
CREATE TABLE IF NOT EXISTS events (
  session_id TEXT NOT NULL, seq INTEGER NOT NULL, round INTEGER NOT NULL, t_ms REAL NOT NULL, type TEXT NOT NULL, node TEXT NOT NULL,
  link TEXT NOT NULL, flow TEXT NOT NULL, packet INTEGER NOT NULL, detail TEXT NOT NULL, count INTEGER NOT NULL,
  PRIMARY KEY (session_id, seq));
`;

/** Columns added since a table was first made: a database file from an older version gets them (null in old rows). */
const ADDED_COLUMNS: Array<{ table: string; column: string; type: string }> = [
  { table: 'rounds', column: 'events', type: 'REAL' },
  { table: 'rounds', column: 'summary_sha256', type: 'TEXT' },
];

function addMissingColumns(db: DatabaseSync): void {
  for (const c of ADDED_COLUMNS) {
    const have = (db.prepare(`PRAGMA table_info(${c.table})`).all() as Array<{ name: string }>).some((r) => r.name === c.column);
    if (have) continue;
    try {
      db.exec(`ALTER TABLE ${c.table} ADD COLUMN ${c.column} ${c.type}`);
    } catch (e) {
      // Another process on the same file (scaled out, started together) added it first.
      if (!/duplicate column name/i.test((e as Error).message)) throw e;
    }
  }
}

const WAL_ATTEMPTS = 20;
const SQLITE_BUSY = 5;

/**
 * Put the database in WAL mode. Two processes opening the same new file at once (scaled out on one
 * machine) can both try to switch it; SQLite then answers one of them "database is locked" at once,
 * whatever the busy timeout, so that one waits a little and tries again.
 */
function switchToWal(db: DatabaseSync): void {
  for (let attempt = 1; ; attempt++) {
    try {
      db.exec('PRAGMA journal_mode = WAL;');
      return;
    } catch (e) {
      if ((e as { errcode?: number }).errcode !== SQLITE_BUSY || attempt >= WAL_ATTEMPTS) throw e;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10 * attempt); // start-up only
    }
  }
}

export class SessionStore {
  readonly file: string;
  private readonly db: DatabaseSync;
  private readonly stmt: Record<string, StatementSync>;

  constructor(file: string) {
    this.file = file;
    if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
    this.db = new DatabaseSync(file);
    this.db.exec('PRAGMA busy_timeout = 5000;');
    switchToWal(this.db);
    this.db.exec('PRAGMA synchronous = NORMAL;');
    this.db.exec(SCHEMA);
    addMissingColumns(this.db);
    const p = (sql: string) => this.db.prepare(sql);
    this.stmt = {
      createSession: p(
        `INSERT INTO sessions (id, code, token_hash, scenario, scenario_name, round, sim_ms, status, created_at, updated_at, ended_at)
         VALUES (?, ?, ?, ?, ?, 1, 0, 'running', ?, ?, NULL)`,
      ),
      updateSession: p(`UPDATE sessions SET scenario = ?, scenario_name = ?, round = ?, sim_ms = ?, updated_at = ? WHERE id = ?`),
      endSession: p(`UPDATE sessions SET status = 'ended', ended_at = COALESCE(ended_at, ?), updated_at = ? WHERE id = ?`),
      upsertPlayer: p(
        `INSERT INTO players (session_id, player, name, role, seat, score, host, spectator, connected, joined_at, left_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (session_id, player) DO UPDATE SET name = excluded.name, role = excluded.role, seat = excluded.seat,
           score = excluded.score, host = excluded.host, spectator = excluded.spectator, connected = excluded.connected, left_at = excluded.left_at`,
      ),
      upsertFlow: p(
        `INSERT INTO flows (session_id, round, flow, from_node, to_node, transport, app, delivered_bytes, goodput_bps, retransmits, timeouts, fast_retransmits, stats)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (session_id, round, flow) DO UPDATE SET delivered_bytes = excluded.delivered_bytes, goodput_bps = excluded.goodput_bps,
           retransmits = excluded.retransmits, timeouts = excluded.timeouts, fast_retransmits = excluded.fast_retransmits, stats = excluded.stats`,
      ),
      upsertEvent: p(
        `INSERT INTO events (session_id, seq, round, t_ms, type, node, link, flow, packet, detail, count)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (session_id, seq) DO UPDATE SET t_ms = excluded.t_ms, flow = excluded.flow, count = excluded.count`,
      ),
      insertRound: p(
        `INSERT INTO rounds (session_id, round, scenario, source, seed, sim_ms, log_full_at_ms, commands) VALUES (?, ?, ?, ?, ?, ?, ?, 0)
         ON CONFLICT (session_id, round) DO NOTHING`,
      ),
      updateRound: p(`UPDATE rounds SET sim_ms = ?, log_full_at_ms = ?, commands = ?, events = ?, summary_sha256 = ? WHERE session_id = ? AND round = ?`),
      insertCommand: p(`INSERT OR REPLACE INTO round_commands (session_id, round, idx, command) VALUES (?, ?, ?, ?)`),
      rounds: p(`SELECT round, scenario, sim_ms, commands FROM rounds WHERE session_id = ? ORDER BY round`),
      round: p(`SELECT * FROM rounds WHERE session_id = ? AND round = ?`),
      lastRound: p(`SELECT * FROM rounds WHERE session_id = ? ORDER BY round DESC LIMIT 1`),
      roundCommands: p(`SELECT command FROM round_commands WHERE session_id = ? AND round = ? ORDER BY idx`),
      sessionsByCode: p(`SELECT * FROM sessions WHERE code = ? ORDER BY created_at DESC`),
      sessionById: p(`SELECT * FROM sessions WHERE id = ?`),
      players: p(`SELECT * FROM players WHERE session_id = ? ORDER BY joined_at, player`),
      flows: p(`SELECT * FROM flows WHERE session_id = ? ORDER BY round, flow`),
      events: p(`SELECT * FROM events WHERE session_id = ? ORDER BY seq`),
      runningSessions: p(`SELECT COUNT(*) AS n FROM sessions WHERE status = 'running'`),
    };
  }

  createSession(s: { id: string; code: string; hostToken: string; scenario: string; scenarioName: string; at: string }): void {
    this.stmt.createSession!.run(s.id, s.code, hashToken(s.hostToken), s.scenario, s.scenarioName, s.at, s.at);
  }

  /** Write everything the session knows now, in one transaction. */
  saveProgress(sessionId: string, p: Progress, at: string): void {
    this.transaction(() => {
      this.stmt.updateSession!.run(p.scenario, p.scenarioName, p.round, p.simMs, at, sessionId);
      for (const pl of p.players) {
        this.stmt.upsertPlayer!.run(
          sessionId, pl.sessionId, pl.name, pl.role, pl.seat, pl.score,
          pl.host ? 1 : 0, pl.spectator ? 1 : 0, pl.connected ? 1 : 0, pl.joinedAt, pl.leftAt,
        );
      }
      for (const f of p.flows) {
        const st = f.stats;
        this.stmt.upsertFlow!.run(
          sessionId, f.round, f.flow, f.from, f.to, f.transport, f.app,
          num(st.deliveredBytes), num(st.goodputBps), num(st.retransmits), num(st.timeouts), num(st.fastRetransmits),
          JSON.stringify(st),
        );
      }
      for (const e of p.events) {
        this.stmt.upsertEvent!.run(sessionId, e.seq, e.round, e.t, e.type, e.node, e.link, e.flow, e.packet, e.detail, e.count);
      }
      const r = p.replay;
      if (r !== undefined) {
        if (r.source !== null) this.stmt.insertRound!.run(sessionId, r.round, p.scenario, JSON.stringify(r.source), r.seed, r.simMs, r.commandLogFullAtMs);
        r.commands.forEach((c, i) => this.stmt.insertCommand!.run(sessionId, r.round, r.fromIndex + i, JSON.stringify(c)));
        this.stmt.updateRound!.run(r.simMs, r.commandLogFullAtMs, r.fromIndex + r.commands.length, r.eventsProcessed, r.summarySha256, sessionId, r.round);
      }
    });
  }

  endSession(sessionId: string, at: string): void {
    this.stmt.endSession!.run(at, at, sessionId);
  }

  /** A session's results for whoever holds its host token. */
  lookup(code: string, token: string): Lookup {
    const found = this.authorised(code, token);
    return found.ok ? { ok: true, results: this.results(found.id)! } : found;
  }

  /**
   * A round's replay (the last round's when `round` is undefined) for whoever holds the host token;
   * 404 when the session or the round is unknown.
   */
  lookupReplay(code: string, token: string, round: number | undefined): { ok: true; replay: StoredReplay } | { ok: false; status: 404 | 403 } {
    const found = this.authorised(code, token);
    if (!found.ok) return found;
    const row = (round === undefined ? this.stmt.lastRound!.get(found.id) : this.stmt.round!.get(found.id, round)) as Record<string, unknown> | undefined;
    if (row === undefined) return { ok: false, status: 404 };
    const commands = (this.stmt.roundCommands!.all(found.id, Number(row.round)) as Array<{ command: string }>).map((c) => JSON.parse(c.command) as TimedCommand);
    return {
      ok: true,
      replay: {
        round: Number(row.round),
        source: JSON.parse(String(row.source)) as Record<string, unknown>,
        seed: Number(row.seed),
        nowMs: Number(row.sim_ms),
        commandLog: commands,
        commandLogFullAtMs: row.log_full_at_ms === null ? null : Number(row.log_full_at_ms),
        eventsProcessed: row.events === null ? null : Number(row.events),
        summarySha256: row.summary_sha256 === null ? null : String(row.summary_sha256),
      },
    };
  }

  private authorised(code: string, token: string): { ok: true; id: string } | { ok: false; status: 404 | 403 } {
    const rows = this.stmt.sessionsByCode!.all(code) as Array<Record<string, unknown>>;
    if (rows.length === 0) return { ok: false, status: 404 };
    const given = Buffer.from(hashToken(token), 'hex');
    const match = rows.find((r) => {
      const stored = Buffer.from(String(r.token_hash), 'hex');
      return stored.length === given.length && timingSafeEqual(stored, given);
    });
    if (match === undefined) return { ok: false, status: 403 };
    return { ok: true, id: String(match.id) };
  }

  results(sessionId: string): SessionResults | undefined {
    const s = this.stmt.sessionById!.get(sessionId) as Record<string, unknown> | undefined;
    if (s === undefined) return undefined;
    return {
      session: {
        id: String(s.id),
        code: String(s.code),
        scenario: String(s.scenario),
        scenarioName: String(s.scenario_name),
        round: Number(s.round),
        simMs: Number(s.sim_ms),
        status: String(s.status),
        createdAt: String(s.created_at),
        updatedAt: String(s.updated_at),
        endedAt: s.ended_at === null ? null : String(s.ended_at),
      },
      players: (this.stmt.players!.all(sessionId) as Array<Record<string, unknown>>).map((r) => ({
        player: String(r.player),
        name: String(r.name),
        role: String(r.role),
        seat: String(r.seat),
        score: Number(r.score),
        host: r.host === 1,
        spectator: r.spectator === 1,
        connected: r.connected === 1,
        joinedAt: String(r.joined_at),
        leftAt: r.left_at === null ? null : String(r.left_at),
      })),
      flows: (this.stmt.flows!.all(sessionId) as Array<Record<string, unknown>>).map((r) => ({
        round: Number(r.round),
        flow: String(r.flow),
        from: String(r.from_node),
        to: String(r.to_node),
        transport: String(r.transport),
        app: String(r.app),
        deliveredBytes: Number(r.delivered_bytes),
        goodputBps: Number(r.goodput_bps),
        retransmits: Number(r.retransmits),
        timeouts: Number(r.timeouts),
        fastRetransmits: Number(r.fast_retransmits),
        stats: JSON.parse(String(r.stats)) as Record<string, unknown>,
      })),
      events: (this.stmt.events!.all(sessionId) as Array<Record<string, unknown>>).map((r) => ({
        seq: Number(r.seq),
        round: Number(r.round),
        t: Number(r.t_ms),
        type: String(r.type),
        node: String(r.node),
        link: String(r.link),
        flow: String(r.flow),
        packet: Number(r.packet),
        detail: String(r.detail),
        count: Number(r.count),
      })),
      rounds: (this.stmt.rounds!.all(sessionId) as Array<Record<string, unknown>>).map((r) => ({
        round: Number(r.round),
        scenario: String(r.scenario),
        simMs: Number(r.sim_ms),
        commands: Number(r.commands),
      })),
    };
  }

  close(): void {
    if (this.db.isOpen) this.db.close();
  }

  private transaction(fn: () => void): void {
    this.db.exec('BEGIN IMMEDIATE');
    try {
      fn();
      this.db.exec('COMMIT');
    } catch (e) {
      this.db.exec('ROLLBACK');
      throw e;
    }
  }
}

function num(v: unknown): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : 0;
}
