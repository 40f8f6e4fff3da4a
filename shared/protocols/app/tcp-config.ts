// A flow's TCP settings from its scenario entry.

import { msToNs } from '../sim/time.ts';
import type { TcpConfig } from '../transport/tcp/connection.ts';
import type { FlowSpec } from '../scenario.ts';

export function tcpConfigFor(spec: FlowSpec, side: 'client' | 'server'): TcpConfig {
  return {
    mssBytes: spec.mss,
    cc: spec.cc,
    arq: spec.arq,
    windowSegments: spec.windowSegments,
    initialCwndSegments: spec.initialCwndSegments,
    initialSsthreshBytes: spec.initialSsthreshSegments === null ? null : spec.initialSsthreshSegments * spec.mss,
    rcvBufBytes: spec.rwndBytes,
    sndBufBytes: spec.sndBufBytes,
    initialRtoNs: msToNs(spec.initialRtoMs),
    minRtoNs: msToNs(spec.minRtoMs),
    maxRtoNs: msToNs(spec.maxRtoMs),
    mslNs: msToNs(spec.mslMs),
    delayedAckNs: spec.delayedAckMs === null ? null : msToNs(spec.delayedAckMs),
    synRetries: spec.synRetries,
    maxRetransmits: 15,
    // A fixed ISS applies to the client; the server draws its own unless the test fixes both.
    iss: side === 'client' ? spec.iss : spec.iss === null ? null : (spec.iss + 0x40000000) % 4294967296,
  };
}
