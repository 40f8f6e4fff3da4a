// DNS over TCP (RFC 1035 §4.2.2, RFC 7766 §8): TCP is a byte stream with no message boundaries, so
// each message is preceded by a two-byte length field; the reader collects bytes until a whole
// message is there. Several messages may follow one another on one connection (queries pipelined by
// a client, the many messages of a zone transfer). Messages wait in an outbox while the connection's
// send buffer is full and go out as acknowledgments free it.

import type { TcpConnection } from '../../transport/tcp/connection.ts';
import type { ByteSendBuffer } from '../../transport/tcp/send-buffer.ts';
import { MAX_MESSAGE_BYTES } from './message.ts';

export const TCP_LENGTH_PREFIX_BYTES = 2;
/** Bytes a stream keeps waiting for the send buffer (a large zone transfer); more is refused. */
export const MAX_OUTBOX_BYTES = 8 << 20;

export class DnsTcpStream {
  readonly conn: TcpConnection;
  private readonly sendBuffer: ByteSendBuffer;
  private readonly onMessage: (message: Uint8Array) => void;
  /** Received bytes not yet part of a whole message: at most one prefix and one message. */
  private inbuf = new Uint8Array(0);
  private outbox: Uint8Array[] = [];
  private outboxBytes = 0;
  private closeWhenSent = false;
  messagesSent = 0;
  messagesReceived = 0;

  constructor(conn: TcpConnection, sendBuffer: ByteSendBuffer, onMessage: (message: Uint8Array) => void) {
    this.conn = conn;
    this.sendBuffer = sendBuffer;
    this.onMessage = onMessage;
  }

  /** Bytes became readable: take them all, then hand on every message they complete. */
  readable(): void {
    const chunks: Uint8Array[] = [];
    this.conn.read(Infinity, (bytes) => chunks.push(bytes.slice()));
    if (chunks.length === 0) return;
    let total = this.inbuf.length;
    for (const c of chunks) total += c.length;
    const all = new Uint8Array(total);
    all.set(this.inbuf, 0);
    let off = this.inbuf.length;
    for (const c of chunks) {
      all.set(c, off);
      off += c.length;
    }
    const messages: Uint8Array[] = [];
    let pos = 0;
    while (all.length - pos >= TCP_LENGTH_PREFIX_BYTES) {
      const length = (all[pos]! << 8) | all[pos + 1]!;
      if (all.length - pos - TCP_LENGTH_PREFIX_BYTES < length) break;
      messages.push(all.slice(pos + TCP_LENGTH_PREFIX_BYTES, pos + TCP_LENGTH_PREFIX_BYTES + length));
      pos += TCP_LENGTH_PREFIX_BYTES + length;
    }
    this.inbuf = all.slice(pos);
    // Handlers run after the read: they may write, close or open connections.
    for (const m of messages) {
      this.messagesReceived++;
      this.onMessage(m);
    }
  }

  /** Output still to go: queued here, or written and not yet acknowledged. */
  get sending(): boolean {
    return this.outbox.length > 0 || this.conn.sndUna < this.sendBuffer.endOff;
  }

  /** Bytes of a message still expected (0 between messages). */
  get partialBytes(): number {
    return this.inbuf.length;
  }

  /** Queue one message, length-prefixed. Returns false (and sends nothing) when the outbox is full. */
  send(message: Uint8Array): boolean {
    if (message.length > MAX_MESSAGE_BYTES) throw new RangeError(`a DNS message of ${message.length} bytes does not fit the 2-byte length`);
    if (this.closeWhenSent || this.outboxBytes + message.length + TCP_LENGTH_PREFIX_BYTES > MAX_OUTBOX_BYTES) return false;
    const framed = new Uint8Array(TCP_LENGTH_PREFIX_BYTES + message.length);
    framed[0] = message.length >>> 8;
    framed[1] = message.length & 0xff;
    framed.set(message, TCP_LENGTH_PREFIX_BYTES);
    this.outbox.push(framed);
    this.outboxBytes += framed.length;
    this.messagesSent++;
    this.pump();
    return true;
  }

  /** Acknowledgments freed send-buffer space. */
  writable(): void {
    this.pump();
  }

  /** Close our half once every queued message is in the send buffer (FIN follows the data). */
  close(): void {
    this.closeWhenSent = true;
    this.pump();
  }

  private pump(): void {
    let wrote = false;
    while (this.outbox.length > 0 && !this.sendBuffer.complete) {
      const head = this.outbox[0]!;
      const n = this.sendBuffer.write(head);
      if (n === 0) break;
      wrote = true;
      this.outboxBytes -= n;
      if (n === head.length) this.outbox.shift();
      else this.outbox[0] = head.slice(n);
    }
    if (this.outbox.length === 0 && this.closeWhenSent && !this.sendBuffer.complete) {
      this.sendBuffer.finish();
      this.conn.close();
      return;
    }
    if (wrote) this.conn.flush();
  }
}
