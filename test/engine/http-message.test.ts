// HTTP/1.1 message syntax (RFC 9112): exact bytes on the wire, a parser fed in any split, and
// malformed input answered with the right status instead of an exception.

import { describe, expect, it } from 'vitest';
import { encodeRequest, encodeResponse, httpDate, persists, targetPath } from '../../shared/protocols/app/http/message.ts';
import { RequestParser, ResponseParser } from '../../shared/protocols/app/http/parser.ts';

const enc = new TextEncoder();
const text = (b: Uint8Array) => new TextDecoder().decode(b);

const login = encodeRequest(
  'POST',
  '/login',
  [
    { name: 'Host', value: 'shop.example' },
    { name: 'Content-Type', value: 'application/x-www-form-urlencoded' },
    { name: 'Content-Length', value: '27' },
  ],
  enc.encode('user=alice&password=hunter2'),
);

describe('HTTP message encoding', () => {
  it('writes the request line, header fields, an empty line and the body as text', () => {
    expect(text(login)).toBe(
      'POST /login HTTP/1.1\r\nHost: shop.example\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 27\r\n\r\nuser=alice&password=hunter2',
    );
  });

  it('writes a status line with the reason phrase', () => {
    const res = encodeResponse(404, [{ name: 'Content-Length', value: '0' }]);
    expect(text(res)).toBe('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n');
  });

  it('refuses to write a header value with CR LF in it (no header injection)', () => {
    expect(() => encodeRequest('GET', '/', [{ name: 'Host', value: 'a\r\nX-Evil: 1' }])).toThrow(/invalid header/);
  });

  it('dates responses in simulated time from the epoch, as an IMF-fixdate', () => {
    expect(httpDate(0)).toBe('Thu, 01 Jan 1970 00:00:00 GMT');
    expect(httpDate(86_400_000 * 59 + 3_723_000)).toBe('Sun, 01 Mar 1970 01:02:03 GMT');
  });

  it('knows which connections persist (RFC 9112 §9.3)', () => {
    expect(persists('HTTP/1.1', [])).toBe(true);
    expect(persists('HTTP/1.1', [{ name: 'Connection', value: 'Close' }])).toBe(false);
    expect(persists('HTTP/1.0', [])).toBe(false);
    expect(persists('HTTP/1.0', [{ name: 'connection', value: 'keep-alive' }])).toBe(true);
    expect(targetPath('/search?q=x')).toBe('/search');
    expect(targetPath('http://shop.example/a/b?c')).toBe('/a/b');
  });
});

describe('HTTP request parser', () => {
  it('reads a request that arrives one byte at a time', () => {
    const p = new RequestParser();
    const out = [];
    for (const b of login) {
      p.push(Uint8Array.of(b));
      const m = p.next();
      if (m !== null) out.push(m);
      else expect(p.midMessage).toBe(true);
    }
    expect(out).toHaveLength(1);
    const req = out[0]!;
    expect([req.method, req.target, req.path, req.version]).toEqual(['POST', '/login', '/login', 'HTTP/1.1']);
    expect(req.headers.map((h) => h.name)).toEqual(['Host', 'Content-Type', 'Content-Length']);
    expect(text(req.body)).toBe('user=alice&password=hunter2');
    expect(req.wireBytes).toBe(login.length);
    expect(p.midMessage).toBe(false);
  });

  it('reads pipelined requests from one segment, and keeps the start of the next', () => {
    const get = encodeRequest('GET', '/a', [{ name: 'Host', value: 'x' }]);
    const both = new Uint8Array([...get, ...login, ...get.subarray(0, 7)]);
    const p = new RequestParser();
    p.push(both);
    expect(p.next()?.path).toBe('/a');
    expect(p.next()?.path).toBe('/login');
    expect(p.next()).toBeNull();
    expect(p.bufferedBytes).toBe(7);
    p.push(get.subarray(7));
    expect(p.next()?.path).toBe('/a');
  });

  it('ignores empty lines before a request line (RFC 9112 §2.2)', () => {
    const p = new RequestParser();
    p.push(enc.encode('\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n'));
    expect(p.next()?.method).toBe('GET');
  });

  it.each([
    ['GARBAGE\r\n\r\n', 400, /malformed request line/],
    ['GET / HTTP/1.1\r\n\r\n', 400, /without Host/],
    ['GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n', 400, /more than one Host/],
    ['GET / HTTP/2.0\r\nHost: a\r\n\r\n', 505, /not supported/],
    ['POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n', 501, /Transfer-Encoding/],
    ['POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n', 400, /conflicting Content-Length/],
    ['POST / HTTP/1.1\r\nHost: a\r\nContent-Length: -1\r\n\r\n', 400, /invalid Content-Length/],
    ['POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 99999999\r\n\r\n', 413, /larger than/],
    ['GET / HTTP/1.1\r\nHost : a\r\n\r\n', 400, /invalid field name/],
    ['GET / HTTP/1.1\r\nHost: a\r\n folded\r\n\r\n', 400, /folding/],
    ['GET nopath HTTP/1.1\r\nHost: a\r\n\r\n', 400, /origin-form/],
    ['GET / HTTP/1.1\r\nHost: a\x01b\r\n\r\n', 400, /control character/],
  ])('answers %j with %i', (input, status, reason) => {
    const p = new RequestParser();
    p.push(enc.encode(input));
    expect(p.next()).toBeNull();
    expect(p.error?.status).toBe(status);
    expect(p.error?.reason).toMatch(reason);
  });

  it('answers an endless header section with 431 once it passes 8192 bytes', () => {
    const p = new RequestParser();
    p.push(enc.encode(`GET / HTTP/1.1\r\nHost: a\r\nX-Long: ${'a'.repeat(9000)}`));
    expect(p.next()).toBeNull();
    expect(p.error?.status).toBe(431);
  });

  it('never throws on random bytes', () => {
    let seed = 7;
    for (let round = 0; round < 200; round++) {
      const p = new RequestParser();
      const bytes = new Uint8Array(300);
      for (let i = 0; i < bytes.length; i++) {
        seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
        bytes[i] = round % 2 === 0 ? seed >>> 24 : ' \r\nGET/HTTP1.:aHost'.charCodeAt((seed >>> 24) % 19);
      }
      for (let i = 0; i < bytes.length; i += 17) {
        p.push(bytes.subarray(i, i + 17));
        while (p.next() !== null);
      }
      p.end();
    }
  });
});

describe('HTTP response parser', () => {
  it('frames bodies by Content-Length, none for HEAD or 204, else until the connection closes', () => {
    const p = new ResponseParser();
    p.expectResponseTo('GET');
    p.expectResponseTo('HEAD');
    p.expectResponseTo('GET');
    p.expectResponseTo('GET');
    p.push(encodeResponse(200, [{ name: 'Content-Length', value: '5' }], enc.encode('hello')));
    p.push(encodeResponse(200, [{ name: 'Content-Length', value: '5' }]));
    p.push(encodeResponse(204, []));
    p.push(enc.encode('HTTP/1.0 200 OK\r\n\r\nuntil the end'));
    expect(text(p.next()!.body)).toBe('hello');
    const head = p.next()!;
    expect([head.status, head.body.length]).toEqual([200, 0]);
    expect(p.next()!.status).toBe(204);
    expect(p.next()).toBeNull();
    const last = p.end()!;
    expect([last.version, text(last.body)]).toEqual(['HTTP/1.0', 'until the end']);
  });

  it('reports a malformed status line', () => {
    const p = new ResponseParser();
    p.push(enc.encode('HTTP/1.1 OK\r\n\r\n'));
    expect(p.next()).toBeNull();
    expect(p.error?.reason).toMatch(/malformed status line/);
  });
});
