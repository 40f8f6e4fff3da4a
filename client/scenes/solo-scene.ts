// Choosing a solo level: each with its role, what it teaches and the best result so far.

import Phaser from 'phaser';
import { t, type MessageKey } from '../i18n/index.ts';
import { LevelRun } from '../solo/level-run.ts';
import { LEVELS, levelNumber, type LevelDef } from '../solo/levels.ts';
import { loadProgress } from '../solo/progress.ts';
import { h } from '../ui/dom.ts';
import { roleName } from '../ui/role-name.ts';
import { mountScreen } from './menu.ts';

export function starText(stars: number): string {
  return '★'.repeat(stars) + '☆'.repeat(Math.max(0, 3 - stars));
}

/** Open a level; one played again (`briefed`) starts at once instead of opening with its briefing. */
export function startLevel(scene: Phaser.Scene, level: LevelDef, briefed = false): void {
  const run = new LevelRun(level);
  if (briefed) run.begin();
  scene.scene.stop('backdrop');
  scene.scene.start('game', { source: run.source, level: run });
}

export class SoloScene extends Phaser.Scene {
  constructor() {
    super('solo');
  }

  create(): void {
    if (!this.scene.isActive('backdrop')) this.scene.launch('backdrop');
    this.scene.bringToTop();
    mountScreen(this, 'solo', () => {
      const progress = loadProgress();
      const cards = LEVELS.map((level) => {
        const best = progress[level.id];
        return h(
          'article',
          { class: 'level-card', data: { level: level.id } },
          h('div', { class: 'level-number', text: String(levelNumber(level)) }),
          h(
            'div',
            { class: 'level-body' },
            h('h2', { text: t(level.title) }),
            h('p', { class: 'muted', text: t('solo.role', { role: roleName(level.role.role, level.scenario.nodes?.find((n) => n.id === level.role.node)?.kind) }) + ' · ' + level.topics.map((x) => t(`topic.${x}` as MessageKey)).join(', ') }),
            h('p', { text: t(level.objective) }),
          ),
          h(
            'div',
            { class: 'level-side' },
            h('div', { class: 'stars', aria: { label: t('solo.starsLabel', { n: best?.stars ?? 0 }) }, text: starText(best?.stars ?? 0) }),
            h('button', { class: 'btn btn-primary', data: { testid: `play-${level.id}` }, text: best === undefined ? t('solo.play') : t('solo.replay'), on: { click: () => startLevel(this, level) } }),
          ),
        );
      });
      return h(
        'div',
        { class: 'menu-card wide level-menu' },
        h('h1', { text: t('solo.title') }),
        h('p', { class: 'muted', text: t('solo.intro') }),
        h('div', { class: 'levels' }, ...cards),
        h('div', { class: 'actions' }, h('button', { class: 'btn', data: { testid: 'back' }, text: t('common.back'), on: { click: () => this.scene.start('title') } })),
      );
    });
  }
}
