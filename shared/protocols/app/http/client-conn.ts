// One connection of an HTTP/1.1 client (RFC 9112 §9): requests are written in order — the next one
// once the previous response is in, or at once when pipelining — and responses are matched to them
// in order. A slow client writes each request at `trickleBps` (seed: a client that sends slowly
// ties up a blocking server's thread). When the server closes a connection, requests not yet
// written move to a new one; requests written and unanswered fail.

import type { Simulator } from '../../sim/simulator.ts';
import { msToNs } from '../../sim/time.ts';
import type { TcpConnection } from '../../transport/tcp/connection.ts';
import { connectionHas, type HttpResponse } from './message.ts';
import { ResponseParser } from './parser.ts';
import type { ByteStream } from './stream.ts';

/** A slow writer wakes this often and writes what its rate allows. */
export const TRICKLE_TICK_MS = 100;
/** A slow reader wakes this often and reads what its rate allows (as app/reader.ts). */
export const READ_TICK_MS = 10;

export interface OutgoingRequest {
  index: number;
  method: string;
  bytes: Uint8Array;
}

export interface ClientConnEvents {
  /** A request's last byte was handed to the stream. */
  requestSent(conn: ClientConn, req: OutgoingRequest): void;
  response(conn: ClientConn, req: OutgoingRequest, res: HttpResponse): void;
  /** Requests that will get no response on this connection (`unsent`: never written, may be retried). */
  failed(conn: ClientConn, unanswered: OutgoingRequest[], unsent: OutgoingRequest[], reason: string): void;
  /** The connection carries no more requests. */
  finished(conn: ClientConn): void;
}

export class ClientConn {
  readonly id: number;
  readonly stream: ByteStream;
  private readonly sim: Simulator;
  private readonly parser = new ResponseParser();
  private readonly events: ClientConnEvents;
  private readonly pipeline: boolean;
  private readonly trickleBps: number | null;
  private readonly readRateBps: number | null;
  /** Requests given to this connection and not yet written, oldest first. */
  private readonly queue: OutgoingRequest[] = [];
  /** The request being written, and how much of it is out. */
  private writing: OutgoingRequest | null = null;
  private writeOff = 0;
  /** Written requests waiting for their responses, oldest first. */
  private readonly awaiting: OutgoingRequest[] = [];
  private established = false;
  private trickleCredit = 0;
  private trickleArmed = false;
  private readCredit = 0;
  private readArmed = false;
  /** The server's FIN arrived; handled once every byte before it has been read. */
  private eofSeen = false;
  /** The server said Connection: close, or the connection is ending: take no new requests. */
  closing = false;
  /** The server said Connection: close: it closes first, and we close when its FIN arrives. */
  private serverCloses = false;
  done = false;
  bytesRead = 0;
  bytesWritten = 0;

  constructor(
    id: number,
    stream: ByteStream,
    sim: Simulator,
    events: ClientConnEvents,
    pipeline: boolean,
    trickleBps: number | null,
    readRateBps: number | null = null,
  ) {
    this.id = id;
    this.stream = stream;
    this.sim = sim;
    this.events = events;
    this.pipeline = pipeline;
    this.trickleBps = trickleBps;
    this.readRateBps = readRateBps;
    stream.handlers = {
      established: () => {
        this.established = true;
        this.pump();
      },
      readable: () => this.readable(),
      eof: () => this.eof(),
      writable: () => this.pump(),
      closed: (error) => this.closed(error),
    };
  }

  get tcp(): TcpConnection {
    return this.stream.tcp;
  }

  /** Whether another request may be given to this connection. */
  get usable(): boolean {
    return !this.closing && !this.done;
  }

  /** Requests on the connection not yet answered. */
  get pending(): number {
    return this.queue.length + (this.writing !== null ? 1 : 0) + this.awaiting.length;
  }

  send(req: OutgoingRequest): void {
    this.queue.push(req);
    this.pump();
  }

  /** The client has nothing more to ask on this connection: close once every response is in. */
  finish(): void {
    this.closing = true;
    if (this.pending === 0 && !this.serverCloses) this.close();
  }

  private pump(): void {
    if (!this.established || this.done) return;
    for (;;) {
      if (this.writing === null) {
        if (this.queue.length === 0 || (!this.pipeline && this.awaiting.length > 0)) return;
        this.writing = this.queue.shift()!;
        this.writeOff = 0;
        this.trickleCredit = 0;
      }
      const req = this.writing;
      let allowed = req.bytes.length - this.writeOff;
      if (this.trickleBps !== null) {
        allowed = Math.min(allowed, Math.floor(this.trickleCredit));
        if (allowed === 0) {
          this.armTrickle();
          return;
        }
      }
      const n = this.stream.write(req.bytes.subarray(this.writeOff, this.writeOff + allowed));
      this.writeOff += n;
      this.bytesWritten += n;
      if (this.trickleBps !== null) this.trickleCredit -= n;
      if (this.writeOff < req.bytes.length) {
        if (this.trickleBps !== null && n === allowed) this.armTrickle();
        return; // the rest when the stream is writable (or the next trickle tick)
      }
      this.writing = null;
      this.parser.expectResponseTo(req.method);
      this.awaiting.push(req);
      this.events.requestSent(this, req);
      if (this.done) return;
    }
  }

  private armTrickle(): void {
    if (this.trickleArmed) return;
    this.trickleArmed = true;
    this.sim.after(msToNs(TRICKLE_TICK_MS), () => {
      this.trickleArmed = false;
      this.trickleCredit += (this.trickleBps! * TRICKLE_TICK_MS) / 1000 / 8;
      this.pump();
    });
  }

  private readable(): void {
    if (this.readRateBps !== null) {
      this.armRead();
      return;
    }
    const parser = this.parser;
    this.bytesRead += this.stream.read(Infinity, (bytes) => parser.push(bytes));
    this.takeResponses();
  }

  /** A slow reader: read what the rate allows every READ_TICK_MS, so the receive window closes. */
  private armRead(): void {
    if (this.readArmed || this.done) return;
    this.readArmed = true;
    this.sim.after(msToNs(READ_TICK_MS), () => {
      this.readArmed = false;
      if (this.done) return;
      this.readCredit += (this.readRateBps! * READ_TICK_MS) / 1000 / 8;
      const n = Math.floor(this.readCredit);
      if (n > 0) {
        const parser = this.parser;
        const got = this.stream.read(n, (bytes) => parser.push(bytes));
        this.readCredit -= got;
        this.bytesRead += got;
        this.takeResponses();
        if (this.done) return;
      }
      if (this.stream.readableBytes > 0) this.armRead();
      else {
        this.readCredit = 0; // no saving up while there is nothing to read
        if (this.eofSeen) this.endOfStream();
      }
    });
  }

  private takeResponses(): void {
    for (;;) {
      const res = this.parser.next();
      if (res === null) break;
      if (res.status < 200) continue; // interim
      this.answered(res);
      if (this.done) return;
    }
    if (this.parser.error !== null) this.fail(`bad response: ${this.parser.error.reason}`, true);
  }

  private answered(res: HttpResponse): void {
    let req = this.awaiting.shift();
    if (req === undefined && this.writing !== null) {
      // An early answer (408, 413, ...) to the request still being written: stop writing it (RFC 9112 §9.3).
      req = this.writing;
      this.writing = null;
    }
    if (req === undefined) {
      this.fail('response without a request', true);
      return;
    }
    if (connectionHas(res.headers, 'close')) {
      this.closing = true;
      this.serverCloses = true;
    }
    this.events.response(this, req, res);
    if (this.done) return;
    if (this.serverCloses) {
      // Requests not yet written go to another connection; this one ends with the server's FIN.
      const unsent = this.queue.splice(0);
      if (unsent.length > 0) this.events.failed(this, [], unsent, 'server closed the connection');
      return;
    }
    this.pump();
  }

  private eof(): void {
    this.eofSeen = true;
    if (this.readRateBps !== null && this.stream.readableBytes > 0) {
      this.armRead(); // the end comes after the bytes before it are read
      return;
    }
    const parser = this.parser;
    this.bytesRead += this.stream.read(Infinity, (bytes) => parser.push(bytes));
    this.takeResponses();
    if (this.done) return;
    this.endOfStream();
  }

  private endOfStream(): void {
    const parser = this.parser;
    const last = parser.end();
    if (last !== null) this.answered(last);
    if (this.done) return;
    if (this.pending > 0) this.fail('server closed the connection', false);
    else this.close();
  }

  private closed(error: string | null): void {
    if (this.done) return;
    this.fail(error ?? 'connection closed', false);
  }

  /** Give up on this connection: report what will not be answered, and end it. */
  private fail(reason: string, abort: boolean): void {
    if (this.done) return;
    const unanswered = [...this.awaiting.splice(0)];
    const unsent = [...this.queue.splice(0)];
    // A connection that never opened (refused, unreachable) fails everything given to it.
    if (!this.established) unanswered.push(...unsent.splice(0));
    // A request partly written is lost with the connection.
    if (this.writing !== null) unanswered.push(this.writing);
    this.writing = null;
    this.done = true;
    this.closing = true;
    if (abort) this.stream.abort(reason);
    else this.stream.close();
    if (unanswered.length > 0 || unsent.length > 0) this.events.failed(this, unanswered, unsent, reason);
    this.events.finished(this);
  }

  private close(): void {
    if (this.done) return;
    this.done = true;
    this.closing = true;
    this.stream.close();
    this.events.finished(this);
  }
}
