// The built-in classroom scenarios (scenarios/classroom/*.json) and the one way a room turns a
// host's choice — a built-in id or a scenario object — into a validated scenario, with the errors a
// teacher can act on when it is not one.

import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { EngineScenario } from '../../shared/protocols/scenario.ts';
import { loadScenario, loadScenarioText } from '../../shared/scenario/load.ts';
import { scenarioSizeProblem, type ScenarioChoice } from '../../shared/messages/classroom-messages.ts';
import { ClassroomGame } from '../game/classroom-game.ts';
import { seatsFor } from '../game/seats.ts';

export const CLASSROOM_SCENARIO_DIR = new URL('../../scenarios/classroom/', import.meta.url).pathname;

export interface BuiltinScenario {
  id: string;
  name: string;
  description: string;
  /** Name and description per language, where the file gives them. */
  i18n: Partial<Record<'ko' | 'en', { name?: string; description?: string }>>;
  seats: number;
  scenario: EngineScenario;
  /** The file as written, for a replay of a round that ran it (shared/scenario/replay.ts). */
  source: Readonly<Record<string, unknown>>;
}

let cache: BuiltinScenario[] | null = null;

/** Built-in scenarios in file-name order; a broken file is a programming error and throws at startup. */
export function builtinScenarios(dir = CLASSROOM_SCENARIO_DIR): BuiltinScenario[] {
  if (cache !== null && dir === CLASSROOM_SCENARIO_DIR) return cache;
  const files = readdirSync(dir).filter((f) => f.endsWith('.json')).sort();
  const out = files.map((file) => {
    const text = readFileSync(join(dir, file), 'utf8');
    const r = loadScenarioText(text);
    if (!r.ok) throw new Error(`${file}: ${r.errors.join('; ')}`);
    const limits = ClassroomGame.checkLimits(r.scenario);
    if (limits.length > 0) throw new Error(`${file}: ${limits.join('; ')}`);
    const raw = JSON.parse(text) as Record<string, unknown> & { description?: string; i18n?: BuiltinScenario['i18n'] };
    return {
      id: basename(file, '.json'),
      name: r.scenario.name,
      description: raw.description ?? '',
      i18n: raw.i18n ?? {},
      seats: seatsFor(r.scenario).length,
      scenario: r.scenario,
      source: raw,
    };
  });
  if (dir === CLASSROOM_SCENARIO_DIR) cache = out;
  return out;
}

export type Resolved = { ok: true; id: string; scenario: EngineScenario; source: Readonly<Record<string, unknown>> } | { ok: false; errors: string[] };

/** A host's choice → a scenario to run. An absent choice runs the first built-in scenario. */
export function resolveScenario(choice: ScenarioChoice | undefined): Resolved {
  const builtins = builtinScenarios();
  if (choice === undefined) {
    const first = builtins[0];
    return first === undefined ? { ok: false, errors: ['no built-in scenario is installed'] } : { ok: true, id: first.id, scenario: first.scenario, source: first.source };
  }
  if (typeof choice === 'string') {
    const found = builtins.find((b) => b.id === choice);
    if (found === undefined) return { ok: false, errors: [`no built-in scenario "${choice}" (there are: ${builtins.map((b) => b.id).join(', ')})`] };
    return { ok: true, id: found.id, scenario: found.scenario, source: found.source };
  }
  const tooBig = scenarioSizeProblem(choice);
  if (tooBig !== null) return { ok: false, errors: [`scenario: ${tooBig}`] };
  const r = loadScenario(choice);
  if (!r.ok) return { ok: false, errors: r.errors };
  const limits = ClassroomGame.checkLimits(r.scenario);
  if (limits.length > 0) return { ok: false, errors: limits };
  return { ok: true, id: 'custom', scenario: r.scenario, source: choice as Record<string, unknown> };
}
