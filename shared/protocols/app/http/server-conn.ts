// One connection as an HTTP server application holds it (RFC 9112 §9): the requests read from it so
// far (pipelined ones wait their turn: responses go out in request order), the response being
// written, and whether the connection persists after it. The I/O model (io-blocking.ts,
// io-event-loop.ts) decides when this connection is read and written and by which thread; this file
// only knows HTTP.

import { encodeResponse, persists, type HttpRequest } from './message.ts';
import { RequestParser, type HttpParseError } from './parser.ts';
import type { RouteResult } from './routes.ts';
import type { ByteStream } from './stream.ts';

/** Parsed requests a connection may hold unanswered (pipelining); beyond it the server stops reading. */
export const MAX_PIPELINED_REQUESTS = 16;
/** The most one recv() copies (the application's buffer). */
export const RECV_BUFFER_BYTES = 64 * 1024;
/** The most one send() hands to the kernel. */
export const SEND_CHUNK_BYTES = 64 * 1024;

export type ServerConnState = 'queued' | 'open' | 'closed';

export class ServerConn {
  readonly id: number;
  readonly stream: ByteStream;
  readonly flowId: string | null;
  /** "10.0.0.1:49152", for views and traces. */
  readonly remote: string;
  state: ServerConnState = 'queued';
  readonly parser = new RequestParser();
  /** Requests read and not yet answered, oldest first. */
  readonly requests: HttpRequest[] = [];
  /** The response being written, from `outOff`. */
  out: Uint8Array | null = null;
  outOff = 0;
  /** Close once the response being written is out (Connection: close, or an error). */
  closeAfterResponse = false;
  /** The request being answered (for the trace). */
  answering: { req: HttpRequest | null; result: RouteResult; startNs: number } | null = null;
  /** When the connection entered the accept queue (its handshake completed), and when the application accepted it. */
  queuedNs: number;
  acceptedNs = -1;
  /** When the first byte of a request not yet complete was read, or -1. */
  partialSinceNs = -1;
  /** A route's wait (delayMs) is running for the request being answered. */
  waiting = false;
  /** Name of the thread serving it (blocking), or "loop". */
  thread: string | null = null;
  bytesIn = 0;
  bytesOut = 0;
  requestsServed = 0;

  constructor(id: number, stream: ByteStream, flowId: string | null, remote: string, nowNs: number) {
    this.id = id;
    this.stream = stream;
    this.flowId = flowId;
    this.remote = remote;
    this.queuedNs = nowNs;
  }

  /**
   * recv(): copy up to `n` readable bytes into the parser and take out every complete request.
   * Returns the bytes read.
   */
  receive(n: number, nowNs: number): number {
    const parser = this.parser;
    const read = this.stream.read(n, (bytes) => parser.push(bytes));
    this.bytesIn += read;
    for (;;) {
      if (this.requests.length >= MAX_PIPELINED_REQUESTS) break;
      const req = parser.next();
      if (req === null) break;
      this.requests.push(req);
    }
    this.partialSinceNs = parser.midMessage ? (this.partialSinceNs >= 0 ? this.partialSinceNs : nowNs) : -1;
    return read;
  }

  /** How many bytes the next recv() would copy (0: it would block or return EWOULDBLOCK). */
  get recvable(): number {
    if (this.requests.length >= MAX_PIPELINED_REQUESTS || this.parseError !== null) return 0;
    return Math.min(this.stream.readableBytes, RECV_BUFFER_BYTES);
  }

  get parseError(): HttpParseError | null {
    return this.parser.error;
  }

  /** Nothing more will come from the client: it finished sending and every byte has been read. */
  get drained(): boolean {
    return this.stream.ended && this.stream.readableBytes === 0;
  }

  /** Whether a request is ready to be answered now (none is being answered). */
  get hasRequest(): boolean {
    return this.answering === null && this.out === null && this.requests.length > 0;
  }

  /** Start answering `req` (null: an error answer to bytes that were no request) with `result`. */
  begin(req: HttpRequest | null, result: RouteResult, nowNs: number): void {
    this.answering = { req, result, startNs: nowNs };
  }

  /** Serialise the answer to the request being answered (or an error answer), with its Connection field. */
  startResponse(result: RouteResult, req: HttpRequest | null, forceClose: boolean): void {
    const keepAlive = !forceClose && req !== null && persists(req.version, req.headers) && this.parser.error === null;
    this.closeAfterResponse = !keepAlive;
    const headers = [...result.headers, { name: 'Connection', value: keepAlive ? 'keep-alive' : 'close' }];
    this.out = encodeResponse(result.status, headers, result.body);
    this.outOff = 0;
  }

  /** Bytes of the response still to hand to the kernel. */
  get unsent(): number {
    return this.out === null ? 0 : this.out.length - this.outOff;
  }

  /** send(): hand up to `max` bytes of the response to the stream; returns how many it took. */
  send(max: number): number {
    if (this.out === null) return 0;
    const end = Math.min(this.out.length, this.outOff + max);
    const n = this.stream.write(this.out.subarray(this.outOff, end));
    if (n > end - this.outOff) throw new Error(`invariant: a stream took ${n} bytes of ${end - this.outOff}`);
    this.outOff += n;
    this.bytesOut += n;
    return n;
  }

  /** The response is all written: forget it. Returns whether the connection must close now. */
  finishResponse(): boolean {
    this.out = null;
    this.outOff = 0;
    this.answering = null;
    this.requestsServed++;
    return this.closeAfterResponse;
  }
}
