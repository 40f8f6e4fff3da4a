import { describe, expect, it } from 'vitest';
import { PatternSource } from '../../shared/protocols/net/payload.ts';
import { hashString } from '../../shared/protocols/app/bulk.ts';
import { run } from './helpers.ts';
import { tlsScenario } from './tls-helpers.ts';
import { loadScenario } from '../../shared/scenario/load.ts';
import type { ScenarioInput } from '../../shared/scenario/schema.ts';

function hexOf(bytes: Uint8Array): string {
  return [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** 24 bytes of the flow's upload from `offset`, as hex: what a listener would look for. */
function sample(flowId: string, offset: number): string {
  const out = new Uint8Array(24);
  new PatternSource(hashString(flowId)).fill(offset, out);
  return hexOf(out);
}

describe('a passive tap: a bump in the wire that records everything', () => {
  const plain = run(tlsScenario({ tap: { previewBytes: 4096 }, flow: { tls: undefined, port: 5001 } }), ['tap', 'tx', 'drop']);
  const secure = run(tlsScenario({ tap: { previewBytes: 4096 } }), ['tap', 'tx', 'drop']);

  it('passes every frame on unchanged, in both directions, with no address of its own', () => {
    for (const r of [plain, secure]) {
      const frames = r.of('tap').filter((e) => e.action === 'frame');
      expect(frames.length).toBeGreaterThan(20);
      for (const f of frames) {
        const into = r.of('tx').find((e) => e.packet === f.packet && e.to === 'tap')!;
        const out = r.of('tx').find((e) => e.packet === f.packet && e.from === 'tap')!;
        expect(out.bytes).toBe(into.bytes);
        expect(out.departMs as number).toBeGreaterThanOrEqual(into.arriveMs as number);
      }
      // No delay of its own: a frame meeting an idle link leaves the instant it arrives.
      const syn = r.of('tx').filter((e) => e.packet === frames[0]!.packet);
      expect(syn[1]!.departMs).toBe(syn[0]!.arriveMs);
      expect(new Set(frames.map((f) => f.in))).toEqual(new Set(['l1', 'l2']));
      expect(r.of('drop')).toEqual([]);
      expect(r.engine.summary().flows.f).toMatchObject({ completed: true, deliveredBytes: 20_000 });
      expect(r.engine.summary().taps!.tap).toMatchObject({ mode: 'passive', framesSeen: frames.length, framesTampered: 0 });
    }
  });

  it('records each frame with its layers and a payload preview', () => {
    const first = secure.of('tap')[0]!;
    expect(first).toMatchObject({ node: 'tap', action: 'frame', flow: 'f', in: 'l1', layers: ['Ethernet II', 'IPv4', 'TCP'], payloadBytes: 0, previewFormat: 'none' });
    expect(first.summary).toMatch(/^10\.0\.0\.2:49152 → 10\.0\.0\.5:443 TCP \[SYN\]/);
    const hello = secure.of('tap').find((e) => e.payloadBytes !== 0)!;
    expect(hello.layers).toEqual(['Ethernet II', 'IPv4', 'TCP', 'TLS']);
    expect(hello.preview).toMatch(/^16030300[0-9a-f]{2}01/); // handshake record, TLS 1.2, ClientHello
    // The server's first flight — ServerHello, Certificate, ServerHelloDone — is one write: one segment.
    const sh = secure.of('tap').find((e) => String(e.preview).match(/^16030300[0-9a-f]{2}02/))!;
    // The tapping player's view holds the same frame.
    expect(secure.engine.tapCapture('tap')!.find((c) => c.packet === sh.packet)).toMatchObject({ protocol: 'TLS', previewFormat: 'hex', in: 'l2' });
    expect(secure.engine.tapCapture('bank')).toBeUndefined();
    const bytes = sh.payloadBytes as number;
    expect(bytes).toBeGreaterThan(79 + 150 + 9);
    expect(String(sh.preview)).toContain('16030300040e000000'); // ServerHelloDone's record, in the same segment
  });

  it('a plaintext upload is readable on the tapped link; the same upload over TLS is not', () => {
    const seen = (r: typeof plain) =>
      r
        .of('tap')
        .map((e) => String(e.preview))
        .join('');
    for (const offset of [0, 5000, 19_000]) {
      expect(seen(plain)).toContain(sample('f', offset));
      expect(seen(secure)).not.toContain(sample('f', offset));
    }
    const records = secure.of('tap').filter((e) => e.payloadBytes !== 0 && String(e.preview).startsWith('170303'));
    expect(records.length).toBeGreaterThan(0); // application_data records: ciphertext
  });
});

describe('a tap that alters a handshake message in flight', () => {
  const tampered = (tamper: string) => {
    const r = run(tlsScenario({ tap: { tamper } }), ['tls', 'tap', 'drop']);
    return { r, flow: r.engine.summary().flows.f as Record<string, any>, tls: r.of('tls') };
  };

  it.each([
    ['server-hello', 'decrypt_error', 'bank'],
    ['client-hello', 'decrypt_error', 'bank'],
  ])('%s: the keys agree but the transcripts do not, so Finished fails (%s)', (tamper, alert, detector) => {
    const { r, flow, tls } = tampered(tamper);
    expect(r.of('tap').filter((e) => e.action === 'tamper')).toHaveLength(1);
    expect(r.of('drop')).toEqual([]); // the attacker recomputed the checksums: TCP accepted the segment
    const keys = tls.filter((e) => e.step === 'keys');
    expect(keys[0]!.masterSecret).toBe(keys[1]!.masterSecret);
    expect(tls.find((e) => e.node === detector && e.step === 'Finished' && e.dir === 'recv')).toMatchObject({ verified: false });
    expect(tls.find((e) => e.node === detector && e.step === 'failure')).toMatchObject({ alert, at: 'Finished', by: 'local' });
    expect(flow).toMatchObject({ handshake: 'failed', deliveredBytes: 0, tlsFailure: { alert, step: 'Finished', by: 'local' } });
  });

  it('client-key-exchange: the server cannot decrypt the secret, goes on with a random one, and Finished fails', () => {
    const { flow, tls } = tampered('client-key-exchange');
    expect(tls.find((e) => e.node === 'bank' && e.step === 'ClientKeyExchange')).toMatchObject({ decrypted: false });
    const keys = tls.filter((e) => e.step === 'keys');
    expect(keys[0]!.masterSecret).not.toBe(keys[1]!.masterSecret);
    expect(flow.tlsFailure).toMatchObject({ alert: 'bad_record_mac', step: 'Finished', by: 'local' });
  });

  it('a tamper command sets the target while the run goes on: only handshakes that start after it are altered', () => {
    // Two connections, 1 s apart; the attacker starts altering ServerHellos between them.
    const input = tlsScenario({ tap: {}, durationMs: 3000 });
    const flows = [{ ...input.flows![0]!, id: 'f' }, { ...input.flows![0]!, id: 'g', startMs: 1000 }];
    const r = run({ ...input, flows, commands: [{ action: 'tamper', atMs: 500, node: 'tap', target: 'server-hello' }] } as ScenarioInput, ['tls', 'tap', 'command']);
    expect(r.of('command')).toEqual([{ type: 'command', t: 500, node: 'tap', action: 'tamper', target: 'server-hello', ok: true }]);
    expect(r.of('tap').filter((e) => e.action === 'tamper').map((e) => [e.flow, e.tampered])).toEqual([['g', 'server-hello']]);
    const summary = r.engine.summary();
    expect(summary.flows.f).toMatchObject({ handshake: 'established', deliveredBytes: 20_000 });
    expect(summary.flows.g).toMatchObject({ handshake: 'failed', deliveredBytes: 0, tlsFailure: { alert: 'decrypt_error' } });
    expect(summary.taps!.tap).toMatchObject({ framesTampered: 1 });
  });

  it('a scenario file may only aim tamper commands at taps, at a handshake message or null', () => {
    const input = tlsScenario({ tap: {} });
    const errors = (commands: unknown[]) => {
      const r = loadScenario({ ...input, commands } as ScenarioInput);
      return r.ok ? [] : r.errors;
    };
    expect(errors([{ action: 'tamper', atMs: 1, node: 'tap', target: null }])).toEqual([]);
    expect(errors([{ action: 'tamper', atMs: 1, node: 'r', target: 'certificate' }])).toEqual(['commands[0].node: "r" is not a tap']);
    expect(errors([{ action: 'tamper', atMs: 1, node: 'tap', target: 'finished' }])[0]).toMatch(/^commands\[0\]\.target: /);
  });

  it('certificate: the altered certificate no longer carries a valid CA signature', () => {
    const { flow, tls } = tampered('certificate');
    expect(tls.find((e) => e.node === 'client' && e.step === 'verify-certificate')).toMatchObject({ result: 'bad-signature', subject: 'c' + 'ank' });
    expect(flow.tlsFailure).toMatchObject({ alert: 'bad_certificate', step: 'Certificate' });
  });
});
