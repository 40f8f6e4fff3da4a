// One play of a solo level: the engine in this page with the level's scenario, the player in the
// level's role, bots everywhere else, and the objective checked after every step of simulated time.

import { loadScenario } from '../../shared/scenario/load.ts';
import { t } from '../i18n/index.ts';
import { LocalSource } from './local-source.ts';
import type { LevelDef } from './levels.ts';
import type { ServerIoChoice } from '../../shared/protocols/app/http/spec.ts';
import type { IntentResult } from '../model/source.ts';
import { checkObjective, TraceFacts, type ObjectiveStatus } from './objectives.ts';

/** Longest answer kept (a typed answer is a short secret; anything longer is cut). */
export const MAX_ANSWER_CHARS = 64;

export interface LevelResult {
  levelId: string;
  passed: boolean;
  stars: number;
  bonus: [boolean, boolean];
  simMs: number;
  stats: ObjectiveStatus['stats'];
  /** The player left before the level was decided. */
  abandoned: boolean;
}

export class LevelRun {
  readonly level: LevelDef;
  readonly source: LocalSource;
  readonly trace = new TraceFacts();
  private last: ObjectiveStatus | null = null;
  private decided: LevelResult | null = null;
  private begun = false;

  /**
   * A level waits at 0 s until `begin`: its clock counts against the objective, and a student
   * reading the brief for the first time must not lose the level meanwhile.
   */
  constructor(level: LevelDef) {
    this.level = level;
    const loaded = loadScenario(level.scenario);
    if (!loaded.ok) throw new Error(`level ${level.id}: ${loaded.errors.join('; ')}`);
    this.source = new LocalSource(loaded.scenario, { mode: 'solo', role: level.role, speed: level.speed, name: t(level.title) });
    this.source.tapTrace((e) => this.trace.observe(e));
    this.source.host.pause();
  }

  /** Whether simulated time has been let run (the player started the level). */
  get hasBegun(): boolean {
    return this.begun;
  }

  /** Let simulated time run: the player has read the briefing. Only the first call does anything. */
  begin(): void {
    if (this.begun) return;
    this.begun = true;
    this.source.host.resume();
  }

  status(): ObjectiveStatus {
    const engine = this.source.engine;
    const summary = engine.summary();
    this.last = checkObjective(this.level, {
        nowMs: engine.nowMs,
        flows: summary.flows as Record<string, Record<string, unknown>>,
        drops: summary.drops,
        balancers: summary.balancers as Record<string, Record<string, unknown>> | undefined,
        servers: summary.servers as Record<string, Record<string, unknown>> | undefined,
      }, this.trace);
    return this.last;
  }

  /**
   * The player's answer to the level's question, at the current simulated time. Returns whether it
   * is right by what the engine has shown so far (the objective decides the level on the next check).
   */
  answer(text: string): boolean {
    this.trace.answers.push({ text: text.slice(0, MAX_ANSWER_CHARS), atMs: this.source.engine.nowMs });
    return this.status().verdict === 'passed';
  }

  /**
   * Open the level's server in the chosen I/O model: the model is set, then every client flow of
   * the role starts. Refused (nothing starts) once it is open, or for a model the level does not offer.
   */
  async openServer(choice: ServerIoChoice): Promise<IntentResult> {
    const node = this.level.role.node;
    const offered = this.level.serverChoices?.some((c) => c.io === choice.io && c.threads === choice.threads) ?? false;
    if (node === null || !offered) return { ok: false, reason: `${choice.io} × ${choice.threads} is not offered here` };
    if (this.trace.serverIo !== null) return { ok: false, reason: `${node} is already open` };
    const set = await this.source.setServerIo(node, choice);
    if (!set.ok) return set;
    for (const flow of this.level.role.flows) {
      const r = await this.source.startFlow(flow);
      if (!r.ok) return r;
    }
    return { ok: true };
  }

  /**
   * The player names `layer` (1–7) as where a layer question's trouble is, at the current simulated
   * time. Returns whether the question is now answered right (the objective decides the level).
   */
  answerLayer(question: string, layer: number): boolean {
    const q = this.level.layerQuiz?.find((x) => x.id === question);
    if (q === undefined || !Number.isInteger(layer) || layer < 1 || layer > 7) return false;
    if (this.trace.rightLayerAnswer(q) !== undefined) return true;
    this.trace.layerAnswers.push({ question, layer, atMs: this.source.engine.nowMs });
    return this.trace.rightLayerAnswer(q) !== undefined;
  }

  /** Check the objective; returns the result once the level is decided. */
  check(): LevelResult | null {
    if (this.decided !== null) return this.decided;
    const s = this.status();
    if (s.verdict === 'running' && !this.source.finished) return null;
    this.decided = {
      levelId: this.level.id,
      passed: s.verdict === 'passed',
      stars: s.stars,
      bonus: s.bonus,
      simMs: this.source.engine.nowMs,
      stats: s.stats,
      abandoned: false,
    };
    return this.decided;
  }

  get lastStatus(): ObjectiveStatus | null {
    return this.last;
  }
}
