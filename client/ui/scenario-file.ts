// A scenario file a player or teacher brings (docs/scenario.md), read in the page and checked with
// the engine's own loader, so that a mistake is named by its field before anything starts.

import { loadScenarioText, MAX_SCENARIO_BYTES } from '../../shared/scenario/load.ts';

export type ScenarioFile = { ok: true; scenario: Record<string, unknown>; name: string } | { ok: false; problem: string };

export async function readScenarioFile(f: File): Promise<ScenarioFile> {
  // Not read at all: a scenario is a few kilobytes, this is some other file.
  if (f.size > MAX_SCENARIO_BYTES) return { ok: false, problem: `larger than ${MAX_SCENARIO_BYTES} bytes` };
  const text = await f.text();
  const loaded = loadScenarioText(text);
  if (!loaded.ok) return { ok: false, problem: loaded.errors.slice(0, 3).join('; ') };
  return { ok: true, scenario: JSON.parse(text) as Record<string, unknown>, name: loaded.scenario.name };
}
