// Whether a replay runs as the session it records did (docs/scenario.md, "Replays"). The engine is
// deterministic, so a session's scenario, seed and command log give its run again, but only with an
// engine that behaves as the one that recorded it: after a change to the engine the same commands
// give another run, silently (a command's packet id may then name another packet). So a replay file
// carries a fingerprint of the recording engine's state at the session's last instant, and the
// replaying engine compares its own there: the SHA-256 of its summary (every flow's counts, cwnd,
// smoothed RTT and states, the drops, the packets, the events: one segment sent, lost or timed
// otherwise changes it), and the number of events, which a person can read.

import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';

/** What the engine that ran a session had reached at `atMs` (after the commands at that instant). */
export interface RecordedRun {
  atMs: number;
  events: number;
  /** Hex SHA-256 of the engine's summary (`Engine.summary()`) as JSON. */
  summarySha256: string;
}

/** The fingerprint of a run at an instant: the SHA-256 of its summary as JSON. */
export function summarySha256(summary: unknown): string {
  return bytesToHex(sha256(utf8ToBytes(JSON.stringify(summary))));
}

export type ReplayVerdict =
  /** Not a replay (the scenario records no run). */
  | { state: 'none' }
  /** The run has not reached the recorded instant yet. */
  | { state: 'pending'; recorded: RecordedRun }
  /** At the recorded instant, the counts were the recorded ones. */
  | { state: 'same'; recorded: RecordedRun }
  /** At the recorded instant, the run differed: this engine does not run the session as it ran. */
  | { state: 'differs'; recorded: RecordedRun; events: number; summarySha256: string }
  /** A live command applied before the recorded instant: the run is no longer the recorded one. */
  | { state: 'changed'; recorded: RecordedRun };

export function initialVerdict(recorded: RecordedRun | null | undefined): ReplayVerdict {
  return recorded == null ? { state: 'none' } : { state: 'pending', recorded };
}

/** The verdict at the recorded instant, from this run's events and summary there. */
export function compareWithRecording(recorded: RecordedRun, events: number, summary: unknown): ReplayVerdict {
  const digest = summarySha256(summary);
  return events === recorded.events && digest === recorded.summarySha256
    ? { state: 'same', recorded }
    : { state: 'differs', recorded, events, summarySha256: digest };
}
