// The non-blocking server (seed: Non-Blocking I/O — "recvfrom returns EWOULDBLOCK at once when the
// kernel has nothing; the process goes on with other work; when data is there it is copied from the
// kernel's buffer quickly"). One thread runs an event loop, as nginx or Node do:
//
//   loop: ready = poll()                      the only place the thread blocks
//         accept() every queued connection
//         for each ready connection:
//           recv() until EWOULDBLOCK          (copying costs CPU per byte)
//           answer each whole request         (a route's delay is a timer, not a parked thread)
//           send() what the buffer takes      (the rest when it becomes writable)
//
// A client that sends its request slowly costs a recv() per piece and never holds the thread, so the
// other clients are served between its pieces. There is one thread: no context switches.

import type { Server, ServerIo, ServerIoView } from '../../net/server.ts';
import { Timer } from '../../sim/timer.ts';
import { msToNs } from '../../sim/time.ts';
import { SEND_CHUNK_BYTES, type ServerConn } from './server-conn.ts';

const LOOP = 'loop';

/** The loop's per-connection registration (what epoll would hold). */
interface Registration {
  conn: ServerConn;
  /** Bytes or the end of stream arrived since recv() last said EWOULDBLOCK (edge-triggered readiness). */
  readReady: boolean;
  /** The request or keep-alive timeout expired. */
  timedOut: boolean;
  timer: Timer;
}

export class EventLoopIo implements ServerIo {
  readonly model = 'nonblocking' as const;
  private readonly server: Server;
  /** 'poll': blocked in poll(); 'run': handling ready connections. */
  state: 'poll' | 'run' = 'poll';
  private readonly acceptQueue: ServerConn[] = [];
  private readonly regs = new Map<ServerConn, Registration>();
  /** Connections with readiness not yet handled, in the order it arrived. */
  private readonly ready = new Set<ServerConn>();

  constructor(server: Server) {
    this.server = server;
  }

  get acceptQueueLength(): number {
    return this.acceptQueue.length;
  }

  get oldestQueuedNs(): number | null {
    return this.acceptQueue[0]?.queuedNs ?? null;
  }

  established(conn: ServerConn): void {
    if (conn.state !== 'queued') return;
    this.acceptQueue.push(conn);
    this.wake();
  }

  readable(conn: ServerConn): void {
    const reg = this.regs.get(conn);
    if (reg === undefined) return; // still in the accept queue: looked at when accepted
    reg.readReady = true;
    this.markReady(conn);
  }

  writable(conn: ServerConn): void {
    if (this.regs.has(conn) && conn.unsent > 0) this.markReady(conn);
  }

  closed(conn: ServerConn): void {
    const i = this.acceptQueue.indexOf(conn);
    if (i >= 0) this.acceptQueue.splice(i, 1);
    if (this.regs.has(conn)) this.markReady(conn);
  }

  private markReady(conn: ServerConn): void {
    this.ready.add(conn);
    this.wake();
  }

  /** poll() returns when something is ready. */
  private wake(): void {
    if (this.state !== 'poll') return;
    this.state = 'run';
    this.iterate();
  }

  private iterate(): void {
    const server = this.server;
    const batch = [...this.ready];
    this.ready.clear();
    const accepting = this.acceptQueue.length;
    server.stats.polls++;
    server.traceIo(LOOP, 'poll', 'ready', null, { ready: batch.length + (accepting > 0 ? 1 : 0) });
    server.runOn(LOOP, server.syscallNs, () => this.acceptAll(() => this.serviceAll(batch, 0)));
  }

  private endIteration(): void {
    if (this.ready.size > 0 || this.acceptQueue.length > 0) {
      this.iterate(); // poll() returns at once
      return;
    }
    this.state = 'poll';
    this.server.traceIo(LOOP, 'poll', 'blocked', null);
  }

  /** accept() every queued connection, one system call each. */
  private acceptAll(done: () => void): void {
    const conn = this.acceptQueue.shift();
    if (conn === undefined) return done();
    const server = this.server;
    server.runOn(LOOP, server.syscallNs, () => {
      if (conn.state !== 'queued') return this.acceptAll(done);
      conn.state = 'open';
      conn.thread = LOOP;
      server.noteAccepted(conn);
      server.traceIo(LOOP, 'accept', 'ok', conn, { waitedMs: (conn.acceptedNs - conn.queuedNs) / 1e6 });
      const reg: Registration = {
        conn,
        readReady: conn.stream.readableBytes > 0 || conn.stream.ended,
        timedOut: false,
        timer: new Timer(server.network.sim, () => {
          reg.timedOut = true;
          this.markReady(conn);
        }),
      };
      this.regs.set(conn, reg);
      this.armTimer(reg);
      if (reg.readReady) this.ready.add(conn);
      this.acceptAll(done);
    });
  }

  private serviceAll(batch: ServerConn[], i: number): void {
    if (i >= batch.length) return this.endIteration();
    this.service(batch[i]!, () => this.serviceAll(batch, i + 1));
  }

  /** Do everything one ready connection allows without blocking, then `next`. */
  private service(conn: ServerConn, next: () => void): void {
    const reg = this.regs.get(conn);
    if (reg === undefined) return next();
    const server = this.server;
    if (conn.state === 'closed') {
      this.forget(reg);
      return next();
    }
    if (reg.timedOut) {
      reg.timedOut = false;
      server.traceIo(LOOP, 'timer', 'timeout', conn);
      if (conn.partialSinceNs >= 0 && conn.out === null && conn.answering === null) {
        this.respondError(conn, 408, 'the request took too long to arrive');
      } else if (conn.out === null && conn.answering === null) {
        server.stats.timeouts++;
        return this.close(reg, next);
      }
    }
    if (conn.unsent > 0) {
      const chunk = Math.min(conn.unsent, SEND_CHUNK_BYTES, conn.stream.writableBytes);
      if (chunk === 0) {
        server.traceIo(LOOP, 'send', 'EWOULDBLOCK', conn);
        return next(); // writable() brings it back
      }
      server.runOn(LOOP, server.syscallNs + chunk * server.copyNsPerByte, () => {
        if (conn.state === 'closed') return this.service(conn, next);
        conn.send(chunk);
        if (conn.unsent > 0) return this.service(conn, next);
        server.responded(conn);
        if (conn.finishResponse()) return this.close(reg, next);
        this.armTimer(reg);
        this.service(conn, next);
      });
      return;
    }
    if (conn.waiting || conn.answering !== null) return next(); // its answer is being prepared
    if (conn.hasRequest) {
      const req = conn.requests.shift()!;
      const result = server.answer(conn, req);
      conn.begin(req, result, server.network.sim.nowNs);
      reg.timer.cancel();
      server.runOn(LOOP, result.costNs ?? server.requestNs, () => {
        if (conn.state === 'closed') return this.service(conn, next);
        if (result.delayNs > 0) {
          // The loop does not wait: a timer brings the connection back when the answer is ready.
          conn.waiting = true;
          server.traceIo(LOOP, 'wait', 'timer', conn, { ms: result.delayNs / 1e6 });
          server.network.sim.after(result.delayNs, () => {
            conn.waiting = false;
            if (conn.state === 'closed') return;
            conn.startResponse(result, req, false);
            this.markReady(conn);
          });
          return next();
        }
        conn.startResponse(result, req, false);
        this.service(conn, next);
      });
      return;
    }
    const error = conn.parseError;
    if (error !== null) {
      this.respondError(conn, error.status, error.reason);
      return this.service(conn, next);
    }
    if (reg.readReady) {
      const n = conn.recvable;
      if (n > 0) {
        server.runOn(LOOP, server.syscallNs + n * server.copyNsPerByte, () => {
          if (conn.state === 'closed') return this.service(conn, next);
          const got = conn.receive(n, server.network.sim.nowNs);
          server.stats.recvData++;
          server.traceIo(LOOP, 'recv', 'data', conn, { bytes: got });
          this.armTimer(reg);
          this.service(conn, next);
        });
        return;
      }
      if (conn.requests.length > 0) return next(); // pipelined requests fill the queue: read later
      if (conn.drained) {
        server.runOn(LOOP, server.syscallNs, () => {
          server.traceIo(LOOP, 'recv', 'eof', conn);
          this.close(reg, next);
        });
        return;
      }
      // recv() once more: nothing there now. The loop goes on with other connections.
      server.runOn(LOOP, server.syscallNs, () => {
        reg.readReady = conn.recvable > 0 || conn.drained;
        if (!reg.readReady) {
          server.stats.recvWouldBlock++;
          server.traceIo(LOOP, 'recv', 'EWOULDBLOCK', conn);
          return next();
        }
        this.service(conn, next);
      });
      return;
    }
    next();
  }

  private respondError(conn: ServerConn, status: number, reason: string): void {
    const result = this.server.errorAnswer(status, reason);
    conn.begin(null, result, this.server.network.sim.nowNs);
    conn.startResponse(result, null, true);
  }

  /** Idle between requests: the keep-alive timeout; part of a request in: the request timeout. */
  private armTimer(reg: Registration): void {
    const conn = reg.conn;
    const s = this.server.settings;
    if (conn.out !== null || conn.answering !== null || conn.requests.length > 0) {
      reg.timer.cancel();
    } else if (conn.partialSinceNs >= 0) {
      reg.timer.setAt(Math.max(this.server.network.sim.nowNs, conn.partialSinceNs + msToNs(s.requestTimeoutMs)));
    } else {
      reg.timer.setIn(msToNs(conn.requestsServed > 0 ? s.keepAliveTimeoutMs : s.requestTimeoutMs));
    }
  }

  private close(reg: Registration, next: () => void): void {
    const conn = reg.conn;
    const server = this.server;
    reg.timer.cancel();
    server.runOn(LOOP, server.syscallNs, () => {
      conn.stream.close();
      server.traceIo(LOOP, 'close', 'ok', conn);
      server.release(conn);
      this.forget(reg);
      next();
    });
  }

  private forget(reg: Registration): void {
    reg.timer.cancel();
    this.regs.delete(reg.conn);
    this.ready.delete(reg.conn);
    this.server.release(reg.conn);
  }

  view(): ServerIoView {
    const conn = [...this.regs.keys()].find((c) => c.answering !== null) ?? null;
    return {
      threads: [{ name: LOOP, state: this.state, conn: conn?.id ?? null, flow: conn?.flowId ?? null }],
      acceptQueue: this.acceptQueue.map((c) => c.id),
      ready: [...this.ready].map((c) => c.id),
    };
  }
}
