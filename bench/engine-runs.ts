// Runs the engine's speed-goal scenario (600 s NewReno at p = 0.001) RUNS times in one process and
// prints nothing: bench/engine-instructions.sh counts the instructions this takes.

import { readFileSync } from 'node:fs';
import { Engine } from '../shared/protocols/engine.ts';
import { loadScenarioText } from '../shared/scenario/load.ts';

const runs = Number(process.env.RUNS ?? 1);
const loaded = loadScenarioText(readFileSync(new URL('../scenarios/mathis-newreno.json', import.meta.url), 'utf8'));
if (!loaded.ok) throw new Error(loaded.errors.join('; '));
for (let i = 0; i < runs; i++) new Engine(loaded.scenario).run();
