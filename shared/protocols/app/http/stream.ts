// The byte stream HTTP runs on (RFC 9112 §9: HTTP/1.1 needs a reliable, in-order, connection-oriented
// transport). Plain HTTP runs straight on a TCP connection (TcpByteStream); HTTPS runs the same HTTP
// code on a TLS connection that offers this same shape (seed: HTTPS is HTTP with the text encrypted
// underneath). A server or client takes a `StreamWrap` to choose what sits between TCP and HTTP.

import type { TcpConnection } from '../../transport/tcp/connection.ts';
import type { ByteSendBuffer } from '../../transport/tcp/send-buffer.ts';

/** What the user of a stream is told; set `handlers` to receive them. */
export interface ByteStreamHandlers {
  /** The stream carries application bytes from now on (TCP: handshake done; TLS: its handshake too). */
  established?(): void;
  /** Bytes became readable. */
  readable?(): void;
  /** The peer finished sending (FIN, or TLS close_notify); the readable bytes are the last ones. */
  eof?(): void;
  /** Room to write opened up. */
  writable?(): void;
  /** The stream is gone; `error` says why when it did not end normally (reset, timeout, TLS alert). */
  closed?(error: string | null): void;
}

export interface ByteStream {
  /** The TCP connection underneath (ports, state and statistics). */
  readonly tcp: TcpConnection;
  /** Bytes a read would return now (the kernel receive buffer, or decrypted TLS plaintext). */
  readonly readableBytes: number;
  /** Bytes a write would take now (free send-buffer space). */
  readonly writableBytes: number;
  /** The peer has finished sending: once the readable bytes are read, a read returns 0 for good. */
  readonly ended: boolean;
  /** Read up to `maxBytes`; `consume` receives them. Returns how many were read. */
  read(maxBytes: number, consume?: (bytes: Uint8Array) => void): number;
  /** Write as much of `data` as fits; returns how many bytes were taken (0 when closed). */
  write(data: Uint8Array): number;
  /** Nothing more will be written: the end of stream follows the bytes already written. */
  close(): void;
  /** Tear the connection down at once (TCP RST). */
  abort(reason: string): void;
  handlers: ByteStreamHandlers;
}

/** Puts a stream on an accepted or connecting TCP connection; the stream owns its byte send buffer. */
export type StreamWrap = (conn: TcpConnection, sendBuffer: ByteSendBuffer) => ByteStream;

/** The callbacks TCP and TLS connections both take (each passes itself first). */
interface LayerCallbacks {
  established(): void;
  readable(): void;
  eof(): void;
  writable(): void;
  closed(layer: unknown, error: string | null): void;
}

/**
 * What every stream does with the layer underneath (TCP, or TLS): its callbacks become the stream's
 * events, and its end and close are remembered.
 */
export abstract class RelayingByteStream {
  handlers: ByteStreamHandlers = {};
  ended = false;
  protected closed = false;

  /** The callbacks to hand the connection underneath. */
  protected relay(): LayerCallbacks {
    return {
      established: () => this.handlers.established?.(),
      readable: () => this.handlers.readable?.(),
      eof: () => {
        this.ended = true;
        this.handlers.eof?.();
      },
      writable: () => this.handlers.writable?.(),
      closed: (_layer, error) => {
        this.closed = true;
        this.ended = true;
        this.handlers.closed?.(error);
      },
    };
  }
}

/** Plain TCP: the application's bytes are the segments' payload bytes, readable on every link. */
export class TcpByteStream extends RelayingByteStream implements ByteStream {
  readonly tcp: TcpConnection;
  private readonly sendBuffer: ByteSendBuffer;

  constructor(conn: TcpConnection, sendBuffer: ByteSendBuffer) {
    super();
    if (conn.sendBuffer !== sendBuffer) throw new Error('the stream must own the connection\'s byte send buffer');
    this.tcp = conn;
    this.sendBuffer = sendBuffer;
    conn.app = this.relay();
  }

  get readableBytes(): number {
    return this.tcp.readableBytes;
  }

  get writableBytes(): number {
    return this.closed || this.sendBuffer.complete ? 0 : this.sendBuffer.freeBytes;
  }

  read(maxBytes: number, consume?: (bytes: Uint8Array) => void): number {
    return this.tcp.read(maxBytes, consume);
  }

  write(data: Uint8Array): number {
    if (this.closed || this.sendBuffer.complete) return 0;
    const n = this.sendBuffer.write(data);
    if (n > 0) this.tcp.flush();
    return n;
  }

  close(): void {
    if (this.closed) return;
    if (!this.sendBuffer.complete) this.sendBuffer.finish();
    this.tcp.close();
  }

  abort(reason: string): void {
    this.tcp.abort(reason);
  }
}

export const plainTcp: StreamWrap = (conn, sendBuffer) => new TcpByteStream(conn, sendBuffer);
