// Reaching a classroom on the game server (docs/protocol.md): the host creates one, everyone else
// joins it by its six-character code. Failures become one of a few reasons a player can act on.

import { Client, MatchMakeError, type Room } from '@colyseus/sdk';
import { ClassroomState } from '../../shared/state/classroom-state.ts';
import { JOIN_CODE_ALPHABET, JOIN_CODE_LENGTH, LIMITS, ROOM_NAME, type JoinOptions } from '../../shared/messages/classroom-messages.ts';
import { serverUrl } from '../app.ts';
import { lang } from '../i18n/index.ts';
import { isLoopbackHost } from '../../shared/addresses/loopback.ts';

export type ClassroomRoom = Room<unknown, InstanceType<typeof ClassroomState>>;

export type JoinFailure = 'bad-code' | 'no-room' | 'room-full' | 'name-taken' | 'ended' | 'unreachable' | 'refused';

export class JoinError extends Error {
  readonly kind: JoinFailure;
  constructor(kind: JoinFailure, message: string) {
    super(message);
    this.kind = kind;
  }
}

/** Upper-case a typed code and drop spaces and dashes ("abc 234" → "ABC234"). */
export function normalizeCode(typed: string): string {
  return typed.toUpperCase().replace(/[\s-]+/g, '');
}

export function isValidCode(code: string): boolean {
  return code.length === JOIN_CODE_LENGTH && [...code].every((c) => JOIN_CODE_ALPHABET.includes(c));
}

/** What went wrong, from the matchmaker's error (codes of @colyseus/core's ErrorCode and the server's messages). */
export function classifyJoinError(err: unknown): JoinError {
  const message = err instanceof Error ? err.message : String(err);
  const code = err instanceof MatchMakeError ? err.code : typeof (err as { code?: unknown })?.code === 'number' ? (err as { code: number }).code : -1;
  if (/name/i.test(message) && /(taken|in use|already)/i.test(message)) return new JoinError('name-taken', message);
  if (/ended/i.test(message)) return new JoinError('ended', message);
  if (/locked|full/i.test(message)) return new JoinError('room-full', message);
  if (code === 522 || /not found|disposed/i.test(message)) return new JoinError('no-room', message);
  if (code === -1 || /fetch|network|ECONNREFUSED|Failed to/i.test(message)) return new JoinError('unreachable', message);
  return new JoinError('refused', message);
}

function client(): Client {
  return new Client(serverUrl());
}

/** Create a class on a built-in scenario (its id) or on a scenario object in the file format of docs/scenario.md. */
export async function createClass(name: string, scenario?: string | Record<string, unknown>): Promise<ClassroomRoom> {
  const options: JoinOptions = { name, ...(scenario === undefined ? {} : { scenario }) };
  try {
    return (await client().create(ROOM_NAME, options, ClassroomState)) as ClassroomRoom;
  } catch (err) {
    throw classifyJoinError(err);
  }
}

export async function joinClass(rawCode: string, name: string, spectator: boolean): Promise<ClassroomRoom> {
  const code = normalizeCode(rawCode);
  if (!isValidCode(code)) throw new JoinError('bad-code', code);
  const options: JoinOptions = { name, spectator };
  try {
    return (await client().joinById(code, options, ClassroomState)) as ClassroomRoom;
  } catch (err) {
    throw classifyJoinError(err);
  }
}

/**
 * The built-in classroom scenarios the server offers (GET /api/scenarios), with the name and
 * description in the player's language where the scenario file gives them.
 */
export async function fetchScenarios(): Promise<Array<{ id: string; name: string; description: string; seats: number; names: Partial<Record<string, string>> }>> {
  try {
    const base = serverUrl().replace(/^ws/, 'http').replace(/\/$/, '');
    const res = await fetch(`${base}/api/scenarios`);
    if (!res.ok) return [];
    type Localised = Partial<Record<string, { name?: string; description?: string }>>;
    const list = (await res.json()) as Array<{ id: string; name: string; description?: string; seats?: number; i18n?: Localised }>;
    const mine = lang();
    return list.map((s) => ({
      id: s.id,
      name: s.i18n?.[mine]?.name ?? s.name,
      description: s.i18n?.[mine]?.description ?? s.description ?? '',
      seats: s.seats ?? 0,
      // Its name in every language the file gives, for a page whose language changes later.
      names: Object.fromEntries(Object.entries(s.i18n ?? {}).flatMap(([l, v]) => (typeof v?.name === 'string' ? [[l, v.name]] : []))),
    }));
  } catch {
    return [];
  }
}

/**
 * The addresses students open to join: this page's own (with its `?server=`, if any), unless the page
 * is on localhost, which no student can type; then the ones the server reports for its network
 * (GET /api/join-addresses). Empty when none is known.
 */
export async function fetchStudentAddresses(): Promise<string[]> {
  const here = new URL(location.href);
  if (!isLoopbackHost(here.hostname)) {
    const server = here.searchParams.get('server');
    return [server === null ? here.origin : `${here.origin}${here.pathname}?server=${encodeURIComponent(server)}`];
  }
  try {
    const res = await fetch(httpUrl('/api/join-addresses'));
    if (!res.ok) return [];
    const body = (await res.json()) as { urls?: unknown };
    return Array.isArray(body.urls) ? body.urls.filter((u): u is string => typeof u === 'string').slice(0, LIMITS.joinAddresses) : [];
  } catch {
    return [];
  }
}

/** An HTTP address on the game server (reports). */
export function httpUrl(path: string): string {
  return `${serverUrl().replace(/^ws/, 'http').replace(/\/$/, '')}${path}`;
}

/** What a reloaded page needs to get back into its class (kept for this tab only). */
export interface Rejoin {
  code: string;
  name: string;
  spectator: boolean;
  /** The room's reconnection token (students, spectators). */
  token: string | null;
  /** The host token (the host joins again with it). */
  hostToken: string | null;
}

const REJOIN_KEY = 'packetplay.rejoin';

export function saveRejoin(r: Rejoin | null): void {
  try {
    if (r === null) sessionStorage.removeItem(REJOIN_KEY);
    else sessionStorage.setItem(REJOIN_KEY, JSON.stringify(r));
  } catch {
    /* no storage: a reload simply starts over */
  }
}

export function loadRejoin(): Rejoin | null {
  try {
    const raw = sessionStorage.getItem(REJOIN_KEY);
    if (raw === null) return null;
    const r = JSON.parse(raw) as Partial<Rejoin>;
    if (typeof r.code !== 'string' || !isValidCode(r.code)) return null;
    return { code: r.code, name: typeof r.name === 'string' ? r.name : '', spectator: r.spectator === true, token: typeof r.token === 'string' ? r.token : null, hostToken: typeof r.hostToken === 'string' ? r.hostToken : null };
  } catch {
    return null;
  }
}

/** Back into a class after a reload: the host with its token, anyone else by reconnecting its seat. */
export async function rejoinClass(r: Rejoin): Promise<ClassroomRoom> {
  try {
    if (r.hostToken !== null) return (await client().joinById(r.code, { name: r.name, hostToken: r.hostToken }, ClassroomState)) as ClassroomRoom;
    if (r.token !== null) return (await client().reconnect(r.token, ClassroomState)) as ClassroomRoom;
    return (await client().joinById(r.code, { name: r.name, spectator: r.spectator }, ClassroomState)) as ClassroomRoom;
  } catch (err) {
    throw classifyJoinError(err);
  }
}
