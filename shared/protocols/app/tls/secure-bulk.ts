// A bulk upload over TLS (`app: "bulk"` with a `tls` object): once the handshake completes the client
// writes `bytes` of the flow's byte pattern as fast as TLS takes them, each record sealed with
// AES-128-GCM, then sends close_notify; the server opens every record, reads (checking each byte
// against the pattern with `verify`) and closes when the client has. The handshake's public-key work
// against the bulk's per-byte symmetric work is the seed's hybrid design in numbers.

import { hashString } from '../bulk.ts';
import type { FlowContext } from '../flow.ts';
import { PatternSource } from '../../net/payload.ts';
import type { TlsClient } from './client.ts';
import { MAX_PLAINTEXT_BYTES } from './constants.ts';
import { SecureFlow, type SecureApp } from './secure-flow.ts';
import type { TlsServer } from './server.ts';

/** Without `bytes`, a secure bulk flow sends this much (an unlimited stream would never show its end). */
export const DEFAULT_SECURE_BULK_BYTES = 1_000_000;

export class SecureBulk implements SecureApp {
  private readonly pattern: PatternSource;
  private readonly totalBytes: number;
  private readonly verify: boolean;
  flow: SecureFlow | null = null;
  private sentBytes = 0;
  deliveredBytes = 0;
  verifiedBytes = 0;
  mismatchedBytes = 0;
  completed = false;
  private stopped = false;

  constructor(ctx: FlowContext) {
    this.pattern = new PatternSource(hashString(ctx.spec.id));
    this.totalBytes = ctx.spec.bytes ?? DEFAULT_SECURE_BULK_BYTES;
    this.verify = ctx.spec.verify;
  }

  client(tls: TlsClient): void {
    const pump = () => {
      while (!this.stopped && this.sentBytes < this.totalBytes) {
        const n = Math.min(MAX_PLAINTEXT_BYTES, this.totalBytes - this.sentBytes);
        const chunk = new Uint8Array(n);
        this.pattern.fill(this.sentBytes, chunk);
        const taken = tls.write(chunk);
        this.sentBytes += taken;
        if (taken < n) return; // TLS is full: `writable` resumes
      }
      tls.close();
    };
    tls.app = {
      established: pump,
      writable: pump,
      readable: (t) => void t.read(Infinity),
    };
  }

  /** The sending application stops: what is written goes out, then close_notify. */
  stop(tls: TlsClient | null): void {
    this.stopped = true;
    tls?.close();
  }

  server(tls: TlsServer): void {
    const consume = (bytes: Uint8Array) => {
      if (this.verify) {
        let off = this.deliveredBytes;
        for (const b of bytes) {
          if (b === this.pattern.byteAt(off++)) this.verifiedBytes++;
          else this.mismatchedBytes++;
        }
      }
      this.deliveredBytes += bytes.length;
    };
    tls.app = {
      readable: (t) => void t.read(Infinity, consume),
      eof: (t) => {
        t.read(Infinity, consume);
        if (this.deliveredBytes >= this.totalBytes) {
          this.completed = true;
          this.flow?.markCompleted();
        }
        t.close();
      },
    };
  }

  summary(): Record<string, unknown> {
    return this.verify ? { verifiedBytes: this.verifiedBytes, mismatchedBytes: this.mismatchedBytes } : {};
  }
}

/** A bulk flow with a `tls` object. */
export function secureBulkFlow(ctx: FlowContext): SecureFlow {
  const app = new SecureBulk(ctx);
  const flow = new SecureFlow(ctx, app);
  app.flow = flow;
  return flow;
}
