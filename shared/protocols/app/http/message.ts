// HTTP/1.1 messages as bytes on the wire (RFC 9112 message syntax, RFC 9110 semantics; seed: HTTP —
// "HTTP exchanges text, so whoever intercepts the signal reads the content"). A request is a request
// line (method SP request-target SP HTTP-version CRLF), header fields (name ":" OWS value OWS CRLF),
// an empty line and a body whose length Content-Length gives; a response starts with a status line
// (HTTP-version SP status-code SP reason-phrase CRLF). This module only encodes and names things;
// parser.ts reads them back from a byte stream.

export const HTTP_VERSION = 'HTTP/1.1';
export type HttpVersion = 'HTTP/1.0' | 'HTTP/1.1';

/** Methods the engine's clients send and its servers route (others are answered 405 or 501). */
export const HTTP_METHODS = ['GET', 'POST', 'HEAD', 'PUT', 'DELETE', 'OPTIONS'] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

// Limits on what a parser accepts (and so on what anyone can make the engine buffer).
/** Request line or status line plus every header field, CRLFs included (nginx's default is 8 KiB). */
export const MAX_HEAD_BYTES = 8192;
export const MAX_HEADER_FIELDS = 100;
/** Largest body a server accepts or a client reads (413 Content Too Large beyond). */
export const MAX_BODY_BYTES = 1 << 20;
export const MAX_TARGET_CHARS = 2048;

export interface HttpHeader {
  name: string;
  value: string;
}

export interface HttpRequest {
  method: string;
  /** The request-target as sent (origin-form "/path?query", or absolute-form). */
  target: string;
  /** The path part of the target, without query ("/login"). */
  path: string;
  version: HttpVersion;
  headers: HttpHeader[];
  body: Uint8Array;
  /** Bytes the message occupied on the stream (head and body). */
  wireBytes: number;
}

export interface HttpResponse {
  version: HttpVersion;
  status: number;
  reason: string;
  headers: HttpHeader[];
  body: Uint8Array;
  wireBytes: number;
}

/** RFC 9110 §15 reason phrases for the status codes the engine uses. */
export const REASON_PHRASES: Readonly<Record<number, string>> = {
  200: 'OK',
  201: 'Created',
  202: 'Accepted',
  204: 'No Content',
  301: 'Moved Permanently',
  302: 'Found',
  303: 'See Other',
  304: 'Not Modified',
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  408: 'Request Timeout',
  411: 'Length Required',
  413: 'Content Too Large',
  414: 'URI Too Long',
  431: 'Request Header Fields Too Large',
  500: 'Internal Server Error',
  501: 'Not Implemented',
  503: 'Service Unavailable',
  505: 'HTTP Version Not Supported',
};

export function reasonPhrase(status: number): string {
  return REASON_PHRASES[status] ?? '';
}

/** RFC 9110 §5.6.2 token characters (method names, header field names). */
const TCHAR = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
export function isToken(s: string): boolean {
  return TCHAR.test(s);
}

/** A field value may hold visible characters, spaces and tabs, never CR or LF (no header injection). */
export function isFieldValue(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if ((c < 0x20 && c !== 0x09) || c === 0x7f || c > 0xff) return false;
  }
  return true;
}

/** The first value of a header field, by case-insensitive name (RFC 9110 §5.1), or null. */
export function headerValue(headers: readonly HttpHeader[], name: string): string | null {
  const lower = name.toLowerCase();
  for (const h of headers) if (h.name.toLowerCase() === lower) return h.value;
  return null;
}

/** Whether the Connection field lists `option` (a comma-separated, case-insensitive list). */
export function connectionHas(headers: readonly HttpHeader[], option: string): boolean {
  const lower = option.toLowerCase();
  for (const h of headers) {
    if (h.name.toLowerCase() !== 'connection') continue;
    for (const part of h.value.split(',')) if (part.trim().toLowerCase() === lower) return true;
  }
  return false;
}

/**
 * RFC 9112 §9.3: does the connection persist after this message? HTTP/1.1 persists unless
 * "Connection: close"; HTTP/1.0 only with "Connection: keep-alive".
 */
export function persists(version: HttpVersion, headers: readonly HttpHeader[]): boolean {
  if (connectionHas(headers, 'close')) return false;
  return version === 'HTTP/1.1' || connectionHas(headers, 'keep-alive');
}

const encoder = new TextEncoder();

/** Latin-1 bytes of header text (field values are octets; the engine only writes ASCII). */
function latin1(text: string): Uint8Array {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i) & 0xff;
  return out;
}

export function utf8(text: string): Uint8Array {
  return encoder.encode(text);
}

function assemble(startLine: string, headers: readonly HttpHeader[], body: Uint8Array): Uint8Array {
  let head = `${startLine}\r\n`;
  for (const h of headers) {
    if (!isToken(h.name) || !isFieldValue(h.value)) throw new Error(`invalid header field ${JSON.stringify(h.name)}`);
    head += `${h.name}: ${h.value}\r\n`;
  }
  head += '\r\n';
  const headBytes = latin1(head);
  const out = new Uint8Array(headBytes.length + body.length);
  out.set(headBytes, 0);
  out.set(body, headBytes.length);
  return out;
}

/** Encode a request; the caller supplies every header (Host, Content-Length, ...) in order. */
export function encodeRequest(method: string, target: string, headers: readonly HttpHeader[], body: Uint8Array = new Uint8Array(0)): Uint8Array {
  if (!isToken(method)) throw new Error(`invalid method ${JSON.stringify(method)}`);
  if (target.length === 0 || /[\s]/.test(target)) throw new Error(`invalid request-target ${JSON.stringify(target)}`);
  return assemble(`${method} ${target} ${HTTP_VERSION}`, headers, body);
}

/** Encode a response with its status line. */
export function encodeResponse(status: number, headers: readonly HttpHeader[], body: Uint8Array = new Uint8Array(0)): Uint8Array {
  if (!Number.isInteger(status) || status < 100 || status > 999) throw new Error(`invalid status ${status}`);
  return assemble(`${HTTP_VERSION} ${status} ${reasonPhrase(status)}`, headers, body);
}

const DAYS = ['Thu', 'Fri', 'Sat', 'Sun', 'Mon', 'Tue', 'Wed'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/**
 * RFC 9110 §5.6.7 IMF-fixdate of a simulated instant, counting from the Unix epoch (the simulation
 * starts at 1970-01-01 00:00:00 GMT), so the Date field is real and the same in every run.
 */
export function httpDate(simMs: number): string {
  const totalS = Math.floor(simMs / 1000);
  const days = Math.floor(totalS / 86400);
  const secs = totalS % 86400;
  // Civil date from days since the epoch (Howard Hinnant's algorithm).
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  const y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  const two = (n: number) => String(n).padStart(2, '0');
  const hh = Math.floor(secs / 3600);
  const mm = Math.floor((secs % 3600) / 60);
  const ss = secs % 60;
  return `${DAYS[days % 7]}, ${two(d)} ${MONTHS[m - 1]} ${y} ${two(hh)}:${two(mm)}:${two(ss)} GMT`;
}

/** The path of a request-target: origin-form "/a/b?q" → "/a/b"; absolute-form "http://h/a" → "/a". */
export function targetPath(target: string): string {
  let t = target;
  const scheme = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^/?#]*/.exec(t);
  if (scheme !== null) t = t.slice(scheme[0].length) || '/';
  const q = t.search(/[?#]/);
  return q >= 0 ? t.slice(0, q) : t;
}
