// The `classroom` room: a thin adapter between Colyseus and one ClassroomGame. It checks who is
// talking (host token, seat), validates every message against the shared schemas, limits how much
// anyone may send, turns connection events into the game's join / drop / reconnect / leave, ticks
// the game, and writes results to the session store as the session goes. Rules live in the game.
//
// The room id is the join code. Rooms are private: `join`/`joinOrCreate` never put a stranger into a
// class; only `joinById(code)` reaches one.

import { randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { CloseCode, ErrorCode, Room, ServerError, matchMaker, validate, type Client, type MessageContext } from '@colyseus/core';
import {
  CLOSE_CODES,
  LIMITS,
  MESSAGES,
  joinOptions,
  type CommandReply,
  type JoinOptions,
  type RefusalCode,
  type ServerMessages,
  type WhoAmI,
} from '../../shared/messages/classroom-messages.ts';
import { ClassroomState } from '../../shared/state/classroom-state.ts';
import { serverContext } from '../context.ts';
import { ClassroomGame, type RunningScenario } from '../game/classroom-game.ts';
import { STEP_MS } from '../game/sim-clock.ts';
import { recordTick } from '../metrics.ts';
import { resolveScenario } from '../scenarios/classroom-scenarios.ts';
import { claimCode, releaseCode } from './join-code.ts';
import { cleanName } from './player-name.ts';
import { TokenBucket } from './rate-limit.ts';

export type ClassroomClient = Client<{ messages: ServerMessages }>;

/** How often results are written while the session runs. */
const SAVE_EVERY_MS = 5000;
/** A session's longest life; then everyone is disconnected and the results are final. */
const MAX_SESSION_MS = 12 * 3600 * 1000;
/** How long an ended session stays open so the class can look at the final scores. */
const AFTER_END_MS = 15 * 60 * 1000;
/** Close codes after which a client gets no reconnection window: WebSocket protocol errors, bad or oversized data, policy, Colyseus's bad input and shutdown. */
const NO_RECONNECT = new Set<number>([1002, 1003, 1007, 1008, 1009, CloseCode.WITH_ERROR, CloseCode.SERVER_SHUTDOWN, CLOSE_CODES.kicked]);
/** Requests the matchmaker turns into HTTP status codes, so they must be valid ones. */
const BAD_REQUEST = ErrorCode.MATCHMAKE_INVALID_CRITERIA;

export function resultsPath(code: string): string {
  return `/api/sessions/${code}/results.json`;
}

export class ClassroomRoom extends Room<{ state: InstanceType<typeof ClassroomState>; client: ClassroomClient }> {
  override maxClients = LIMITS.clientsPerRoom;
  override maxMessagesPerSecond = LIMITS.messagesPerSecond;
  override state = new ClassroomState();
  game!: ClassroomGame;
  /** Id of the session in the store (a code can be reused after its room is gone; this cannot). */
  resultsId = '';
  private hostToken = '';
  private hostJoined = false;
  private codeClaimed = false;
  private storeEnded = false;
  private readonly buckets = new Map<string, TokenBucket>();
  private readonly kicked = new Set<string>();
  /** Clients whose socket broke the WebSocket protocol (an oversized or malformed frame). */
  private readonly misbehaved = new Set<string>();

  override messages = {
    forward: validate(MESSAGES.forward, (client: ClassroomClient, m, ctx: MessageContext) =>
      this.answer(client, ctx, 'forward', () => this.game.routerCommand(client.sessionId, { action: 'forward', ...m })),
    ),
    drop: validate(MESSAGES.drop, (client: ClassroomClient, m, ctx: MessageContext) =>
      this.answer(client, ctx, 'drop', () => this.game.routerCommand(client.sessionId, { action: 'drop', ...m })),
    ),
    hold: validate(MESSAGES.hold, (client: ClassroomClient, m, ctx: MessageContext) =>
      this.answer(client, ctx, 'hold', () => this.game.routerCommand(client.sessionId, { action: 'hold', ...m })),
    ),
    duplicate: validate(MESSAGES.duplicate, (client: ClassroomClient, m, ctx: MessageContext) =>
      this.answer(client, ctx, 'duplicate', () => this.game.routerCommand(client.sessionId, { action: 'duplicate', ...m })),
    ),
    assign: validate(MESSAGES.assign, (client: ClassroomClient, m, ctx: MessageContext) =>
      this.answer(client, ctx, 'assign', () => this.game.assign(client.sessionId, m)),
    ),
    algorithm: validate(MESSAGES.algorithm, (client: ClassroomClient, m, ctx: MessageContext) =>
      this.answer(client, ctx, 'algorithm', () => this.game.algorithm(client.sessionId, m)),
    ),
    'read-rate': validate(MESSAGES['read-rate'], (client: ClassroomClient, m, ctx: MessageContext) =>
      this.answer(client, ctx, 'read-rate', () => this.game.readRate(client.sessionId, m)),
    ),
    'start-flow': validate(MESSAGES['start-flow'], (client: ClassroomClient, m, ctx: MessageContext) =>
      this.answer(client, ctx, 'start-flow', () => this.game.flowControl(client.sessionId, 'start', m.flow, { cc: m.cc, arq: m.arq })),
    ),
    'stop-flow': validate(MESSAGES['stop-flow'], (client: ClassroomClient, m, ctx: MessageContext) =>
      this.answer(client, ctx, 'stop-flow', () => this.game.flowControl(client.sessionId, 'stop', m.flow)),
    ),
    inspect: validate(MESSAGES.inspect, (client: ClassroomClient, m, ctx: MessageContext) =>
      this.answer(client, ctx, 'inspect', () => this.game.inspect(client.sessionId, m.packet) as CommandReply),
    ),
    tamper: validate(MESSAGES.tamper, (client: ClassroomClient, m, ctx: MessageContext) =>
      this.answer(client, ctx, 'tamper', () => this.game.tamper(client.sessionId, m)),
    ),
    'server-io': validate(MESSAGES['server-io'], (client: ClassroomClient, m, ctx: MessageContext) =>
      this.answer(client, ctx, 'server-io', () => this.game.serverIo(client.sessionId, m)),
    ),
    capture: validate(MESSAGES.capture, (client: ClassroomClient, _m, ctx: MessageContext) =>
      this.answer(client, ctx, 'capture', () => this.game.capture(client.sessionId) as CommandReply),
    ),
    whoami: validate(MESSAGES.whoami, (client: ClassroomClient) => this.whoami(client)),
    pause: validate(MESSAGES.pause, (client: ClassroomClient, _m, ctx: MessageContext) =>
      this.answer(client, ctx, 'pause', () => this.game.pause(client.sessionId)),
    ),
    resume: validate(MESSAGES.resume, (client: ClassroomClient, _m, ctx: MessageContext) =>
      this.answer(client, ctx, 'resume', () => this.game.resume(client.sessionId)),
    ),
    step: validate(MESSAGES.step, (client: ClassroomClient, m, ctx: MessageContext) =>
      this.answer(client, ctx, 'step', () => this.game.step(client.sessionId, m?.ms)),
    ),
    speed: validate(MESSAGES.speed, (client: ClassroomClient, m, ctx: MessageContext) =>
      this.answer(client, ctx, 'speed', () => this.game.speed(client.sessionId, m.speed)),
    ),
    scenario: validate(MESSAGES.scenario, (client: ClassroomClient, m, ctx: MessageContext) =>
      this.answer(client, ctx, 'scenario', () => this.switchScenario(client, m.scenario)),
    ),
    fault: validate(MESSAGES.fault, (client: ClassroomClient, m, ctx: MessageContext) =>
      this.answer(client, ctx, 'fault', () => this.game.fault(client.sessionId, m)),
    ),
    role: validate(MESSAGES.role, (client: ClassroomClient, m, ctx: MessageContext) =>
      this.answer(client, ctx, 'role', () => this.game.role(client.sessionId, m.player, m.seat)),
    ),
    kick: validate(MESSAGES.kick, (client: ClassroomClient, m, ctx: MessageContext) =>
      this.answer(client, ctx, 'kick', () => this.kick(client, m.player, m.reason)),
    ),
    end: validate(MESSAGES.end, (client: ClassroomClient, _m, ctx: MessageContext) =>
      this.answer(client, ctx, 'end', () => this.endSession(client)),
    ),
  };

  override async onCreate(raw: unknown): Promise<void> {
    const { maxRooms } = serverContext();
    if (matchMaker.stats.local.roomCount >= maxRooms) {
      throw new ServerError(ErrorCode.MATCHMAKE_UNHANDLED, `this server runs its limit of ${maxRooms} classrooms; try again later`);
    }
    const options = parseOptions(raw);
    const resolved = resolveScenario(options.scenario);
    if (!resolved.ok) throw new ServerError(BAD_REQUEST, `scenario: ${resolved.errors.slice(0, 5).join('; ')}`);

    this.roomId = await claimCode(this.presence);
    this.codeClaimed = true;
    try {
      this.setUp(resolved);
    } catch (err) {
      // A room that fails to start gives its code back.
      await releaseCode(this.presence, this.roomId);
      this.codeClaimed = false;
      throw err;
    }
    serverContext().log.info({ code: this.roomId, scenario: resolved.id }, 'classroom created');
  }

  private setUp(first: RunningScenario): void {
    const { id: scenarioId, scenario } = first;
    const { store } = serverContext();
    this.setPrivate(true);
    this.patchRate = 100;
    this.state.code = this.roomId;
    this.hostToken = randomBytes(24).toString('base64url');
    this.resultsId = randomUUID();
    this.game = new ClassroomGame(this.state, first);
    store.createSession({
      id: this.resultsId,
      code: this.roomId,
      hostToken: this.hostToken,
      scenario: scenarioId,
      scenarioName: scenario.name,
      at: new Date().toISOString(),
    });
    this.setSimulationInterval((dtMs) => this.tick(dtMs), STEP_MS);
    this.clock.setInterval(() => this.save(), SAVE_EVERY_MS);
    this.clock.setTimeout(() => this.closeSession(), MAX_SESSION_MS);
  }

  override onJoin(client: ClassroomClient, raw: unknown): void {
    const options = parseOptions(raw);
    if (this.game.ended) throw new ServerError(BAD_REQUEST, 'this session has ended');
    const name = cleanName(options.name, options.spectator === true ? 'spectator' : 'player');
    let kind: 'host' | 'spectator' | 'student';
    if (options.hostToken !== undefined) {
      if (!this.tokenMatches(options.hostToken)) throw new ServerError(ErrorCode.AUTH_FAILED, 'that is not the host token of this session');
      kind = 'host';
    } else if (!this.hostJoined) {
      // The first to join is the one whose `create` made the room: nobody else knows the code yet.
      kind = 'host';
    } else {
      kind = options.spectator === true ? 'spectator' : 'student';
    }
    // Two students called the same are one too many in a class of thirty: the second picks another name.
    if (kind === 'student' && this.nameInUse(name)) throw new ServerError(BAD_REQUEST, `the name "${name}" is already taken in this class`);
    if (kind === 'host') this.hostJoined = true;
    this.buckets.set(client.sessionId, new TokenBucket(LIMITS.commandsPerSecond, Date.now()));
    this.watchSocket(client);
    this.game.addPlayer(client.sessionId, name, kind);
    if (kind === 'host') client.send('host', { token: this.hostToken, code: this.roomId, results: resultsPath(this.roomId) });
  }

  private nameInUse(name: string): boolean {
    const wanted = name.toLocaleLowerCase();
    for (const p of this.game.players.values()) if (!p.spectator && p.name.toLocaleLowerCase() === wanted) return true;
    return false;
  }

  override onDrop(client: ClassroomClient, code?: number): void {
    // No second chance for a client closed for bad input (invalid or oversized messages, a flood), a
    // kicked one, or when the room is closing. Only people with something to get back (the host, a
    // seat, a score) have a seat held for them, so dropping and rejoining cannot fill a room.
    if ((code !== undefined && NO_RECONNECT.has(code)) || this.misbehaved.has(client.sessionId) || this.kicked.has(client.sessionId)) return;
    if (this.game.ended) return;
    const p = this.game.players.get(client.sessionId);
    if (p === undefined || !(p.host || p.seat !== '' || p.score !== 0)) return;
    this.game.dropPlayer(client.sessionId);
    this.allowReconnection(client, LIMITS.reconnectSeconds).catch(() => {
      // The wait ran out or the room is closing; onLeave follows.
    });
  }

  override onReconnect(client: ClassroomClient): void {
    if (this.kicked.has(client.sessionId)) {
      client.leave(CLOSE_CODES.kicked, 'removed by the host');
      return;
    }
    this.watchSocket(client);
    this.game.reconnectPlayer(client.sessionId);
  }

  /**
   * The transport closes a socket that sends an oversized or malformed frame as an abnormal close
   * (1006), like a network drop; the socket's error event tells the two apart.
   */
  private watchSocket(client: ClassroomClient): void {
    const socket = client.ref as unknown as { on?: (event: 'error', fn: () => void) => void };
    socket.on?.('error', () => this.misbehaved.add(client.sessionId));
  }

  override onLeave(client: ClassroomClient): void {
    this.buckets.delete(client.sessionId);
    this.misbehaved.delete(client.sessionId);
    this.game.removePlayer(client.sessionId);
  }

  override async onDispose(): Promise<void> {
    this.closeResults();
    if (this.codeClaimed) await releaseCode(this.presence, this.roomId);
  }

  override onUncaughtException(error: Error, method: string): void {
    serverContext().log.error({ code: this.roomId, method, err: error }, 'uncaught error in a classroom room');
  }

  // ---------------------------------------------------------------- messages

  /** Run a command with the sender's rate limit; a refused `send` (not `request`) is told why by a `refused` message. */
  private answer(client: ClassroomClient, ctx: MessageContext, type: string, run: () => CommandReply): CommandReply {
    let reply: CommandReply;
    const bucket = this.buckets.get(client.sessionId);
    if (bucket !== undefined && !bucket.take(Date.now())) {
      reply = { ok: false, code: 'rate-limited', reason: `more than ${LIMITS.commandsPerSecond} commands per second` };
    } else {
      try {
        reply = run();
      } catch (err) {
        serverContext().log.error({ code: this.roomId, type, err }, 'command failed');
        reply = { ok: false, code: 'invalid', reason: 'the server could not carry out that command' };
      }
    }
    if (!reply.ok && ctx.id === undefined) client.send('refused', { type, code: reply.code, reason: reply.reason, ...(reply.why === undefined ? {} : { why: reply.why }) });
    return reply;
  }

  private whoami(client: ClassroomClient): WhoAmI {
    const p = this.game.players.get(client.sessionId);
    const host = p?.host === true;
    return {
      sessionId: client.sessionId,
      code: this.roomId,
      role: p?.role ?? '',
      seat: p?.seat ?? '',
      node: this.state.players.get(client.sessionId)?.node ?? '',
      host,
      ...(host ? { hostToken: this.hostToken } : {}),
    };
  }

  private switchScenario(client: ClassroomClient, choice: unknown): CommandReply {
    if (!this.game.isHost(client.sessionId)) return refusal('not-host', 'only the host can do that');
    if (this.game.ended) return refusal('ended', 'the session has ended');
    const resolved = resolveScenario(choice as Parameters<typeof resolveScenario>[0]);
    if (!resolved.ok) return refusal(resolved.errors[0]?.startsWith('no built-in') ? 'unknown' : 'invalid', resolved.errors.slice(0, 5).join('; '));
    this.save();
    this.game.switchScenario({ id: resolved.id, scenario: resolved.scenario, source: resolved.source });
    this.save();
    return { ok: true };
  }

  private kick(client: ClassroomClient, target: string, reason: string | undefined): CommandReply {
    const reply = this.game.kick(client.sessionId, target);
    if (!reply.ok) return reply;
    this.kicked.add(target);
    this.game.removePlayer(target);
    this.clients.getById(target)?.leave(CLOSE_CODES.kicked, cleanName(reason, 'removed by the host'));
    return reply;
  }

  private endSession(client: ClassroomClient): CommandReply {
    const reply = this.game.end(client.sessionId);
    if (!reply.ok) return reply;
    this.closeResults();
    this.broadcast('ended', { code: this.roomId });
    // Not locked: someone typing the code now is told the session has ended (onJoin), not that it is full.
    this.clock.setTimeout(() => this.disconnect(), AFTER_END_MS);
    return reply;
  }

  // ---------------------------------------------------------------- time and results

  private tick(dtMs: number): void {
    const t0 = performance.now();
    this.game.tick(dtMs);
    for (const d of this.game.drainTapFrames()) {
      this.clients.getById(d.sessionId)?.send('tap', { node: d.node, frames: d.frames as Array<Record<string, unknown>>, skipped: d.skipped });
    }
    recordTick(performance.now() - t0);
  }

  private tokenMatches(token: string): boolean {
    const given = Buffer.from(token, 'utf8');
    const expected = Buffer.from(this.hostToken, 'utf8');
    return given.length === expected.length && timingSafeEqual(given, expected);
  }

  /** Write what the session knows now; a database problem is logged, never fatal to the class. */
  private save(): void {
    if (this.game === undefined) return;
    const g = this.game;
    try {
      const replay = g.unsavedReplay();
      serverContext().store.saveProgress(
        this.resultsId,
        {
          scenario: g.running.id,
          scenarioName: g.running.scenario.name,
          round: this.state.round,
          simMs: g.engine.nowMs,
          players: g.allPlayers(),
          flows: [...g.finishedRounds, ...g.flowRows()],
          events: g.events.drainUnsaved(),
          replay,
        },
        new Date().toISOString(),
      );
      g.replayWritten(replay);
    } catch (err) {
      serverContext().log.error({ code: this.roomId, err }, 'could not save session results');
    }
  }

  /** The final write: the game is finished and the session marked ended (later writes only update who left when). */
  private closeResults(): void {
    if (this.game === undefined) return;
    this.game.finish();
    this.save();
    if (this.storeEnded) return;
    this.storeEnded = true;
    try {
      serverContext().store.endSession(this.resultsId, new Date().toISOString());
    } catch (err) {
      serverContext().log.error({ code: this.roomId, err }, 'could not close session results');
    }
  }

  private closeSession(): void {
    this.closeResults();
    this.disconnect();
  }
}

function refusal(code: RefusalCode, reason: string): CommandReply {
  return { ok: false, code, reason };
}

function parseOptions(raw: unknown): JoinOptions {
  const r = joinOptions.safeParse(raw ?? {});
  if (!r.success) {
    const issue = r.error.issues[0];
    throw new ServerError(BAD_REQUEST, `options.${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}`);
  }
  return r.data;
}
