// The `detail` of a notable event (docs/protocol.md, "Notable events"): one short string per entry in
// the synchronised state and the results file, written by the server's event log and read back by
// clients into the event it stands for. Both sides go through this codec, so the format is defined
// once.
//
// Formats by event type: `drop` the reason; `state` `<side>:<state>`; `rto`, `fast-retransmit` and
// `probe` the side; `window` `zero` or `open` for the server end's window, `client:zero` or
// `client:open` for the client end's (a later addition: the bare words keep their meaning);
// `video` `skipped` (the first frame's number is the entry's `packet`); `fault` the fault kind;
// `command` `hold` or `duplicate`;
// `failover` the balancer that gave the VIP up; `lb-assign` the backend or `refused`; `lb-health`
// `<backend>:up|down`; `tls` `established`, `warning`, `failure:<alert>` or
// `send:<message>:<argument>`; `dns` and `http` fields separated by `|` (a DNS name holds none; an
// HTTP path may, so it comes last).

export type NotableDetail =
  | { type: 'drop'; reason: string }
  | { type: 'state'; side: 'client' | 'server'; to: string }
  | { type: 'rto' | 'fast-retransmit' | 'probe'; side: 'client' | 'server' }
  | { type: 'window'; side: 'client' | 'server'; event: 'zero' | 'open' }
  | { type: 'video'; status: 'skipped' }
  | { type: 'fault'; kind: string }
  | { type: 'command'; action: string }
  | { type: 'failover'; from: string }
  | { type: 'lb-assign'; backend: string | null }
  | { type: 'lb-health'; backend: string; up: boolean }
  | { type: 'http'; what: 'answer'; status: number; method: string; path: string }
  | { type: 'http'; what: 'failed'; reason: string; method: string; path: string }
  | { type: 'dns'; what: 'retry'; name: string; attempt: number; timeoutMs: number }
  | { type: 'dns'; what: 'timeout-tcp' | 'truncated'; name: string }
  | { type: 'dns'; what: 'give-up'; name: string; reason: string }
  | { type: 'dns'; what: 'error'; name: string; rcode: string }
  | { type: 'dns'; what: 'query'; name: string; qtype: string }
  | { type: 'dns'; what: 'cut'; name: string; answers: number }
  | { type: 'dns'; what: 'answer'; name: string; answers: number; ms: number; transport: 'udp' | 'tcp' }
  | { type: 'tls'; what: 'established' | 'warning' }
  | { type: 'tls'; what: 'failure'; alert: string }
  | { type: 'tls'; what: 'send'; message: string; arg: string };

export type NotableType = NotableDetail['type'];

const TYPES: ReadonlySet<string> = new Set<NotableType>(['drop', 'state', 'rto', 'fast-retransmit', 'probe', 'window', 'video', 'fault', 'command', 'failover', 'lb-assign', 'lb-health', 'http', 'dns', 'tls']);

/** Whether this codec knows entries of `type` (a newer server may send others). */
export function isNotableType(type: string): type is NotableType {
  return TYPES.has(type);
}

/** `|` separates fields: a field's own `|` (an engine reason, in principle) becomes `/`. */
const field = (s: string): string => s.replaceAll('|', '/');

export function encodeDetail(d: NotableDetail): string {
  switch (d.type) {
    case 'drop':
      return d.reason;
    case 'state':
      return `${d.side}:${d.to}`;
    case 'rto':
    case 'fast-retransmit':
    case 'probe':
      return d.side;
    case 'window':
      return d.side === 'client' ? `client:${d.event}` : d.event;
    case 'video':
      return d.status;
    case 'fault':
      return d.kind;
    case 'command':
      return d.action;
    case 'failover':
      return d.from;
    case 'lb-assign':
      return d.backend ?? 'refused';
    case 'lb-health':
      return `${d.backend}:${d.up ? 'up' : 'down'}`;
    case 'http':
      return d.what === 'answer'
        ? `answer|${d.status}|${field(d.method)}|${d.path}`
        : `failed|${field(d.reason)}|${field(d.method)}|${d.path}`;
    case 'dns':
      switch (d.what) {
        case 'retry':
          return `retry|${field(d.name)}|${d.attempt}|${d.timeoutMs}`;
        case 'give-up':
          return `give-up|${field(d.name)}|${field(d.reason)}`;
        case 'error':
          return `error|${field(d.name)}|${field(d.rcode)}`;
        case 'query':
          return `query|${field(d.name)}|${field(d.qtype)}`;
        case 'cut':
          return `cut|${field(d.name)}|${d.answers}`;
        case 'answer':
          return `answer|${field(d.name)}|${d.answers}|${d.ms}|${d.transport}`;
        default:
          return `${d.what}|${field(d.name)}`;
      }
    case 'tls':
      if (d.what === 'failure') return `failure:${d.alert}`;
      if (d.what === 'send') return `send:${d.message}:${d.arg}`;
      return d.what;
  }
}

/** The detail of an entry of `type`, or null when the type or the detail is not one this codec knows (a newer server). */
export function decodeDetail(type: string, detail: string): NotableDetail | null {
  switch (type) {
    case 'drop':
      return { type, reason: detail };
    case 'state': {
      const colon = detail.indexOf(':');
      if (colon < 0) return null;
      return { type, side: detail.slice(0, colon) === 'server' ? 'server' : 'client', to: detail.slice(colon + 1) };
    }
    case 'rto':
    case 'fast-retransmit':
    case 'probe':
      return { type, side: detail === 'server' ? 'server' : 'client' };
    case 'window': {
      const client = detail.startsWith('client:');
      const event = client ? detail.slice('client:'.length) : detail;
      return { type, side: client ? 'client' : 'server', event: event === 'zero' ? 'zero' : 'open' };
    }
    case 'video':
      return detail === 'skipped' ? { type, status: detail } : null;
    case 'fault':
      return { type, kind: detail };
    case 'command':
      return { type, action: detail };
    case 'failover':
      return { type, from: detail };
    case 'lb-assign':
      return { type, backend: detail === 'refused' ? null : detail };
    case 'lb-health': {
      const colon = detail.lastIndexOf(':');
      if (colon < 0) return null;
      return { type, backend: detail.slice(0, colon), up: detail.slice(colon + 1) === 'up' };
    }
    case 'http': {
      const [what, arg = '', method = '', ...path] = detail.split('|');
      if (what === 'answer') return { type, what, status: Number(arg), method, path: path.join('|') };
      if (what === 'failed') return { type, what, reason: arg, method, path: path.join('|') };
      return null;
    }
    case 'dns': {
      const [what, name = '', a = '', b = '', c = ''] = detail.split('|');
      switch (what) {
        case 'retry':
          return { type, what, name, attempt: Number(a), timeoutMs: Number(b) };
        case 'timeout-tcp':
        case 'truncated':
          return { type, what, name };
        case 'give-up':
          return { type, what, name, reason: a };
        case 'error':
          return { type, what, name, rcode: a };
        case 'query':
          return { type, what, name, qtype: a };
        case 'cut':
          return { type, what, name, answers: Number(a) };
        case 'answer':
          return { type, what, name, answers: Number(a), ms: Number(b), transport: c === 'tcp' ? 'tcp' : 'udp' };
        default:
          return null;
      }
    }
    case 'tls': {
      if (detail === 'established' || detail === 'warning') return { type, what: detail };
      if (detail.startsWith('failure:')) return { type, what: 'failure', alert: detail.slice('failure:'.length) };
      if (detail.startsWith('send:')) {
        const rest = detail.slice('send:'.length);
        const colon = rest.indexOf(':');
        return colon < 0 ? { type, what: 'send', message: rest, arg: '' } : { type, what: 'send', message: rest.slice(0, colon), arg: rest.slice(colon + 1) };
      }
      return null;
    }
    default:
      return null;
  }
}
