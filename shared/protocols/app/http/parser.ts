// An incremental HTTP/1.1 message parser (RFC 9112 §2-§6): bytes arrive as TCP hands them over — a
// request split over several segments, several pipelined requests in one segment, a body trickling in
// byte by byte — and complete messages come out in order. Framing follows RFC 9112 §6.3: a request's
// body is Content-Length bytes (none without it); a response's body is Content-Length bytes, none
// for HEAD, 1xx, 204 and 304, else everything until the connection closes. Chunked transfer coding
// is not implemented: a request using it is answered 501, as §6.1 allows.
//
// Malformed input is expected input: the parser never throws on bytes, it stops and reports the
// status a server answers with (400, 413, 414, 431, 501, 505) and the reason.

import {
  MAX_BODY_BYTES,
  MAX_HEAD_BYTES,
  MAX_HEADER_FIELDS,
  MAX_TARGET_CHARS,
  headerValue,
  isFieldValue,
  isToken,
  targetPath,
  type HttpHeader,
  type HttpRequest,
  type HttpResponse,
  type HttpVersion,
} from './message.ts';

export interface HttpParseError {
  /** The status a server answers with (a client treats any error as a broken response). */
  status: number;
  reason: string;
}

const CR = 0x0d;
const LF = 0x0a;
/** Empty lines tolerated before a request line (RFC 9112 §2.2), at most. */
const MAX_LEADING_EMPTY_LINES = 8;

type Phase = 'head' | 'body' | 'until-close' | 'error';

abstract class MessageParser<M> {
  private buf = new Uint8Array(1024);
  private len = 0;
  /** Where the search for the end of the head resumes (bytes before it hold no CRLFCRLF). */
  private scanFrom = 0;
  protected phase: Phase = 'head';
  private leadingEmptyLines = 0;
  /** Head of the message whose body is being read, and how many body bytes it needs. */
  private pendingHead: { headBytes: number; build: (body: Uint8Array, wireBytes: number) => M } | null = null;
  private bodyBytes = 0;
  error: HttpParseError | null = null;
  protected readonly maxBodyBytes: number;

  constructor(maxBodyBytes = MAX_BODY_BYTES) {
    this.maxBodyBytes = maxBodyBytes;
  }

  /** Bytes received and not yet part of a returned message. */
  get bufferedBytes(): number {
    return this.len;
  }

  /** True while part of a message has arrived but not all of it. */
  get midMessage(): boolean {
    return this.phase === 'body' || this.phase === 'until-close' || (this.phase === 'head' && this.len > 0);
  }

  /** Append bytes from the stream. */
  push(bytes: Uint8Array): void {
    if (this.phase === 'error' || bytes.length === 0) return;
    if (this.len + bytes.length > this.buf.length) {
      let size = this.buf.length;
      while (size < this.len + bytes.length) size *= 2;
      const grown = new Uint8Array(size);
      grown.set(this.buf.subarray(0, this.len));
      this.buf = grown;
    }
    this.buf.set(bytes, this.len);
    this.len += bytes.length;
  }

  /** The next complete message, or null (more bytes needed, or `error` is set). */
  next(): M | null {
    if (this.phase === 'head') {
      this.skipLeadingEmptyLines();
      if (this.phase !== 'head') return null;
      const end = this.findHeadEnd();
      if (end < 0) {
        if (this.len > MAX_HEAD_BYTES) this.fail(this.headTooLarge(), 'header section larger than 8192 bytes');
        return null;
      }
      if (end > MAX_HEAD_BYTES) {
        this.fail(this.headTooLarge(), 'header section larger than 8192 bytes');
        return null;
      }
      const head = latin1(this.buf.subarray(0, end - 4));
      const parsed = this.parseHead(head.split('\r\n'), end);
      if (parsed === null) return null;
      this.pendingHead = { headBytes: end, build: parsed.build };
      this.bodyBytes = parsed.bodyBytes;
      this.phase = parsed.bodyBytes < 0 ? 'until-close' : 'body';
    }
    if (this.phase === 'body' && this.pendingHead !== null) {
      const total = this.pendingHead.headBytes + this.bodyBytes;
      if (this.len < total) return null;
      const body = this.buf.slice(this.pendingHead.headBytes, total);
      const message = this.pendingHead.build(body, total);
      this.consume(total);
      this.pendingHead = null;
      this.phase = 'head';
      return message;
    }
    if (this.phase === 'until-close' && this.len - (this.pendingHead?.headBytes ?? 0) > this.maxBodyBytes) {
      this.fail(413, `body larger than ${this.maxBodyBytes} bytes`);
    }
    return null;
  }

  /** The stream ended (FIN): a response read until close is complete now; anything else partial is an error. */
  end(): M | null {
    if (this.phase === 'until-close' && this.pendingHead !== null) {
      const h = this.pendingHead;
      const message = h.build(this.buf.slice(h.headBytes, this.len), this.len);
      this.consume(this.len);
      this.pendingHead = null;
      this.phase = 'head';
      return message;
    }
    if (this.midMessage && this.phase !== 'error') this.fail(400, 'connection closed in the middle of a message');
    return null;
  }

  protected abstract parseHead(lines: string[], headBytes: number): { bodyBytes: number; build: (body: Uint8Array, wireBytes: number) => M } | null;
  protected abstract headTooLarge(): number;

  protected fail(status: number, reason: string): null {
    this.error = { status, reason };
    this.phase = 'error';
    return null;
  }

  /** Header fields (RFC 9112 §5): name ":" OWS value OWS; no whitespace before the colon, no folding. */
  protected parseFields(lines: string[]): HttpHeader[] | null {
    if (lines.length > MAX_HEADER_FIELDS) return this.fail(431, `more than ${MAX_HEADER_FIELDS} header fields`);
    const headers: HttpHeader[] = [];
    for (const line of lines) {
      if (line.includes('\n') || line.includes('\r')) return this.fail(400, 'bare CR or LF in the header section');
      if (line.startsWith(' ') || line.startsWith('\t')) return this.fail(400, 'obsolete line folding');
      const colon = line.indexOf(':');
      if (colon <= 0) return this.fail(400, `header line without a field name: ${JSON.stringify(line.slice(0, 40))}`);
      const name = line.slice(0, colon);
      if (!isToken(name)) return this.fail(400, `invalid field name ${JSON.stringify(name.slice(0, 40))}`);
      const value = line.slice(colon + 1).replace(/^[ \t]+|[ \t]+$/g, '');
      // RFC 9110 §5.5: no control characters (other than HTAB) in a field value.
      if (!isFieldValue(value)) return this.fail(400, `control character in the value of ${name}`);
      headers.push({ name, value });
    }
    return headers;
  }

  /** Content-Length (RFC 9112 §6.3): -1 when absent; null (error set) when invalid or too large. */
  protected contentLength(headers: HttpHeader[]): number | null {
    let value: string | null = null;
    for (const h of headers) {
      if (h.name.toLowerCase() !== 'content-length') continue;
      for (const part of h.value.split(',')) {
        const v = part.trim();
        if (!/^\d{1,15}$/.test(v)) return this.fail(400, `invalid Content-Length ${JSON.stringify(h.value.slice(0, 40))}`);
        if (value !== null && Number(v) !== Number(value)) return this.fail(400, 'conflicting Content-Length values');
        value = v;
      }
    }
    if (value === null) return -1;
    const n = Number(value);
    if (n > this.maxBodyBytes) return this.fail(413, `body of ${n} bytes is larger than ${this.maxBodyBytes}`);
    return n;
  }

  private skipLeadingEmptyLines(): void {
    while (this.len >= 2 && this.buf[0] === CR && this.buf[1] === LF) {
      if (++this.leadingEmptyLines > MAX_LEADING_EMPTY_LINES) {
        this.fail(400, 'too many empty lines before the start line');
        return;
      }
      this.consume(2);
    }
  }

  /** Offset just past the CRLFCRLF that ends the head, or -1. */
  private findHeadEnd(): number {
    const buf = this.buf;
    for (let i = Math.max(3, this.scanFrom); i < this.len; i++) {
      if (buf[i] === LF && buf[i - 1] === CR && buf[i - 2] === LF && buf[i - 3] === CR) return i + 1;
    }
    this.scanFrom = this.len;
    return -1;
  }

  private consume(n: number): void {
    this.buf.copyWithin(0, n, this.len);
    this.len -= n;
    this.scanFrom = 0;
    if (this.phase === 'head') this.leadingEmptyLines = 0;
  }
}

function latin1(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 4096) s += String.fromCharCode(...bytes.subarray(i, i + 4096));
  return s;
}

function version(major: string, minor: string): HttpVersion | null {
  if (major === '1' && minor === '1') return 'HTTP/1.1';
  if (major === '1' && minor === '0') return 'HTTP/1.0';
  return null;
}

/** Reads requests, as a server does. */
export class RequestParser extends MessageParser<HttpRequest> {
  protected headTooLarge(): number {
    return 431;
  }

  protected parseHead(lines: string[]): { bodyBytes: number; build: (body: Uint8Array, wireBytes: number) => HttpRequest } | null {
    const requestLine = lines[0] ?? '';
    const m = /^(\S+) (\S+) HTTP\/(\d)\.(\d)$/.exec(requestLine);
    if (m === null) {
      if (requestLine.length > MAX_TARGET_CHARS) return this.fail(414, 'request line too long');
      return this.fail(400, `malformed request line ${JSON.stringify(requestLine.slice(0, 60))}`);
    }
    const [, method, target, major, minor] = m as unknown as [string, string, string, string, string];
    if (!isToken(method)) return this.fail(400, `invalid method ${JSON.stringify(method.slice(0, 20))}`);
    if (target.length > MAX_TARGET_CHARS) return this.fail(414, `request-target longer than ${MAX_TARGET_CHARS} characters`);
    if (!target.startsWith('/') && !/^https?:\/\//i.test(target) && !(target === '*' && method === 'OPTIONS')) {
      return this.fail(400, `request-target ${JSON.stringify(target.slice(0, 60))} is not origin-form or absolute-form`);
    }
    const v = version(major, minor);
    if (v === null) return this.fail(505, `HTTP/${major}.${minor} is not supported`);
    const headers = this.parseFields(lines.slice(1));
    if (headers === null) return null;
    // RFC 9112 §3.2: an HTTP/1.1 request carries exactly one Host field.
    const hosts = headers.filter((h) => h.name.toLowerCase() === 'host').length;
    if (v === 'HTTP/1.1' && hosts !== 1) return this.fail(400, hosts === 0 ? 'HTTP/1.1 request without Host' : 'more than one Host field');
    if (headerValue(headers, 'transfer-encoding') !== null) return this.fail(501, 'Transfer-Encoding is not implemented');
    const length = this.contentLength(headers);
    if (length === null) return null;
    const bodyBytes = Math.max(0, length);
    return {
      bodyBytes,
      build: (body, wireBytes) => ({ method, target, path: targetPath(target), version: v, headers, body, wireBytes }),
    };
  }
}

/** Reads responses, as a client does; it must be told which request each response answers (HEAD has no body). */
export class ResponseParser extends MessageParser<HttpResponse> {
  private readonly requestMethods: string[] = [];

  /** A request was sent: its response comes next (after those of earlier requests). */
  expectResponseTo(method: string): void {
    this.requestMethods.push(method);
  }

  protected headTooLarge(): number {
    return 502;
  }

  protected parseHead(lines: string[]): { bodyBytes: number; build: (body: Uint8Array, wireBytes: number) => HttpResponse } | null {
    const statusLine = lines[0] ?? '';
    const m = /^HTTP\/(\d)\.(\d) (\d{3})(?: (.*))?$/.exec(statusLine);
    if (m === null) return this.fail(502, `malformed status line ${JSON.stringify(statusLine.slice(0, 60))}`);
    const [, major, minor, code, reason] = m as unknown as [string, string, string, string, string | undefined];
    const v = version(major, minor);
    if (v === null) return this.fail(502, `HTTP/${major}.${minor} response`);
    const status = Number(code);
    const headers = this.parseFields(lines.slice(1));
    if (headers === null) return null;
    const method = this.requestMethods[0] ?? 'GET';
    // 1xx interim responses precede the final one and do not answer the request (RFC 9110 §15.2).
    if (status >= 200) this.requestMethods.shift();
    const bodyless = method === 'HEAD' || status < 200 || status === 204 || status === 304;
    let bodyBytes = 0;
    if (!bodyless) {
      if (headerValue(headers, 'transfer-encoding') !== null) return this.fail(502, 'chunked responses are not implemented');
      const length = this.contentLength(headers);
      if (length === null) return null;
      bodyBytes = length; // -1: until the connection closes
    }
    return {
      bodyBytes,
      build: (body, wireBytes) => ({ version: v, status, reason: reason ?? '', headers, body, wireBytes }),
    };
  }
}
