// One TLS 1.2 connection over a TcpConnection (RFC 5246; seed: TLS/SSL HandShake): the record layer
// (framing, AES-128-GCM protection once ChangeCipherSpec switches it on, alerts), the byte stream it
// offers the application, and what both handshake sides share. client.ts and server.ts hold the two
// handshake state machines.
//
// Cryptography costs the node CPU time (crypto-cost.ts): whatever a batch of input or an application
// write makes the connection do is computed at once, but everything anyone can observe — records
// handed to TCP, bytes handed to the application, trace events — is held back until the node's Cpu
// has spent the batch's cost. The Cpu runs work in order, so the stream's order is kept.

import type { Cpu } from '../../net/cpu.ts';
import type { Simulator } from '../../sim/simulator.ts';
import { nsToMs } from '../../sim/time.ts';
import type { TcpConnection } from '../../transport/tcp/connection.ts';
import type { ByteSendBuffer } from '../../transport/tcp/send-buffer.ts';
import { TcpState } from '../../transport/tcp/state.ts';
import { TlsDecodeError, toHex } from './bytes.ts';
import type { Certificate, CertificateProblem } from './certificate.ts';
import {
  ALERT_FATAL,
  ALERT_WARNING,
  ALERTS,
  CONTENT_ALERT,
  CONTENT_APPLICATION_DATA,
  CONTENT_CHANGE_CIPHER_SPEC,
  CONTENT_HANDSHAKE,
  HANDSHAKE_NAMES,
  MAX_PLAINTEXT_BYTES,
  alertName,
  cipherSuiteName,
  type AlertName,
} from './constants.ts';
import { CryptoMeter, type CryptoTotals } from './crypto-cost.ts';
import { HandshakeReader, encodeHandshake, parseHandshakeBody, type HandshakeMessage, type RawHandshake } from './handshake.ts';
import { keyBlock, masterSecret, type KeyBlock } from './prf.ts';
import { RecordReader, encodeRecord } from './record.ts';
import { RecordProtection } from './record-protection.ts';
import './decoder.ts'; // the packet inspector learns to show TLS records

export type TlsSide = 'client' | 'server';
export type TlsState = 'handshake' | 'established' | 'closed' | 'failed';

/** Why a handshake or connection failed, as the summary reports it. */
export interface TlsFailure {
  alert: string;
  reason: string;
  /** The handshake step (message name) at which it failed. */
  step: string;
  /** `local`: this side detected it and sent the alert; `peer`: the alert came from the other side. */
  by: 'local' | 'peer';
}

/** What the application above TLS is told (the same shape as TcpAppCallbacks). */
export interface SecureAppCallbacks {
  /** The handshake completed: application data may flow. */
  established?(tls: TlsConnection): void;
  readable?(tls: TlsConnection): void;
  /** The peer closed (close_notify, or its TCP FIN) and every byte before it is readable. */
  eof?(tls: TlsConnection): void;
  writable?(tls: TlsConnection): void;
  closed?(tls: TlsConnection, error: string | null): void;
}

export interface TlsEndpointContext {
  sim: Simulator;
  cpu: Cpu;
  nodeId: string;
  flowId: string | null;
}

/** Plaintext accepted from the application and not yet handed to TCP, at most. */
export const MAX_QUEUED_PLAINTEXT_BYTES = 256 * 1024;
/** Decrypted bytes waiting for the application to read, at most (beyond that TCP's window stops the peer). */
const MAX_READABLE_BYTES = 4 * 1024 * 1024;

interface Outgoing {
  bytes: Uint8Array;
  plaintextBytes: number;
}

export abstract class TlsConnection {
  readonly side: TlsSide;
  readonly tcp: TcpConnection;
  readonly sim: Simulator;
  readonly cpu: Cpu;
  readonly nodeId: string;
  readonly flowId: string | null;
  app: SecureAppCallbacks = {};
  state: TlsState = 'handshake';
  /** Public-key and symmetric work done by this endpoint. */
  readonly meter = new CryptoMeter();

  // Handshake facts, filled in as they happen.
  clientRandom: Uint8Array | null = null;
  serverRandom: Uint8Array | null = null;
  sessionId: Uint8Array | null = null;
  cipherSuite: number | null = null;
  serverName: string | null = null;
  /** The certificate the peer presented (the server's, or a client certificate), once parsed. */
  peerCertificate: Certificate | null = null;
  certificateProblem: CertificateProblem | null = null;
  /** A click-through browser's "Not secure" warning, or null. */
  warning: string | null = null;
  failure: TlsFailure | null = null;
  handshakeStartNs = -1;
  handshakeDoneNs = -1;
  /** Application bytes sent and received (plaintext). */
  plaintextSentBytes = 0;
  plaintextReceivedBytes = 0;
  recordsSent = 0;
  recordsReceived = 0;

  protected transcript: Uint8Array[] = [];
  protected master: Uint8Array | null = null;
  protected keys: KeyBlock | null = null;
  private readProtection: RecordProtection | null = null;
  private writeProtection: RecordProtection | null = null;
  /** True between ChangeCipherSpec received and the peer's Finished. */
  protected expectingFinished = false;
  private readonly records = new RecordReader();
  private readonly handshakeReader = new HandshakeReader();
  private readonly sendBuffer: ByteSendBuffer;
  private effects: Array<() => void> = [];
  private readonly outgoing: Outgoing[] = [];
  private queuedPlaintextBytes = 0;
  private writerBlocked = false;
  private readonly readable: Uint8Array[] = [];
  private readableTotal = 0;
  private closeRequested = false;
  private tcpCloseRequested = false;
  private closeWhenDrained = false;
  private peerClosed = false;
  private eofDelivered = false;

  constructor(ctx: TlsEndpointContext, side: TlsSide, tcp: TcpConnection, sendBuffer: ByteSendBuffer) {
    if (tcp.sendBuffer !== sendBuffer) throw new Error('TLS must own the TCP connection\'s byte send buffer');
    this.side = side;
    this.tcp = tcp;
    this.sim = ctx.sim;
    this.cpu = ctx.cpu;
    this.nodeId = ctx.nodeId;
    this.flowId = ctx.flowId;
    this.sendBuffer = sendBuffer;
    tcp.appKind = 'tls'; // its segments carry TLS records, whatever runs above
    tcp.app = {
      established: () => this.tcpEstablished(),
      readable: () => this.tcpReadable(),
      eof: () => this.tcpEof(),
      writable: () => this.tcpWritable(),
      closed: (_c, error) => this.tcpClosed(error),
    };
  }

  // ------------------------------------------------------------------ the application's byte stream

  /** Encrypt and send up to `data.length` bytes; returns how many were taken (0 until established). */
  write(data: Uint8Array): number {
    if (this.state !== 'established' || this.closeRequested) return 0;
    const n = Math.min(data.length, MAX_QUEUED_PLAINTEXT_BYTES - this.queuedPlaintextBytes);
    if (n < data.length) this.writerBlocked = true;
    for (let off = 0; off < n; off += MAX_PLAINTEXT_BYTES) {
      const chunk = data.subarray(off, Math.min(n, off + MAX_PLAINTEXT_BYTES));
      this.sendRecord(CONTENT_APPLICATION_DATA, chunk);
    }
    this.queuedPlaintextBytes += n;
    this.plaintextSentBytes += n;
    this.commit();
    return n;
  }

  /** Read up to `maxBytes` decrypted bytes; `consume` receives them. */
  read(maxBytes: number, consume?: (bytes: Uint8Array) => void): number {
    let n = 0;
    while (n < maxBytes && this.readable.length > 0) {
      const head = this.readable[0]!;
      const take = Math.min(head.length, maxBytes - n);
      consume?.(take === head.length ? head : head.subarray(0, take));
      if (take === head.length) this.readable.shift();
      else this.readable[0] = head.subarray(take);
      n += take;
    }
    this.readableTotal -= n;
    if (n > 0 && this.readableTotal < MAX_READABLE_BYTES && this.tcp.readableBytes > 0) this.tcpReadable();
    return n;
  }

  get readableBytes(): number {
    return this.readableTotal;
  }

  /** Plaintext a write would take now (0 until the handshake is done, or once closing). */
  get writableBytes(): number {
    if (this.state !== 'established' || this.closeRequested) return 0;
    return MAX_QUEUED_PLAINTEXT_BYTES - this.queuedPlaintextBytes;
  }

  /** The application is done: close_notify follows the data already written, then TCP closes. */
  close(): void {
    if (this.closeRequested) return;
    this.closeRequested = true;
    if (this.state === 'established') {
      this.sendAlert(ALERT_WARNING, 'close_notify');
      this.effects.push(() => this.closeTcpWhenDrained());
      this.commit();
    } else if (this.state === 'handshake') {
      this.tcp.abort('application closed during the TLS handshake');
    }
  }

  get handshakeMs(): number | null {
    return this.handshakeDoneNs >= 0 ? nsToMs(this.handshakeDoneNs - this.handshakeStartNs) : null;
  }

  get cryptoTotals(): CryptoTotals {
    return this.meter.totals;
  }

  // ------------------------------------------------------------------ what each side implements

  /** TCP is up (the client starts the handshake here). */
  protected abstract onTcpEstablished(): void;
  /** A handshake message arrived (decrypted if protection is on); `raw` is what the transcript gets. */
  protected abstract onHandshake(msg: HandshakeMessage, raw: Uint8Array): void;
  /** The peer's ChangeCipherSpec arrived: false if none is expected now, else wait for Finished. */
  protected abstract acceptChangeCipherSpec(): boolean;
  /** The name of the handshake message this side waits for (for failure reports). */
  protected abstract get waitingFor(): string;

  // ------------------------------------------------------------------ TCP events

  private tcpEstablished(): void {
    this.onTcpEstablished();
    this.commit();
  }

  private tcpReadable(): void {
    if (this.state === 'failed' || this.state === 'closed') {
      this.tcp.read(Infinity); // drain and discard: nothing more is processed after a fatal alert
      return;
    }
    if (this.readableTotal >= MAX_READABLE_BYTES) return; // the application is behind: let TCP's window fill
    this.tcp.read(Infinity, (bytes) => this.records.push(bytes));
    this.processRecords();
    this.commit();
  }

  private tcpEof(): void {
    this.tcpReadable();
    if (this.state === 'handshake') {
      this.fail('handshake_failure', 'the peer closed the TCP connection during the handshake');
      this.commit();
      return;
    }
    // A FIN without close_notify is a truncation; the application learns of the end all the same.
    this.effects.push(() => this.deliverEof());
    this.commit();
  }

  private tcpWritable(): void {
    this.flushOutgoing();
  }

  private tcpClosed(error: string | null): void {
    if (this.state === 'handshake') {
      this.failure ??= { alert: 'handshake_failure', reason: error ?? 'the TCP connection closed during the handshake', step: this.waitingFor, by: 'local' };
      this.state = 'failed';
    } else if (this.state === 'established') {
      this.state = 'closed';
    }
    // Whatever is still queued on the Cpu runs first, then the application hears of the end.
    const err = error ?? (this.failure === null ? null : `${this.failure.alert}: ${this.failure.reason}`);
    this.effects.push(() => this.app.closed?.(this, err));
    this.commit();
  }

  // ------------------------------------------------------------------ record layer, input

  private processRecords(): void {
    while (this.state === 'handshake' || this.state === 'established') {
      const rec = this.records.next();
      if (rec === null) return;
      if ('problem' in rec) {
        this.fail(rec.problem, `the byte stream holds no valid TLS record (${rec.problem})`);
        return;
      }
      this.recordsReceived++;
      let fragment = rec.fragment;
      if (this.readProtection !== null) {
        const opened = this.readProtection.open(this.meter, rec.contentType, rec.version, fragment);
        if (opened === null) {
          const why = this.state === 'handshake'
            ? `the ${this.waitingFor} record does not decrypt: the two sides derived different keys (the handshake was altered)`
            : 'a record failed its authentication tag (altered in flight)';
          this.fail('bad_record_mac', why);
          return;
        }
        fragment = opened;
      }
      switch (rec.contentType) {
        case CONTENT_HANDSHAKE:
          this.handshakeRecord(fragment);
          break;
        case CONTENT_CHANGE_CIPHER_SPEC:
          this.changeCipherSpecRecord(fragment);
          break;
        case CONTENT_ALERT:
          this.alertRecord(fragment);
          break;
        case CONTENT_APPLICATION_DATA:
          this.applicationDataRecord(fragment);
          break;
      }
    }
  }

  private handshakeRecord(fragment: Uint8Array): void {
    if (this.state !== 'handshake') {
      this.fail('unexpected_message', 'a handshake message after the handshake (renegotiation is not supported)');
      return;
    }
    this.handshakeReader.push(fragment);
    for (;;) {
      let raw: RawHandshake | null;
      let msg: HandshakeMessage;
      try {
        raw = this.handshakeReader.next();
        if (raw === null) return;
        msg = parseHandshakeBody(raw.type, raw.body);
      } catch (e) {
        if (!(e instanceof TlsDecodeError)) throw e;
        this.fail('decode_error', `malformed ${this.waitingFor}: ${e.message}`);
        return;
      }
      if (this.expectingFinished && msg.type !== 20) {
        this.fail('unexpected_message', `${HANDSHAKE_NAMES[msg.type]} where Finished belongs`);
        return;
      }
      this.onHandshake(msg, raw.raw);
      if (this.state !== 'handshake') return;
    }
  }

  private changeCipherSpecRecord(fragment: Uint8Array): void {
    if (fragment.length !== 1 || fragment[0] !== 1) {
      this.fail('decode_error', 'ChangeCipherSpec must be the single byte 1');
      return;
    }
    if (this.state !== 'handshake' || this.keys === null || !this.acceptChangeCipherSpec()) {
      this.fail('unexpected_message', `ChangeCipherSpec while waiting for ${this.waitingFor}`);
      return;
    }
    this.traceMessage('recv', 'ChangeCipherSpec', {});
    const k = this.keys;
    // From here on the peer's records are protected with the peer's write key.
    this.readProtection = this.side === 'client' ? new RecordProtection(k.serverWriteKey, k.serverWriteIv) : new RecordProtection(k.clientWriteKey, k.clientWriteIv);
    this.expectingFinished = true;
  }

  private alertRecord(fragment: Uint8Array): void {
    if (fragment.length !== 2) {
      this.fail('decode_error', 'an alert is two bytes: level and description');
      return;
    }
    const level = fragment[0]!;
    const description = fragment[1]!;
    const name = alertName(description);
    this.traceMessage('recv', 'Alert', { level: level === ALERT_FATAL ? 'fatal' : 'warning', description: name });
    if (description === ALERTS.close_notify) {
      this.peerClosed = true;
      this.effects.push(() => this.deliverEof());
      return;
    }
    if (level === ALERT_FATAL || this.state === 'handshake') {
      const step = this.state === 'handshake' ? this.waitingFor : 'application_data';
      this.failure = { alert: name, reason: `the ${this.side === 'client' ? 'server' : 'client'} sent a fatal ${name} alert`, step, by: 'peer' };
      this.state = 'failed';
      this.traceStep('failure', { alert: name, reason: this.failure.reason, at: step, by: 'peer' });
      this.effects.push(() => this.closeTcpWhenDrained());
    }
  }

  private applicationDataRecord(fragment: Uint8Array): void {
    if (this.state !== 'established') {
      this.fail('unexpected_message', `application data while waiting for ${this.waitingFor}`);
      return;
    }
    if (this.peerClosed) return; // nothing counts after close_notify
    if (fragment.length === 0) return;
    this.plaintextReceivedBytes += fragment.length;
    this.effects.push(() => {
      this.readable.push(fragment);
      this.readableTotal += fragment.length;
      this.app.readable?.(this);
    });
  }

  private deliverEof(): void {
    if (this.eofDelivered) return;
    this.eofDelivered = true;
    this.app.eof?.(this);
  }

  // ------------------------------------------------------------------ record layer, output

  /** Protect (if on) and queue one record; it reaches TCP when the CPU has done the work. */
  private sendRecord(contentType: number, plaintext: Uint8Array): void {
    const fragment = this.writeProtection === null ? plaintext : this.writeProtection.seal(this.meter, contentType, plaintext);
    const bytes = encodeRecord(contentType, fragment);
    const appBytes = contentType === CONTENT_APPLICATION_DATA ? plaintext.length : 0;
    this.recordsSent++;
    // Queued now, handed to TCP when the batch is done: a flight of records goes out in one write,
    // as a TLS library writes it, and TCP packs them into as few segments as it can.
    this.effects.push(() => this.outgoing.push({ bytes, plaintextBytes: appBytes }));
  }

  /** Send handshake messages, each in its own record, and add them to the transcript. */
  protected sendHandshake(msg: HandshakeMessage, fields: Record<string, unknown>): void {
    const raw = encodeHandshake(msg);
    this.transcript.push(raw);
    this.traceMessage('send', HANDSHAKE_NAMES[msg.type]!, { ...fields, length: raw.length - 4, encrypted: this.writeProtection !== null });
    this.sendRecord(CONTENT_HANDSHAKE, raw);
  }

  protected sendChangeCipherSpec(): void {
    if (this.keys === null) throw new Error('ChangeCipherSpec before keys');
    this.traceMessage('send', 'ChangeCipherSpec', {});
    this.sendRecord(CONTENT_CHANGE_CIPHER_SPEC, new Uint8Array([1]));
    const k = this.keys;
    this.writeProtection = this.side === 'client' ? new RecordProtection(k.clientWriteKey, k.clientWriteIv) : new RecordProtection(k.serverWriteKey, k.serverWriteIv);
  }

  private sendAlert(level: number, name: AlertName): void {
    this.traceMessage('send', 'Alert', { level: level === ALERT_FATAL ? 'fatal' : 'warning', description: name });
    this.sendRecord(CONTENT_ALERT, new Uint8Array([level, ALERTS[name]]));
  }

  private flushOutgoing(): void {
    if (this.tcpCloseRequested && this.outgoing.length > 0) return;
    const queuedBefore = this.queuedPlaintextBytes;
    while (this.outgoing.length > 0) {
      const head = this.outgoing[0]!;
      const taken = this.sendBuffer.write(head.bytes);
      if (taken < head.bytes.length) {
        head.bytes = head.bytes.subarray(taken);
        break;
      }
      this.outgoing.shift();
      this.queuedPlaintextBytes -= head.plaintextBytes;
    }
    this.tcp.flush();
    if (this.outgoing.length === 0 && this.closeWhenDrained) this.finishTcp();
    // Room opened up (records moved on into TCP): a writer that was refused, or that writes only
    // what `writableBytes` allows, hears of it.
    const freed = this.queuedPlaintextBytes < queuedBefore;
    if (this.state === 'established' && !this.closeRequested && (freed || (this.writerBlocked && this.queuedPlaintextBytes < MAX_QUEUED_PLAINTEXT_BYTES / 2))) {
      this.writerBlocked = false;
      this.app.writable?.(this);
    }
  }

  private closeTcpWhenDrained(): void {
    this.closeWhenDrained = true;
    if (this.outgoing.length === 0) this.finishTcp(); // else when the last record has gone to TCP
  }

  private finishTcp(): void {
    if (this.tcpCloseRequested) return;
    this.tcpCloseRequested = true;
    const st = this.tcp.state;
    if (st === TcpState.CLOSED) return;
    this.sendBuffer.finish();
    this.tcp.close();
  }

  // ------------------------------------------------------------------ shared handshake steps

  /** Hand the batch's effects to the node's CPU after the batch's cryptographic cost. */
  protected commit(): void {
    const costNs = this.meter.take();
    if (this.effects.length === 0 && costNs === 0) return;
    const batch = this.effects;
    this.effects = [];
    const done = this.cpu.run(costNs, () => {
      const queued = this.outgoing.length;
      for (const effect of batch) effect();
      if (this.outgoing.length !== queued || this.outgoing.length > 0) this.flushOutgoing();
    });
    if (done < 0) {
      // The node's processor is swamped: the work is refused and the connection cannot go on.
      this.state = 'failed';
      this.failure ??= { alert: 'internal_error', reason: `${this.nodeId}'s CPU queue is full`, step: this.waitingFor, by: 'local' };
      this.tcp.abort('CPU overloaded');
    }
  }

  /** A fatal error this side detected: alert, trace, close. */
  protected fail(alert: AlertName, reason: string): void {
    if (this.state === 'failed' || this.state === 'closed') return;
    const step = this.state === 'handshake' ? this.waitingFor : 'application_data';
    this.failure = { alert, reason, step, by: 'local' };
    this.traceStep('failure', { alert, reason, at: step, by: 'local' });
    this.sendAlert(ALERT_FATAL, alert);
    this.state = 'failed';
    this.effects.push(() => this.closeTcpWhenDrained());
  }

  /** master_secret and key_block from the pre-master secret (RFC 5246 §8.1, §6.3). */
  protected deriveKeys(preMaster: Uint8Array): void {
    const cr = this.clientRandom!;
    const sr = this.serverRandom!;
    this.master = masterSecret(this.meter, preMaster, cr, sr);
    this.keys = keyBlock(this.meter, this.master, cr, sr);
    this.traceStep('keys', {
      preMasterSecret: toHex(preMaster),
      masterSecret: toHex(this.master),
      clientWriteKey: toHex(this.keys.clientWriteKey),
      serverWriteKey: toHex(this.keys.serverWriteKey),
    });
  }

  protected transcriptBytes(): Uint8Array {
    let n = 0;
    for (const m of this.transcript) n += m.length;
    const out = new Uint8Array(n);
    let o = 0;
    for (const m of this.transcript) {
      out.set(m, o);
      o += m.length;
    }
    return out;
  }

  /** The handshake is complete on this side. */
  protected establish(): void {
    this.state = 'established';
    this.expectingFinished = false;
    this.effects.push(() => {
      this.handshakeDoneNs = this.sim.nowNs;
      this.emit('established', undefined, {
        cipherSuite: cipherSuiteName(this.cipherSuite!),
        handshakeMs: this.handshakeMs,
        warning: this.warning,
      });
      this.app.established?.(this);
    });
  }

  /** The random of a hello: gmt_unix_time (simulated seconds), then 28 bytes from the seeded PRNG. */
  protected makeRandom(): Uint8Array {
    const out = new Uint8Array(32);
    const seconds = Math.floor(this.sim.nowNs / 1e9);
    out[0] = seconds >>> 24;
    out[1] = (seconds >>> 16) & 0xff;
    out[2] = (seconds >>> 8) & 0xff;
    out[3] = seconds & 0xff;
    out.set(this.sim.prng.bytes(28), 4);
    return out;
  }

  // ------------------------------------------------------------------ trace

  protected traceMessage(dir: 'send' | 'recv', name: string, fields: Record<string, unknown>): void {
    this.effects.push(() => this.emit(name, dir, fields));
  }

  protected traceStep(step: string, fields: Record<string, unknown>): void {
    this.effects.push(() => this.emit(step, undefined, fields));
  }

  private emit(step: string, dir: 'send' | 'recv' | undefined, fields: Record<string, unknown>): void {
    const sim = this.sim;
    if (!sim.trace.enabled('tls')) return;
    sim.trace.emit({
      type: 'tls',
      t: sim.nowMs,
      node: this.nodeId,
      flow: this.flowId,
      side: this.side,
      step,
      ...(dir === undefined ? {} : { dir }),
      ...fields,
    });
  }

  /** Facts for a flow summary. */
  info(): Record<string, unknown> {
    const c = this.peerCertificate;
    const totals = this.meter.totals;
    return {
      state: this.state,
      version: 'TLS 1.2',
      cipherSuite: this.cipherSuite === null ? null : cipherSuiteName(this.cipherSuite),
      serverName: this.serverName,
      handshakeMs: this.handshakeMs,
      peerCertificate: c === null ? null : { subject: c.subject, issuer: c.issuer, serialNumber: toHex(c.serialNumber), publicKeyAlgorithm: c.publicKeyAlgorithm },
      certificateProblem: this.certificateProblem,
      warning: this.warning,
      failure: this.failure,
      recordsSent: this.recordsSent,
      recordsReceived: this.recordsReceived,
      cpu: {
        publicKeyOps: totals.publicKeyOps,
        publicKeyMs: nsToMs(totals.publicKeyNs),
        symmetricOps: totals.symmetricOps,
        symmetricBytes: totals.symmetricBytes,
        symmetricMs: nsToMs(totals.symmetricNs),
      },
    };
  }
}
