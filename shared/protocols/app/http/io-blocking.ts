// The blocking server (seed: Blocking I/O — "the thread asks the kernel for I/O and stops its own
// work until the kernel is done; a server serving many clients this way needs a thread per client,
// and the many threads mean many context switches"). A fixed pool of worker threads; each runs
//
//   loop: conn = accept()                      parks while the accept queue is empty
//         loop: req = recv() until a whole request has arrived   parks while no bytes are there
//               answer it (CPU), wait for the route's delay (parked), send() it (parks while full)
//               if Connection: close → break
//         close(conn)
//
// A thread parked in recv() holds its connection and serves no one else, so a client that sends its
// request slowly keeps a whole thread; with every thread held, new connections wait in the accept
// queue however fast they are. Each system call and byte copied costs CPU, and the CPU pays a context
// switch whenever it passes from one thread to another.

import type { Server, ServerIo, ServerIoView, ThreadView } from '../../net/server.ts';
import { Timer } from '../../sim/timer.ts';
import { msToNs } from '../../sim/time.ts';
import { SEND_CHUNK_BYTES, type ServerConn } from './server-conn.ts';

type WorkerState = 'accept' | 'recv' | 'send' | 'wait' | 'run';

class Worker {
  readonly name: string;
  state: WorkerState = 'accept';
  conn: ServerConn | null = null;
  /** Request or keep-alive timeout while parked in recv(). */
  readonly timer: Timer;

  constructor(name: string, timer: (w: Worker) => Timer) {
    this.name = name;
    this.timer = timer(this);
  }
}

export class BlockingIo implements ServerIo {
  readonly model = 'blocking' as const;
  private readonly server: Server;
  readonly workers: Worker[] = [];
  /** Connections done with the TCP handshake, waiting for a thread to accept them (FIFO). */
  private readonly acceptQueue: ServerConn[] = [];
  /** Threads parked in accept(), in the order they parked. */
  private readonly idle: Worker[] = [];

  constructor(server: Server, threads: number) {
    this.server = server;
    const sim = server.network.sim;
    for (let i = 1; i <= threads; i++) {
      const w = new Worker(`worker-${i}`, (self) => new Timer(sim, () => this.timedOut(self)));
      this.workers.push(w);
      this.idle.push(w); // every thread starts blocked in accept()
    }
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
    const w = this.idle.shift();
    if (w !== undefined) this.accept(w);
  }

  readable(conn: ServerConn): void {
    const w = this.workerOf(conn);
    if (w?.state === 'recv') {
      w.timer.cancel();
      this.recv(w);
    }
  }

  writable(conn: ServerConn): void {
    const w = this.workerOf(conn);
    if (w?.state === 'send') this.send(w);
  }

  closed(conn: ServerConn): void {
    const i = this.acceptQueue.indexOf(conn);
    if (i >= 0) this.acceptQueue.splice(i, 1);
    const w = this.workerOf(conn);
    // A parked thread wakes with an error (ECONNRESET); a running one notices when its work is done.
    if (w !== null && (w.state === 'recv' || w.state === 'send')) {
      w.timer.cancel();
      this.server.traceIo(w.name, w.state, 'reset', conn);
      this.drop(w);
    }
  }

  private workerOf(conn: ServerConn): Worker | null {
    for (const w of this.workers) if (w.conn === conn) return w;
    return null;
  }

  private accept(w: Worker): void {
    const server = this.server;
    const conn = this.acceptQueue.shift();
    if (conn === undefined) {
      w.state = 'accept';
      this.idle.push(w);
      server.traceIo(w.name, 'accept', 'blocked', null);
      return;
    }
    w.state = 'run';
    w.conn = conn;
    conn.thread = w.name;
    conn.state = 'open';
    server.runOn(w.name, server.syscallNs, () => {
      server.noteAccepted(conn);
      server.traceIo(w.name, 'accept', 'ok', conn, { waitedMs: (conn.acceptedNs - conn.queuedNs) / 1e6 });
      this.recv(w);
    });
  }

  /** recv() until a whole request is there, then answer it; or park. */
  private recv(w: Worker): void {
    const conn = w.conn!;
    const server = this.server;
    if (conn.state === 'closed') return this.drop(w);
    if (conn.hasRequest) return this.process(w);
    const error = conn.parseError;
    if (error !== null) return this.respondError(w, error.status, error.reason);
    const n = conn.recvable;
    if (n > 0) {
      w.state = 'run';
      server.runOn(w.name, server.syscallNs + n * server.copyNsPerByte, () => {
        if (conn.state === 'closed') return this.drop(w);
        const got = conn.receive(n, server.network.sim.nowNs);
        server.stats.recvData++;
        server.traceIo(w.name, 'recv', 'data', conn, { bytes: got });
        this.recv(w);
      });
      return;
    }
    if (conn.drained) {
      // recv() returns 0: the client has finished; a request cut short is dropped with the connection.
      w.state = 'run';
      server.runOn(w.name, server.syscallNs, () => {
        server.traceIo(w.name, 'recv', 'eof', conn);
        this.close(w);
      });
      return;
    }
    w.state = 'recv';
    server.stats.recvBlocked++;
    server.traceIo(w.name, 'recv', 'blocked', conn);
    const s = server.settings;
    if (conn.partialSinceNs >= 0) w.timer.setAt(Math.max(server.network.sim.nowNs, conn.partialSinceNs + msToNs(s.requestTimeoutMs)));
    else w.timer.setIn(msToNs(conn.requestsServed > 0 ? s.keepAliveTimeoutMs : s.requestTimeoutMs));
  }

  private timedOut(w: Worker): void {
    const conn = w.conn;
    if (w.state !== 'recv' || conn === null) return;
    const server = this.server;
    w.state = 'run';
    server.traceIo(w.name, 'recv', 'timeout', conn);
    if (conn.partialSinceNs >= 0) {
      // RFC 9110 §15.5.9: the request did not arrive in time.
      this.respondError(w, 408, 'the request took too long to arrive');
    } else {
      server.stats.timeouts++;
      this.close(w);
    }
  }

  private process(w: Worker): void {
    const conn = w.conn!;
    const server = this.server;
    const req = conn.requests.shift()!;
    const result = server.answer(conn, req);
    conn.begin(req, result, server.network.sim.nowNs);
    w.state = 'run';
    server.runOn(w.name, result.costNs ?? server.requestNs, () => {
      if (conn.state === 'closed') return this.drop(w);
      if (result.delayNs > 0) {
        // The handler waits on something outside the CPU; the thread waits with it, holding the connection.
        w.state = 'wait';
        server.traceIo(w.name, 'wait', 'blocked', conn, { ms: result.delayNs / 1e6 });
        server.network.sim.after(result.delayNs, () => {
          if (conn.state === 'closed') return this.drop(w);
          w.state = 'run';
          conn.startResponse(result, req, false);
          this.send(w);
        });
        return;
      }
      conn.startResponse(result, req, false);
      this.send(w);
    });
  }

  /** Answer bytes that were no request (or came too slowly) with an error, then close. */
  private respondError(w: Worker, status: number, reason: string): void {
    const conn = w.conn!;
    const result = this.server.errorAnswer(status, reason);
    conn.begin(null, result, this.server.network.sim.nowNs);
    conn.startResponse(result, null, true);
    this.send(w);
  }

  /** send() the response, parking while the send buffer is full. */
  private send(w: Worker): void {
    const conn = w.conn!;
    const server = this.server;
    if (conn.state === 'closed') return this.drop(w);
    if (conn.unsent === 0) return this.responseDone(w);
    const chunk = Math.min(conn.unsent, SEND_CHUNK_BYTES, conn.stream.writableBytes);
    if (chunk === 0) {
      w.state = 'send';
      server.traceIo(w.name, 'send', 'blocked', conn);
      return;
    }
    w.state = 'run';
    server.runOn(w.name, server.syscallNs + chunk * server.copyNsPerByte, () => {
      if (conn.state === 'closed') return this.drop(w);
      conn.send(chunk);
      this.send(w);
    });
  }

  private responseDone(w: Worker): void {
    const conn = w.conn!;
    this.server.responded(conn);
    if (conn.finishResponse()) this.close(w);
    else this.recv(w);
  }

  private close(w: Worker): void {
    const conn = w.conn!;
    const server = this.server;
    w.state = 'run';
    w.timer.cancel();
    server.runOn(w.name, server.syscallNs, () => {
      conn.stream.close();
      server.traceIo(w.name, 'close', 'ok', conn);
      server.release(conn);
      w.conn = null;
      this.accept(w);
    });
  }

  /** The connection vanished under the thread: it goes back to accept(). */
  private drop(w: Worker): void {
    const conn = w.conn;
    w.timer.cancel();
    if (conn !== null) this.server.release(conn);
    w.conn = null;
    this.accept(w);
  }

  view(): ServerIoView {
    const threads: ThreadView[] = this.workers.map((w) => ({ name: w.name, state: w.state, conn: w.conn?.id ?? null, flow: w.conn?.flowId ?? null }));
    return { threads, acceptQueue: this.acceptQueue.map((c) => c.id), ready: [] };
  }
}
