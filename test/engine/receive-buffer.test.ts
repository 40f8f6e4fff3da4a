import { describe, expect, it } from 'vitest';
import { ReceiveBuffer } from '../../shared/protocols/transport/tcp/receive-buffer.ts';
import { PatternSource } from '../../shared/protocols/net/payload.ts';

/** Real bytes start, start + 1, ... (mod 256): each byte says where it belongs in the stream. */
function bytesFrom(start: number, length: number): Uint8Array {
  return Uint8Array.from({ length }, (_, i) => (start + i) & 0xff);
}

function reader(): { consume: (b: Uint8Array) => void; got: () => number[] } {
  const pieces: Uint8Array[] = [];
  return { consume: (b) => pieces.push(b), got: () => pieces.flatMap((p) => [...p]) };
}

describe('receive buffer', () => {
  it('hands a reader that drains each segment as it arrives every byte in order', () => {
    const rb = new ReceiveBuffer(4000);
    const r = reader();
    for (let off = 0; off < 5000; off += 1000) {
      expect(rb.accept(off, off + 1000, bytesFrom(off, 1000), null, 0, true)).toBe(1000);
      expect(rb.read(Infinity, r.consume)).toBe(1000);
    }
    expect(r.got()).toEqual([...bytesFrom(0, 5000)]);
    expect(rb.windowBytes).toBe(4000);
  });

  it('keeps a partly read segment intact while the next ones arrive', () => {
    const rb = new ReceiveBuffer(4000);
    const r = reader();
    rb.accept(0, 1000, bytesFrom(0, 1000), null, 0, true);
    expect(rb.read(600, r.consume)).toBe(600);
    rb.accept(1000, 2000, bytesFrom(1000, 1000), null, 0, true);
    expect(rb.read(900, r.consume)).toBe(900); // the rest of the first segment and 500 of the second
    rb.accept(2000, 3000, bytesFrom(2000, 1000), null, 0, true);
    expect(rb.read(Infinity, r.consume)).toBe(1500);
    expect(r.got()).toEqual([...bytesFrom(0, 3000)]);
  });

  it('delivers pattern-sourced segments that arrived out of order at their own offsets', () => {
    const source = new PatternSource(7);
    const rb = new ReceiveBuffer(8000);
    const r = reader();
    rb.accept(0, 1000, null, source, 0, true);
    expect(rb.read(Infinity, r.consume)).toBe(1000);
    expect(rb.accept(2000, 3000, null, source, 2000, true)).toBe(0); // held: 1000..2000 is missing
    expect(rb.accept(3000, 4000, null, source, 3000, true)).toBe(0);
    expect(rb.accept(1000, 2000, null, source, 1000, true)).toBe(3000);
    expect(rb.accept(4000, 5000, null, source, 4000, true)).toBe(1000);
    expect(rb.read(Infinity, r.consume)).toBe(4000);
    const expected = new Uint8Array(5000);
    source.fill(0, expected);
    expect(r.got()).toEqual([...expected]);
  });
});
