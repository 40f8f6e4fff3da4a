// Level objectives, checked on the engine's facts: its per-flow summary and the trace events it
// emitted. Each check says whether the level is still running, passed or failed, how far along the
// player is, and how many stars a pass is worth.

import type { MessageKey, Params } from '../i18n/index.ts';
import { ARQ_LEVEL, CALL_LEVEL, CC_LEVEL, CRYPTO_LEVEL, DNS_LEVEL, IO_LEVEL, OSI_LEVEL, TAMPER_LEVEL, TAP_LEVEL, TIME_WAIT_LEVEL, type LayerQuestion, type LevelDef } from './levels.ts';
import { TAP_TAMPERS } from '../../shared/protocols/app/tls/spec.ts';
import { handshakeMessageName } from '../model/captions.ts';

export interface EngineFacts {
  nowMs: number;
  /** engine.summary().flows */
  flows: Record<string, Record<string, unknown>>;
  /** engine.summary().drops */
  drops: Record<string, number>;
  /** engine.summary().balancers */
  balancers?: Record<string, Record<string, unknown>>;
  /** engine.summary().servers */
  servers?: Record<string, Record<string, unknown>>;
}

export type Verdict = 'running' | 'passed' | 'failed';

export interface ObjectiveStatus {
  verdict: Verdict;
  /** A line saying how far along the player is. */
  progress: { key: MessageKey; params: Params };
  /** 1–3 when passed, else 0. */
  stars: number;
  /** Which of the two bonus stars were earned. */
  bonus: [boolean, boolean];
  /** Figures for the result screen. */
  stats: Array<{ key: MessageKey; params: Params }>;
}

/** Trace facts an objective needs beyond the summary (seen as they happen). */
export class TraceFacts {
  zeroWindowAtMs: number | null = null;
  probes = 0;
  readonly startedFlows = new Map<string, number>();
  /** Per flow: bytes the server-side application has read so far (a transfer's receiver), and when the latest arrived. */
  readonly delivered = new Map<string, { bytes: number; atMs: number }>();
  /** Passwords a tap saw in clear (a form field `password=` in a text payload), in order. */
  readonly plainPasswords: Array<{ node: string; value: string; atMs: number }> = [];
  /** What the player typed as answers, when. */
  readonly answers: Array<{ text: string; atMs: number }> = [];
  /** Frames the taps saw. */
  tapFrames = 0;
  /** Per flow and side (`<flow>/<side>`): the TCP state changes it went through, in order (`FROM>TO`). */
  readonly tcpTransitions = new Map<string, string[]>();
  /** Per flow: pure ACKs its client sent while in TIME_WAIT (answers to a retransmitted FIN). */
  readonly timeWaitAcks = new Map<string, number>();
  /** Per flow: FINs its server sent again. */
  readonly serverFinResends = new Map<string, number>();

  /** Per flow: the first handshake message a tap altered in it (the one that doomed the handshake). */
  readonly tampered = new Map<string, { node: string; target: string }>();
  /** Per flow: how its TLS handshake ended: failed (as the side that noticed saw it) or established at the client. */
  readonly tlsOutcomes = new Map<string, { step: 'failure'; node: string; at: string; alert: string } | { step: 'established' }>();

  /** Per `<flow>|<reason>`: when a packet of the flow was first dropped for that reason. */
  readonly firstDrops = new Map<string, number>();
  /** Per `<flow>|<status>`: when the flow's client first got an HTTP answer with that status. */
  readonly firstHttpStatus = new Map<string, number>();
  /** Per `<flow>|<reason>`: when a request of the flow first failed for that reason (no answer at all). */
  readonly firstHttpError = new Map<string, number>();
  /** HTTP requests sent and not yet answered, by `<flow>#<request>`: their flow and when they were due. */
  private readonly unanswered = new Map<string, { flow: string; dueMs: number }>();
  /** Layers the player named, per question, in order. */
  readonly layerAnswers: Array<{ question: string; layer: number; atMs: number }> = [];
  /** The I/O model a server's operator chose (the `server-io` command), and when. */
  serverIo: { io: string; threads: number; atMs: number } | null = null;

  observe(e: { type: string; t: number; [k: string]: unknown }): void {
    if (e.type === 'drop' && typeof e.flow === 'string') {
      const key = `${e.flow}|${String(e.reason)}`;
      if (!this.firstDrops.has(key)) this.firstDrops.set(key, e.t);
    }
    if (e.type === 'http' && e.side === 'client' && e.event === 'response' && typeof e.flow === 'string') {
      const key = `${e.flow}|${String(e.status)}`;
      if (!this.firstHttpStatus.has(key)) this.firstHttpStatus.set(key, e.t);
    }
    if (e.type === 'http' && e.side === 'client' && typeof e.flow === 'string') {
      const key = `${e.flow}#${String(e.request)}`;
      if (e.event === 'request') this.unanswered.set(key, { flow: e.flow, dueMs: e.t - num(e.waitedMs) });
      else if (e.event === 'response' || e.event === 'error') this.unanswered.delete(key);
    }
    if (e.type === 'http' && e.side === 'client' && e.event === 'error' && typeof e.flow === 'string') {
      const key = `${e.flow}|${String(e.reason)}`;
      if (!this.firstHttpError.has(key)) this.firstHttpError.set(key, e.t);
    }
    if (e.type === 'command' && e.action === 'server-io' && e.ok === true) this.serverIo = { io: String(e.io), threads: num(e.threads), atMs: e.t };
    if (e.type === 'tap' && e.action === 'frame') this.tapFrames++;
    if (e.type === 'tap' && e.action === 'tamper' && typeof e.flow === 'string' && !this.tampered.has(e.flow)) {
      this.tampered.set(e.flow, { node: e.node as string, target: String(e.tampered) });
    }
    if (e.type === 'tls' && typeof e.flow === 'string' && !this.tlsOutcomes.has(e.flow)) {
      if (e.step === 'failure' && e.by === 'local') this.tlsOutcomes.set(e.flow, { step: 'failure', node: e.node as string, at: String(e.at), alert: String(e.alert) });
      else if (e.step === 'established' && e.side === 'client') this.tlsOutcomes.set(e.flow, { step: 'established' });
    }
    if (e.type === 'tap' && e.previewFormat === 'text' && typeof e.preview === 'string') {
      const m = /(?:^|[&\s?])password=([^&\s]+)/.exec(e.preview);
      if (m !== null) this.plainPasswords.push({ node: e.node as string, value: decodeFormValue(m[1]!), atMs: e.t });
    }
    if (e.type === 'deliver' && e.side === 'server' && typeof e.total === 'number') this.delivered.set(e.flow as string, { bytes: e.total, atMs: e.t });
    if (e.type === 'state') {
      const key = `${e.flow as string}/${e.side as string}`;
      const list = this.tcpTransitions.get(key) ?? [];
      list.push(`${e.from as string}>${e.to as string}`);
      this.tcpTransitions.set(key, list);
    }
    if (e.type === 'send' && e.side === 'server' && e.retransmit === true && /\bFIN\b/.test(String(e.flags))) {
      this.serverFinResends.set(e.flow as string, (this.serverFinResends.get(e.flow as string) ?? 0) + 1);
    }
    if (e.type === 'ack' && e.side === 'client' && this.tcpState(e.flow as string, 'client') === 'TIME_WAIT') {
      this.timeWaitAcks.set(e.flow as string, (this.timeWaitAcks.get(e.flow as string) ?? 0) + 1);
    }
    if (e.type === 'window' && e.event === 'zero' && this.zeroWindowAtMs === null) this.zeroWindowAtMs = e.t;
    if (e.type === 'probe') this.probes++;
    if (e.type === 'send' || e.type === 'state') {
      const flow = e.flow as string;
      if (!this.startedFlows.has(flow)) this.startedFlows.set(flow, e.t);
    }
  }

  /** How long the oldest request of `flows` still without an answer has waited at `nowMs` (0 when none waits). */
  longestUnansweredMs(flows: readonly string[], nowMs: number): number {
    let oldest = nowMs;
    for (const r of this.unanswered.values()) if (flows.includes(r.flow) && r.dueMs < oldest) oldest = r.dueMs;
    return nowMs - oldest;
  }

  /** The flows that have started, in the order they started. */
  startedInOrder(): string[] {
    return [...this.startedFlows.entries()].sort((a, b) => a[1] - b[1]).map(([id]) => id);
  }

  /** When the engine first showed a layer question's symptom, or undefined. */
  symptomAtMs(q: LayerQuestion): number | undefined {
    const s = q.symptom;
    if ('drop' in s) return this.firstDrops.get(`${q.flow}|${s.drop}`);
    if ('httpStatus' in s) return this.firstHttpStatus.get(`${q.flow}|${s.httpStatus}`);
    return this.firstHttpError.get(`${q.flow}|${s.httpError}`);
  }

  /** A layer question's first right answer: the right layer, given once its symptom had shown. */
  rightLayerAnswer(q: LayerQuestion): { question: string; layer: number; atMs: number } | undefined {
    const seen = this.symptomAtMs(q);
    if (seen === undefined) return undefined;
    return this.layerAnswers.find((a) => a.question === q.id && a.layer === q.layer && a.atMs >= seen);
  }

  /** The TCP state a flow's side is in, by its last state change (null before any). */
  tcpState(flow: string, side: 'client' | 'server'): string | null {
    const list = this.tcpTransitions.get(`${flow}/${side}`);
    const last = list?.[list.length - 1];
    return last === undefined ? null : last.slice(last.indexOf('>') + 1);
  }
}

/** A form field's value as the browser encoded it (`+` for space, `%xx` escapes). */
function decodeFormValue(v: string): string {
  try {
    return decodeURIComponent(v.replace(/\+/g, ' '));
  } catch {
    return v;
  }
}

/** Compare typed text with a secret as a person would: surrounding spaces do not count. */
export function sameAnswer(typed: string, secret: string): boolean {
  return typed.trim() === secret;
}

function num(v: unknown): number {
  return typeof v === 'number' ? v : 0;
}

type Tried = { id: string; f: Record<string, unknown> };

/** The result's line when no way the player tried finished: none tried, or how many tried and unfinished. */
function nothingDone(tried: number, noneKey: MessageKey, unfinishedKey: MessageKey): ObjectiveStatus['stats'][number] {
  return tried === 0 ? { key: noneKey, params: {} } : { key: unfinishedKey, params: { n: tried } };
}

/**
 * A level where the player tries ways one after another (each way a flow they start): the ways in
 * the order tried, those done, the latest done, the first done that meets the goal, and whether
 * that was the very first try.
 */
function triedWays(trace: TraceFacts, facts: EngineFacts, isDone: (f: Record<string, unknown>) => boolean, meets: (f: Record<string, unknown>) => boolean): { tried: Tried[]; done: Tried[]; last: Tried | undefined; good: Tried | undefined; firstTry: boolean } {
  const tried = trace.startedInOrder().map((id) => ({ id, f: facts.flows[id] ?? {} }));
  const done = tried.filter((o) => isDone(o.f));
  const good = done.find((o) => meets(o.f));
  return { tried, done, last: done.at(-1), good, firstTry: good !== undefined && tried[0]?.id === good.id };
}

function stars(passed: boolean, bonus: [boolean, boolean]): number {
  return passed ? 1 + (bonus[0] ? 1 : 0) + (bonus[1] ? 1 : 0) : 0;
}

/** Frames a call must play on time: 85% of a 20-second call at the level's frame rate. */
export function framesNeeded(fps: number): number {
  return Math.ceil(20 * fps * 0.85);
}

export function checkObjective(level: LevelDef, facts: EngineFacts, trace: TraceFacts): ObjectiveStatus {
  const now = facts.nowMs;
  const timeLeft = Math.max(0, Math.ceil((level.deadlineMs - now) / 1000));
  switch (level.id) {
    case 'router-lossy': {
      const f = facts.flows.upload ?? {};
      const total = 24_000;
      const delivered = num(f.deliveredBytes);
      const passed = f.completed === true;
      const lost = facts.drops.loss ?? 0;
      const bonus: [boolean, boolean] = [passed && now <= 18_000, passed && lost === 0 && (facts.drops['queue-full'] ?? 0) === 0];
      return {
        verdict: passed ? 'passed' : now >= level.deadlineMs ? 'failed' : 'running',
        progress: { key: 'obj.router.progress', params: { got: Math.floor(delivered / 1000), total: total / 1000, left: timeLeft } },
        stars: stars(passed, bonus),
        bonus,
        stats: [
          { key: 'stat.delivered', params: { got: Math.floor(delivered / 1000), total: total / 1000 } },
          { key: 'stat.retransmits', params: { n: num(f.retransmits) } },
          { key: 'stat.timeouts', params: { n: num(f.timeouts) } },
          { key: 'stat.lost', params: { n: lost } },
          { key: 'stat.queueFull', params: { n: facts.drops['queue-full'] ?? 0 } },
        ],
      };
    }
    case 'sender-video': {
      const fps = 15;
      const need = framesNeeded(fps);
      const tcp = facts.flows['call-tcp'] ?? {};
      const udp = facts.flows['call-udp'] ?? {};
      const best = Math.max(num(tcp.framesPlayed), num(udp.framesPlayed));
      const passed = best >= need;
      const triedBoth = trace.startedFlows.has('call-tcp') && trace.startedFlows.has('call-udp');
      const bonus: [boolean, boolean] = [passed && triedBoth, passed && now <= 45_000];
      return {
        verdict: passed ? 'passed' : now >= level.deadlineMs ? 'failed' : 'running',
        progress: { key: 'obj.video.progress', params: { best, need, left: timeLeft } },
        stars: stars(passed, bonus),
        bonus,
        stats: [
          { key: 'stat.callTcp', params: { played: num(tcp.framesPlayed), late: num(tcp.framesLate), missing: num(tcp.framesMissing), retx: num(tcp.retransmits) } },
          { key: 'stat.callUdp', params: { played: num(udp.framesPlayed), late: num(udp.framesLate), missing: num(udp.framesMissing) } },
        ],
      };
    }
    case 'receiver-flow': {
      const f = facts.flows.file ?? {};
      const total = 40_000;
      const delivered = num(f.deliveredBytes);
      const zero = trace.zeroWindowAtMs !== null;
      const done = f.completed === true;
      const passed = zero && done;
      const bonus: [boolean, boolean] = [passed && trace.probes > 0, passed && now <= 30_000];
      return {
        verdict: passed ? 'passed' : now >= level.deadlineMs || (done && !zero) ? 'failed' : 'running',
        progress: {
          key: zero ? 'obj.receiver.progressZero' : 'obj.receiver.progress',
          params: { got: Math.floor(delivered / 1000), total: total / 1000, left: timeLeft },
        },
        stars: stars(passed, bonus),
        bonus,
        stats: [
          { key: 'stat.delivered', params: { got: Math.floor(delivered / 1000), total: total / 1000 } },
          zero ? { key: 'stat.zeroWindow', params: { at: (trace.zeroWindowAtMs! / 1000).toFixed(1) } } : { key: 'stat.zeroWindowNever', params: {} },
          { key: 'stat.probes', params: { n: trace.probes } },
        ],
      };
    }
    case 'sender-arq': {
      const f = facts.flows.file ?? {};
      const x = timedFromStart(trace, 'file', ARQ_LEVEL.fileBytes, ARQ_LEVEL.withinMs, now);
      const retransmits = num(f.retransmits);
      const bonus: [boolean, boolean] = [x.passed && x.tookMs <= ARQ_LEVEL.fastMs, x.passed && retransmits <= ARQ_LEVEL.fewRetransmits];
      return {
        verdict: x.passed ? 'passed' : x.tooLate || now >= level.deadlineMs ? 'failed' : 'running',
        progress: x.startedMs === undefined ? { key: 'obj.arq.waiting', params: { left: timeLeft } } : { key: 'obj.arq.progress', params: { ...x.progress, retx: retransmits } },
        stars: stars(x.passed, bonus),
        bonus,
        stats: [...x.stats, { key: 'stat.retransmits', params: { n: retransmits } }, { key: 'stat.timeouts', params: { n: num(f.timeouts) } }],
      };
    }
    case 'sender-cc': {
      const f = facts.flows.upload ?? {};
      const x = timedFromStart(trace, 'upload', CC_LEVEL.fileBytes, CC_LEVEL.withinMs, now);
      const timeouts = num(f.timeouts);
      const bonus: [boolean, boolean] = [x.passed && x.tookMs <= CC_LEVEL.fastMs, x.passed && timeouts === 0];
      return {
        verdict: x.passed ? 'passed' : x.tooLate || now >= level.deadlineMs ? 'failed' : 'running',
        progress: x.startedMs === undefined ? { key: 'obj.cc.waiting', params: { left: timeLeft } } : { key: 'obj.cc.progress', params: { ...x.progress, timeouts } },
        stars: stars(x.passed, bonus),
        bonus,
        stats: [...x.stats, { key: 'stat.fastRetransmits', params: { n: num(f.fastRetransmits) } }, { key: 'stat.timeouts', params: { n: timeouts } }],
      };
    }
    case 'tap-password': {
      // The password counts once it has crossed this tap in clear; an answer before that is a guess.
      const seen = trace.plainPasswords.filter((p) => p.node === level.role.node);
      const firstSeen = seen[0];
      const right = trace.answers.find((a) => seen.some((p) => p.atMs <= a.atMs && sameAnswer(a.text, p.value)));
      const wrong = right === undefined ? trace.answers.length : trace.answers.indexOf(right);
      const passed = right !== undefined;
      const quick = passed && firstSeen !== undefined && right.atMs - firstSeen.atMs <= TAP_LEVEL.quickMs;
      const bonus: [boolean, boolean] = [passed && wrong === 0, quick];
      return {
        verdict: passed ? 'passed' : now >= level.deadlineMs ? 'failed' : 'running',
        progress: { key: 'obj.tap.progress', params: { frames: trace.tapFrames, guesses: trace.answers.length, left: timeLeft } },
        stars: stars(passed, bonus),
        bonus,
        stats: [
          firstSeen === undefined ? { key: 'stat.passwordNeverSeen', params: {} } : { key: 'stat.passwordSeen', params: { at: (firstSeen.atMs / 1000).toFixed(1) } },
          right === undefined ? { key: 'stat.notAnswered', params: {} } : { key: 'stat.answeredAt', params: { at: (right.atMs / 1000).toFixed(1) } },
          { key: 'stat.wrongGuesses', params: { n: wrong } },
        ],
      };
    }
    case 'router-timewait': {
      const f = facts.flows.upload ?? {};
      const reAcks = trace.timeWaitAcks.get('upload') ?? 0;
      // The server's last state change: its FIN acknowledged (LAST_ACK → CLOSED), not a reset or a give-up.
      const serverClosed = (trace.tcpTransitions.get('upload/server') ?? []).includes('LAST_ACK>CLOSED');
      const passed = reAcks > 0 && serverClosed;
      // Once the server has closed, nothing more can happen on this connection.
      const over = f.serverState === 'CLOSED';
      const drops = facts.drops.player ?? 0;
      const bonus: [boolean, boolean] = [passed && drops <= TIME_WAIT_LEVEL.tidyDrops, passed && now <= TIME_WAIT_LEVEL.fastMs];
      return {
        verdict: passed ? 'passed' : over || now >= level.deadlineMs ? 'failed' : 'running',
        progress: {
          key: 'obj.timewait.progress',
          params: { client: String(f.clientState ?? '-'), server: String(f.serverState ?? '-'), left: timeLeft },
        },
        stars: stars(passed, bonus),
        bonus,
        stats: [
          { key: 'stat.timeWaitAcks', params: { n: reAcks } },
          { key: 'stat.finResends', params: { n: trace.serverFinResends.get('upload') ?? 0 } },
          { key: 'stat.playerDrops', params: { n: drops } },
        ],
      };
    }
    case 'router-dns': {
      const f = facts.flows.lookups ?? {};
      const total = DNS_LEVEL.names.length;
      const answered = num(f.answered);
      const failed = num(f.failed);
      const retries = num(f.retries);
      const passed = answered === total && retries > 0;
      const drops = facts.drops.player ?? 0;
      const bonus: [boolean, boolean] = [passed && drops <= DNS_LEVEL.tidyDrops, passed && now <= DNS_LEVEL.fastMs];
      // A lookup the resolver gave up on, or every name answered without a resend: nothing left to win.
      const over = failed > 0 || answered === total;
      return {
        verdict: passed ? 'passed' : over || now >= level.deadlineMs ? 'failed' : 'running',
        progress: { key: 'obj.dns.progress', params: { answered, total, retries, left: timeLeft } },
        stars: stars(passed, bonus),
        bonus,
        stats: [
          { key: 'stat.dnsAnswered', params: { answered, total } },
          { key: 'stat.dnsRetries', params: { n: retries } },
          { key: 'stat.dnsFailed', params: { n: failed } },
          { key: 'stat.playerDrops', params: { n: drops } },
        ],
      };
    }
    case 'tap-tamper': {
      const logins = Array.from({ length: TAMPER_LEVEL.logins }, (_, i) => `login${i + 1}`);
      // A login counts as broken by the message this tap altered first in it, once TLS has caught it.
      const brokenBy = logins.map((id) => {
        const altered = trace.tampered.get(id);
        return trace.tlsOutcomes.get(id)?.step === 'failure' && altered !== undefined && altered.node === level.role.node ? altered.target : null;
      });
      const distinct = new Set(brokenBy.filter((m) => m !== null));
      const decided = logins.filter((id) => trace.tlsOutcomes.has(id)).length;
      const remaining = logins.length - decided;
      const all = distinct.size === TAP_TAMPERS.length;
      const over = remaining === 0 || now >= level.deadlineMs;
      const passed = all || (over && distinct.size >= TAMPER_LEVEL.breaksToPass);
      const failed = !passed && (over || distinct.size + remaining < TAMPER_LEVEL.breaksToPass);
      const firstThree = new Set(brokenBy.slice(0, TAMPER_LEVEL.breaksToPass).filter((m) => m !== null));
      const bonus: [boolean, boolean] = [passed && all, passed && firstThree.size === TAMPER_LEVEL.breaksToPass];
      return {
        verdict: passed ? 'passed' : failed ? 'failed' : 'running',
        progress: { key: 'obj.tamper.progress', params: { broken: distinct.size, need: TAMPER_LEVEL.breaksToPass, login: Math.min(decided + 1, logins.length), logins: logins.length, left: timeLeft } },
        stars: stars(passed, bonus),
        bonus,
        stats: [
          { key: 'stat.tamperDistinct', params: { n: distinct.size, of: TAP_TAMPERS.length } },
          ...logins.map((id, i): ObjectiveStatus['stats'][number] => {
            const o = trace.tlsOutcomes.get(id);
            const by = brokenBy[i];
            if (o !== undefined && o.step === 'failure' && by !== null) {
              return { key: 'stat.loginCaught', params: { n: i + 1, message: handshakeMessageName(by), node: o.node, at: o.at, alert: o.alert } };
            }
            if (o?.step === 'established') return { key: 'stat.loginThrough', params: { n: i + 1 } };
            return { key: 'stat.loginOpen', params: { n: i + 1 } };
          }),
        ],
      };
    }
    case 'server-io': {
      const opened = trace.serverIo;
      const server = facts.servers?.[level.role.node ?? ''] ?? {};
      const pageFlows = IO_LEVEL.pageClients.map((c) => facts.flows[`${c}-pages`] ?? {});
      const pages = pageFlows.reduce((sum, f) => sum + num(f.responses), 0);
      const pagesTotal = IO_LEVEL.pageClients.length * IO_LEVEL.pagesEach;
      // A page still waiting counts as slow as it already is: a too-small pool fails as soon as a page is late, not when it finally comes.
      const waitingMs = trace.longestUnansweredMs(IO_LEVEL.pageClients.map((c) => `${c}-pages`), now);
      const slowestMs = Math.max(0, waitingMs, ...pageFlows.map((f) => num(f.latencyMsMax)));
      const uploads = Array.from({ length: IO_LEVEL.uploads }, (_, i) => num(facts.flows[`upload${i + 1}`]?.responses)).reduce((a, b) => a + b, 0);
      const tookMs = opened === null ? 0 : now - opened.atMs;
      const tooSlow = slowestMs > IO_LEVEL.maxPageMs;
      const passed = opened !== null && pages === pagesTotal && uploads === IO_LEVEL.uploads && !tooSlow;
      const failed = !passed && (tooSlow || tookMs > IO_LEVEL.withinMs || now >= level.deadlineMs);
      const threads = num(server.threads);
      const parked = num(server.recvBlocked);
      const bonus: [boolean, boolean] = [passed && threads <= IO_LEVEL.fewThreads, passed && parked === 0];
      return {
        verdict: passed ? 'passed' : failed ? 'failed' : 'running',
        progress:
          opened === null
            ? { key: 'obj.io.waiting', params: { left: timeLeft } }
            : { key: 'obj.io.progress', params: { pages, total: pagesTotal, slowest: Math.round(slowestMs), uploads, uploadsTotal: IO_LEVEL.uploads, parked } },
        stars: stars(passed, bonus),
        bonus,
        // A server never opened served nothing: its timings would read "0 ms", as if it had been fast.
        stats:
          opened === null
            ? [
                { key: 'stat.ioNotOpened', params: {} },
                { key: 'stat.pagesServed', params: { n: pages, total: pagesTotal, uploads, uploadsTotal: IO_LEVEL.uploads } },
              ]
            : [
                opened.io === 'blocking' ? { key: 'stat.ioBlocking', params: { n: opened.threads } } : { key: 'stat.ioEventLoop', params: {} },
                { key: 'stat.pagesServed', params: { n: pages, total: pagesTotal, uploads, uploadsTotal: IO_LEVEL.uploads } },
                { key: 'stat.slowestPage', params: { ms: Math.round(slowestMs) } },
                { key: 'stat.acceptWait', params: { ms: Math.round(num(server.acceptWaitMaxMs)) } },
                { key: 'stat.recvParked', params: { n: parked } },
                { key: 'stat.contextSwitches', params: { n: num(server.contextSwitches) } },
              ],
      };
    }
    case 'osi-layers': {
      const quiz = level.layerQuiz ?? [];
      const results = quiz.map((q) => {
        const right = trace.rightLayerAnswer(q);
        const answers = trace.layerAnswers.filter((a) => a.question === q.id);
        // Every answer before the right one is a wrong guess (a right layer named before the engine had shown why is a guess too).
        const wrong = right === undefined ? answers.length : answers.indexOf(right);
        return { q, right, wrong };
      });
      const solved = results.filter((r) => r.right !== undefined).length;
      const wrong = results.reduce((sum, r) => sum + r.wrong, 0);
      const passed = quiz.length > 0 && solved === quiz.length;
      const lastMs = Math.max(0, ...results.map((r) => r.right?.atMs ?? 0));
      const bonus: [boolean, boolean] = [passed && wrong === 0, passed && lastMs <= OSI_LEVEL.quickMs];
      return {
        verdict: passed ? 'passed' : now >= level.deadlineMs ? 'failed' : 'running',
        progress: { key: 'obj.osi.progress', params: { solved, total: quiz.length, wrong, left: timeLeft } },
        stars: stars(passed, bonus),
        bonus,
        stats: [
          ...results.map((r): ObjectiveStatus['stats'][number] =>
            r.right === undefined
              ? { key: 'stat.osiOpen', params: { who: r.q.id } }
              : { key: 'stat.osiSolved', params: { who: r.q.id, layer: r.q.layer, at: (r.right.atMs / 1000).toFixed(1) } },
          ),
          { key: 'stat.wrongGuesses', params: { n: wrong } },
        ],
      };
    }
    case 'sender-call': {
      // An order is done when the chicken is in hand and the errands are finished.
      const t = triedWays(trace, facts, (f) => typeof f.finishedMs === 'number', (f) => num(f.finishedMs) <= CALL_LEVEL.withinMs);
      const good = t.good;
      const passed = good !== undefined;
      const bonus: [boolean, boolean] = [t.firstTry, passed && num(good.f.blockedMs) === 0 && num(good.f.wouldBlock) === 0];
      return {
        verdict: passed ? 'passed' : now >= level.deadlineMs ? 'failed' : 'running',
        progress:
          t.last === undefined
            ? { key: t.tried.length === 0 ? 'obj.call.waiting' : 'obj.call.cooking', params: { left: timeLeft } }
            : { key: 'obj.call.progress', params: { orders: t.tried.length, s: (num(t.last.f.finishedMs) / 1000).toFixed(2), within: CALL_LEVEL.withinMs / 1000, left: timeLeft } },
        stars: stars(passed, bonus),
        bonus,
        stats: t.done.length === 0 ? [nothingDone(t.tried.length, 'stat.order.none', 'stat.order.unfinished')] : t.done.map((o): ObjectiveStatus['stats'][number] => ({
          key: `stat.order.${String(o.f.call)}` as 'stat.order.sync-blocking',
          params: {
            s: (num(o.f.finishedMs) / 1000).toFixed(2),
            blocked: Math.round(num(o.f.blockedMs)),
            asked: num(o.f.wouldBlock),
            late: Math.round(num(o.f.noticeDelayMaxMs)),
          },
        })),
      };
    }
    case 'sender-crypto': {
      // A way is done when all pages are shown; only HTTPS (it has TLS figures) within the time passes.
      const allShown = (f: Record<string, unknown>) => num(f.responses) === CRYPTO_LEVEL.pages && typeof f.finishedMs === 'number';
      const t = triedWays(trace, facts, allShown, (f) => f.clientCpu !== undefined && num(f.finishedMs) <= CRYPTO_LEVEL.withinMs);
      const passed = t.good !== undefined;
      const plainUsed = t.tried.some((o) => o.f.clientCpu === undefined);
      const bonus: [boolean, boolean] = [t.firstTry, passed && !plainUsed];
      // The phone's own time: the costs are at the measuring machine's speed.
      const onPhone = (ms: unknown) => (num(ms) / CRYPTO_LEVEL.phoneCpuSpeed / 1000).toFixed(2);
      return {
        verdict: passed ? 'passed' : now >= level.deadlineMs ? 'failed' : 'running',
        progress:
          t.last === undefined
            ? { key: t.tried.length === 0 ? 'obj.crypto.waiting' : 'obj.crypto.loading', params: { left: timeLeft } }
            : { key: 'obj.crypto.progress', params: { tries: t.tried.length, s: (num(t.last.f.finishedMs) / 1000).toFixed(2), within: CRYPTO_LEVEL.withinMs / 1000, left: timeLeft } },
        stars: stars(passed, bonus),
        bonus,
        stats: t.done.length === 0 ? [nothingDone(t.tried.length, 'stat.cryptoNone', 'stat.cryptoUnfinished')] : t.done.map((o): ObjectiveStatus['stats'][number] => {
          const cpu = (o.f.clientCpu ?? null) as Record<string, unknown> | null;
          const s = (num(o.f.finishedMs) / 1000).toFixed(2);
          return cpu === null
            ? { key: 'stat.cryptoPlain', params: { flow: o.id, s } }
            : { key: 'stat.cryptoTls', params: { flow: o.id, s, sessions: num(o.f.connections), pk: onPhone(cpu.publicKeyMs), pkOps: num(cpu.publicKeyOps), sym: onPhone(cpu.symmetricMs), kb: Math.round(num(cpu.symmetricBytes) / 1000) } };
        }),
      };
    }
    case 'lb-failover': {
      const flows = Object.entries(facts.flows);
      const done = flows.filter(([, f]) => f.completed === true).length;
      const lbs = Object.values(facts.balancers ?? {});
      const sum = (key: string) => lbs.reduce((s, b) => s + num(b[key]), 0);
      const active = Object.entries(facts.balancers ?? {}).find(([, b]) => b.active === true)?.[0] ?? '-';
      const passed = flows.length > 0 && done === flows.length;
      const bonus: [boolean, boolean] = [passed && sum('decisionTimeouts') === 0, passed && sum('overloads') === 0];
      return {
        verdict: passed ? 'passed' : now >= level.deadlineMs ? 'failed' : 'running',
        progress: { key: 'obj.lb.progress', params: { done, total: flows.length, active, left: timeLeft } },
        stars: stars(passed, bonus),
        bonus,
        stats: [
          { key: 'stat.uploads', params: { done, total: flows.length } },
          { key: 'stat.failovers', params: { n: sum('failovers') } },
          { key: 'stat.lbTimeouts', params: { n: sum('decisionTimeouts') } },
          { key: 'stat.overloads', params: { n: sum('overloads') } },
          { key: 'stat.refusals', params: { n: sum('refusals') } },
        ],
      };
    }
  }
}

/**
 * A file a sender must deliver within `withinMs` of pressing Start: timed from the flow's first
 * segment to the last byte the receiving application read, exactly (from the trace), not to when
 * this check runs. Delivered but not passed means it took too long.
 */
function timedFromStart(trace: TraceFacts, flow: string, totalBytes: number, withinMs: number, now: number) {
  const startedMs = trace.startedFlows.get(flow);
  const got = trace.delivered.get(flow);
  const deliveredBytes = got?.bytes ?? 0;
  const doneMs = got !== undefined && got.bytes >= totalBytes ? got.atMs : null;
  const tookMs = startedMs === undefined ? 0 : (doneMs ?? now) - startedMs;
  const passed = doneMs !== null && tookMs <= withinMs;
  const kb = { got: Math.floor(deliveredBytes / 1000), total: totalBytes / 1000 };
  return {
    startedMs,
    tookMs,
    passed,
    tooLate: !passed && tookMs > withinMs,
    progress: { ...kb, used: (tookMs / 1000).toFixed(1), within: withinMs / 1000 },
    stats: [
      { key: 'stat.delivered', params: kb },
      doneMs === null ? { key: 'stat.transferUnfinished', params: {} } : { key: 'stat.transferTime', params: { s: (tookMs / 1000).toFixed(1) } },
    ] as ObjectiveStatus['stats'],
  };
}
