// The application thread that makes the HTTP calls, and how it waits for each answer (seed:
// Blocking/Non-blocking & Synchronous/Asynchronous, "ordering at the chicken shop"):
//
//   sync-blocking      the call does not return until the answer is there; the caller stands and
//                      watches (blocked, checking)
//   async-blocking     the caller hands over a callback but is held anyway until it fires (blocked,
//                      not checking)
//   sync-nonblocking   the call returns at once; the caller gets on with other work and every
//                      `pollIntervalMs` asks "is mine ready?" — a non-blocking recv() that says
//                      EWOULDBLOCK until the response is in
//   async-nonblocking  the call returns at once; the caller gets on with other work and a callback
//                      tells it the moment the answer is in
//
// Blocking is about who holds control (the callee keeps it until done, or hands it back at once);
// synchronous is about who watches for completion (the caller checks, or the callee calls back).
// The caller has `workMs` of other work; it does it whenever it is not blocked. The figures: time
// blocked, other work done while a call was outstanding, polls, callbacks, and how late the caller
// noticed each answer.

import type { Simulator } from '../../sim/simulator.ts';
import { msToNs } from '../../sim/time.ts';
import type { CallModel, HttpRequestSpec } from './spec.ts';

export interface CallerFigures {
  call: CallModel;
  blockedMs: number;
  /** Other work done while at least one call was outstanding. */
  otherWorkMs: number;
  workDoneMs: number;
  /** "Is it ready?" checks (sync-nonblocking), and how many found nothing. */
  polls: number;
  wouldBlock: number;
  callbacks: number;
  /** Longest time between an answer arriving and the caller noticing it. */
  noticeDelayMaxMs: number;
  /** When the caller had every answer and had done all its work, from the flow's start; null if not yet. */
  finishedMs: number | null;
}

export interface CallerLink {
  /** Hand request `i` to HTTP now. */
  issue(i: number): void;
  /** Trace an `io` event of the caller thread. */
  traceIo(call: string, result: string, request: number): void;
  /** Every request has been answered (or failed) and noticed. */
  allNoticed(): void;
}

export class Caller {
  readonly model: CallModel;
  private readonly sim: Simulator;
  private readonly link: CallerLink;
  private readonly requests: HttpRequestSpec[];
  private readonly pollIntervalNs: number;
  private startNs = 0;
  /** When the application wanted to send each request (its atMs, or the answer before it), or -1. */
  readonly dueAtNs: number[];
  /** Requests due and not yet issued, in order. */
  private readonly due: number[] = [];
  private readonly outstanding = new Set<number>();
  /** Answered, not yet noticed (sync-nonblocking waits for its next poll): index → arrival time. */
  private readonly unnoticed = new Map<number, number>();
  private noticedCount = 0;
  private blocked = false;
  private blockedSinceNs = 0;
  private blockedNs = 0;
  // Other work: left to do, and since when the caller has been doing it (−1: not working now).
  private workLeftNs: number;
  private workingSinceNs = -1;
  private workGeneration = 0;
  private workDoneNs = 0;
  private otherWorkNs = 0;
  // Time with at least one call outstanding, accumulated (for the overlap with work).
  private waitAccumNs = 0;
  private waitSinceNs = -1;
  private workStartWaitNs = 0;
  private polling = false;
  polls = 0;
  wouldBlock = 0;
  callbacks = 0;
  private noticeDelayMaxNs = 0;
  private finishedNs = -1;

  constructor(sim: Simulator, link: CallerLink, model: CallModel, requests: HttpRequestSpec[], pollIntervalMs: number, workMs: number) {
    this.sim = sim;
    this.link = link;
    this.model = model;
    this.requests = requests;
    this.pollIntervalNs = msToNs(pollIntervalMs);
    this.workLeftNs = msToNs(workMs);
    this.dueAtNs = requests.map(() => -1);
  }

  private get blocking(): boolean {
    return this.model === 'sync-blocking' || this.model === 'async-blocking';
  }

  start(): void {
    this.startNs = this.sim.nowNs;
    this.requests.forEach((r, i) => {
      if (r.atMs !== null) this.sim.at(this.startNs + msToNs(r.atMs), () => this.becomeDue(i));
    });
    if (this.requests.length > 0 && this.requests[0]!.atMs === null) this.becomeDue(0);
    else this.run();
  }

  /** The answer to request `i` arrived (or it failed for good). */
  answered(i: number): void {
    if (!this.outstanding.has(i)) return;
    const now = this.sim.nowNs;
    switch (this.model) {
      case 'sync-blocking':
        this.link.traceIo('recv', 'data', i);
        this.notice(i, now);
        break;
      case 'async-blocking':
      case 'async-nonblocking':
        this.callbacks++;
        this.link.traceIo('callback', 'data', i);
        this.notice(i, now);
        break;
      case 'sync-nonblocking':
        this.unnoticed.set(i, now); // the next poll finds it
        break;
    }
  }

  private becomeDue(i: number): void {
    this.dueAtNs[i] = this.sim.nowNs;
    this.due.push(i);
    this.due.sort((a, b) => a - b);
    this.run();
  }

  private notice(i: number, arrivedNs: number): void {
    const now = this.sim.nowNs;
    this.outstanding.delete(i);
    this.unnoticed.delete(i);
    this.noticedCount++;
    if (now - arrivedNs > this.noticeDelayMaxNs) this.noticeDelayMaxNs = now - arrivedNs;
    if (this.outstanding.size === 0 && this.waitSinceNs >= 0) {
      this.waitAccumNs += now - this.waitSinceNs;
      this.waitSinceNs = -1;
    }
    if (this.blocked && this.blocking) {
      this.blocked = false;
      this.blockedNs += now - this.blockedSinceNs;
    }
    // A request with no time of its own follows the one before it.
    const nextI = i + 1;
    if (this.noticedCount === this.requests.length) this.link.allNoticed();
    if (nextI < this.requests.length && this.requests[nextI]!.atMs === null) this.becomeDue(nextI);
    else this.run();
  }

  /** The caller has control: issue what is due, then work, else idle. */
  private run(): void {
    if (this.blocked) return;
    while (this.due.length > 0) {
      const i = this.due.shift()!;
      this.issue(i);
      if (this.blocked) return;
    }
    this.resumeWork();
    this.checkFinished();
  }

  private issue(i: number): void {
    const now = this.sim.nowNs;
    if (this.outstanding.size === 0) this.waitSinceNs = now;
    this.outstanding.add(i);
    this.link.issue(i);
    if (!this.outstanding.has(i)) return; // answered at once (failed)
    if (this.blocking) {
      this.pauseWork();
      this.blocked = true;
      this.blockedSinceNs = now;
      this.link.traceIo(this.model === 'sync-blocking' ? 'recv' : 'wait', 'blocked', i);
    } else if (this.model === 'sync-nonblocking' && !this.polling) {
      this.polling = true;
      this.sim.after(this.pollIntervalNs, () => this.poll());
    }
  }

  /** "Is mine ready?" */
  private poll(): void {
    this.polling = false;
    this.polls++;
    const now = this.sim.nowNs;
    if (this.unnoticed.size === 0) {
      this.wouldBlock++;
      const oldest = this.outstanding.values().next().value ?? -1;
      this.link.traceIo('recv', 'EWOULDBLOCK', oldest);
    } else {
      for (const [i, arrivedNs] of [...this.unnoticed].sort((a, b) => a[0] - b[0])) {
        this.link.traceIo('recv', 'data', i);
        this.notice(i, arrivedNs);
      }
    }
    if (this.outstanding.size > 0 && !this.polling) {
      this.polling = true;
      this.sim.at(now + this.pollIntervalNs, () => this.poll());
    }
  }

  private resumeWork(): void {
    if (this.workingSinceNs >= 0 || this.workLeftNs <= 0 || this.blocked) return;
    this.workingSinceNs = this.sim.nowNs;
    this.workStartWaitNs = this.waitAccumNow();
    const gen = ++this.workGeneration;
    this.sim.after(this.workLeftNs, () => {
      if (gen !== this.workGeneration) return;
      this.pauseWork();
      this.checkFinished();
    });
  }

  private pauseWork(): void {
    if (this.workingSinceNs < 0) return;
    const now = this.sim.nowNs;
    const done = now - this.workingSinceNs;
    this.workLeftNs -= done;
    this.workDoneNs += done;
    this.otherWorkNs += this.waitAccumNow() - this.workStartWaitNs;
    this.workingSinceNs = -1;
    this.workGeneration++;
  }

  private waitAccumNow(): number {
    return this.waitAccumNs + (this.waitSinceNs >= 0 ? this.sim.nowNs - this.waitSinceNs : 0);
  }

  private checkFinished(): void {
    if (this.finishedNs >= 0 || this.noticedCount < this.requests.length || this.workLeftNs > 0) return;
    this.finishedNs = this.sim.nowNs;
  }

  figures(): CallerFigures {
    const now = this.sim.nowNs;
    const ms = (ns: number) => Math.round(ns / 1e3) / 1e3;
    const working = this.workingSinceNs >= 0 ? now - this.workingSinceNs : 0;
    const overlapNow = this.workingSinceNs >= 0 ? this.waitAccumNow() - this.workStartWaitNs : 0;
    return {
      call: this.model,
      blockedMs: ms(this.blockedNs + (this.blocked ? now - this.blockedSinceNs : 0)),
      otherWorkMs: ms(this.otherWorkNs + overlapNow),
      workDoneMs: ms(this.workDoneNs + working),
      polls: this.polls,
      wouldBlock: this.wouldBlock,
      callbacks: this.callbacks,
      noticeDelayMaxMs: ms(this.noticeDelayMaxNs),
      finishedMs: this.finishedNs >= 0 ? ms(this.finishedNs - this.startNs) : null,
    };
  }
}
