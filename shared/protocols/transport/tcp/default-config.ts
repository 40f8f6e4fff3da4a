// TCP settings for a connection no scenario flow describes (a server answering a stranger, a tap's
// own proxy connections): the same values a scenario's flow gets when it sets nothing.

import { msToNs } from '../../sim/time.ts';
import type { TcpConfig } from './connection.ts';

export function defaultTcpConfig(changes: Partial<TcpConfig> = {}): TcpConfig {
  return {
    mssBytes: 1460,
    cc: 'newreno',
    arq: 'tcp',
    windowSegments: 4,
    initialCwndSegments: 1,
    initialSsthreshBytes: null,
    rcvBufBytes: 262_144,
    sndBufBytes: 1_048_576,
    initialRtoNs: msToNs(1000),
    minRtoNs: msToNs(1000),
    maxRtoNs: msToNs(60_000),
    mslNs: msToNs(30_000),
    delayedAckNs: null,
    synRetries: 6,
    maxRetransmits: 15,
    iss: null,
    ...changes,
  };
}
