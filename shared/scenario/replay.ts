// A session as a scenario file that plays it again (docs/scenario.md, "Replays"). The engine is
// deterministic, so the scenario it ran, its seed and its log of commands (every player's, every bot
// taking or leaving a seat, every fault a host injected, each at the instant it took effect) give
// the same run, packet by packet. The replay ends where the session stopped, or where the engine's
// log filled up, since nothing after that instant is known. Where it ends where the session stopped,
// it also records the engine's fingerprint then, so that a replaying engine that no longer runs the
// session as it ran says so (shared/protocols/replay-check.ts).

import type { TimedCommand } from '../protocols/roles/commands.ts';

/** What the replay needs of the engine that ran the session. */
export interface ReplayedRun {
  seed: number;
  /** Simulated time the session reached. */
  nowMs: number;
  commandLog: readonly TimedCommand[];
  commandLogFullAtMs: number | null;
  /** Simulation events processed by `nowMs` (null where unknown: a round saved before they were kept). */
  eventsProcessed: number | null;
  /** The fingerprint of the run at `nowMs` (replay-check.ts; null where unknown). */
  summarySha256: string | null;
}

/** Where a replay of `run` ends: the time the session reached, or when its log first left a command out. */
export function replayEndMs(run: ReplayedRun): number {
  return run.commandLogFullAtMs === null ? run.nowMs : Math.min(run.nowMs, run.commandLogFullAtMs);
}

/**
 * The scenario file `source` (as its author wrote it) with the session's seed, its logged commands
 * in place of the file's own (those the engine applied are in the log), its end and, where known,
 * the engine's counts at that end (`recorded`). Null when the session never ran, so there is
 * nothing to replay.
 */
export function replayScenario(source: Readonly<Record<string, unknown>>, run: ReplayedRun): Record<string, unknown> | null {
  const endMs = replayEndMs(run);
  if (!(endMs > 0)) return null;
  const whole = run.commandLogFullAtMs === null;
  const commands = run.commandLog.filter((c) => c.atMs < endMs || (c.atMs === endMs && whole));
  // A replay of a replay records its own run, never the one its source recorded.
  const { recorded: _older, ...file } = source;
  const counted = whole && run.eventsProcessed !== null && run.summarySha256 !== null;
  return {
    ...file,
    seed: run.seed,
    durationMs: endMs,
    commands,
    ...(counted ? { recorded: { atMs: endMs, events: run.eventsProcessed, summarySha256: run.summarySha256 } } : {}),
  };
}
