// The detail strings of notable events: the format docs/protocol.md documents, written by the
// server's event log and read back by clients through one codec.

import { describe, expect, test } from 'vitest';
import { decodeDetail, encodeDetail, isNotableType, type NotableDetail } from '../../shared/messages/notable-detail.ts';

const CASES: Array<[NotableDetail, string]> = [
  [{ type: 'drop', reason: 'queue-full' }, 'queue-full'],
  [{ type: 'state', side: 'server', to: 'CLOSE_WAIT' }, 'server:CLOSE_WAIT'],
  [{ type: 'rto', side: 'client' }, 'client'],
  [{ type: 'fast-retransmit', side: 'client' }, 'client'],
  [{ type: 'probe', side: 'client' }, 'client'],
  [{ type: 'window', side: 'server', event: 'zero' }, 'zero'],
  [{ type: 'window', side: 'client', event: 'open' }, 'client:open'],
  [{ type: 'video', status: 'skipped' }, 'skipped'],
  [{ type: 'fault', kind: 'link-down' }, 'link-down'],
  [{ type: 'command', action: 'hold' }, 'hold'],
  [{ type: 'failover', from: 'lb1' }, 'lb1'],
  [{ type: 'lb-assign', backend: 's2' }, 's2'],
  [{ type: 'lb-assign', backend: null }, 'refused'],
  [{ type: 'lb-health', backend: 's1', up: false }, 's1:down'],
  [{ type: 'http', what: 'answer', status: 503, method: 'GET', path: '/a|b' }, 'answer|503|GET|/a|b'],
  [{ type: 'http', what: 'failed', reason: 'connection reset', method: 'POST', path: '/login' }, 'failed|connection reset|POST|/login'],
  [{ type: 'dns', what: 'retry', name: 'www.example.com.', attempt: 2, timeoutMs: 1000 }, 'retry|www.example.com.|2|1000'],
  [{ type: 'dns', what: 'timeout-tcp', name: 'a.example.' }, 'timeout-tcp|a.example.'],
  [{ type: 'dns', what: 'truncated', name: 'img.shop.example.' }, 'truncated|img.shop.example.'],
  [{ type: 'dns', what: 'give-up', name: 'x.example.', reason: 'timeout' }, 'give-up|x.example.|timeout'],
  [{ type: 'dns', what: 'error', name: 'typo.example.', rcode: 'NXDOMAIN' }, 'error|typo.example.|NXDOMAIN'],
  [{ type: 'dns', what: 'query', name: 'www.school.example.', qtype: 'A' }, 'query|www.school.example.|A'],
  [{ type: 'dns', what: 'cut', name: 'img.school.example.', answers: 29 }, 'cut|img.school.example.|29'],
  [{ type: 'dns', what: 'answer', name: 'img.school.example.', answers: 36, ms: 160, transport: 'tcp' }, 'answer|img.school.example.|36|160|tcp'],
  [{ type: 'tls', what: 'established' }, 'established'],
  [{ type: 'tls', what: 'warning' }, 'warning'],
  [{ type: 'tls', what: 'failure', alert: 'decrypt_error' }, 'failure:decrypt_error'],
  [{ type: 'tls', what: 'send', message: 'ClientHello', arg: '4' }, 'send:ClientHello:4'],
  [{ type: 'tls', what: 'send', message: 'Certificate', arg: 'Trusty Root CA' }, 'send:Certificate:Trusty Root CA'],
  [{ type: 'tls', what: 'send', message: 'Finished', arg: '' }, 'send:Finished:'],
];

describe('notable event details', () => {
  test.each(CASES)('%o is written as %s and read back whole', (detail, text) => {
    expect(encodeDetail(detail)).toBe(text);
    expect(decodeDetail(detail.type, text)).toEqual(detail);
  });

  test("a field's own separator cannot shift the fields after it; a path may hold one, it comes last", () => {
    const odd: NotableDetail = { type: 'http', what: 'failed', reason: 'bad response: a|b', method: 'GET', path: '/x' };
    expect(encodeDetail(odd)).toBe('failed|bad response: a/b|GET|/x');
    expect(decodeDetail('http', encodeDetail(odd))).toEqual({ ...odd, reason: 'bad response: a/b' });
  });

  test('a detail or a type this codec does not know is null, not a guess', () => {
    expect(decodeDetail('dns', 'resent|a.example.')).toBeNull();
    expect(decodeDetail('http', 'maybe|200|GET|/')).toBeNull();
    expect(decodeDetail('tls', 'renegotiated')).toBeNull();
    expect(decodeDetail('state', 'CLOSED')).toBeNull();
    expect(decodeDetail('video', 'played')).toBeNull();
    expect(decodeDetail('video', 'late')).toBeNull();
    expect(decodeDetail('quantum', 'entangled')).toBeNull();
    expect([isNotableType('dns'), isNotableType('fast-retransmit'), isNotableType('probe'), isNotableType('quantum')]).toEqual([true, true, true, false]);
  });
});
