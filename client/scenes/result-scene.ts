// A solo level's result: passed or not, the stars and what earned them, the figures that decided it,
// and where to go next. The best result is saved in the browser.

import Phaser from 'phaser';
import { testHooks } from '../app.ts';
import { t } from '../i18n/index.ts';
import type { LevelResult } from '../solo/level-run.ts';
import { levelById, levelNumber, LEVELS } from '../solo/levels.ts';
import { recordResult } from '../solo/progress.ts';
import { h } from '../ui/dom.ts';
import { mountScreen } from './menu.ts';
import { startLevel, starText } from './solo-scene.ts';

export class ResultScene extends Phaser.Scene {
  private result!: LevelResult;

  constructor() {
    super('result');
  }

  init(data: { result: LevelResult }): void {
    this.result = data.result;
  }

  create(): void {
    const r = this.result;
    const level = levelById(r.levelId)!;
    const newBest = r.passed ? recordResult(r.levelId, r.stars, r.simMs) : false;
    testHooks().lastResult = r;
    if (!this.scene.isActive('backdrop')) this.scene.launch('backdrop');
    this.scene.bringToTop();
    mountScreen(this, 'result', () => {
      const next = LEVELS[LEVELS.indexOf(level) + 1];
      const starLines = [
        h('li', { class: r.passed ? 'earned' : '', text: `${r.passed ? '★' : '☆'} ${t('result.starPass')}` }),
        h('li', { class: r.bonus[0] ? 'earned' : '', text: `${r.bonus[0] ? '★' : '☆'} ${t(level.stars[0])}` }),
        h('li', { class: r.bonus[1] ? 'earned' : '', text: `${r.bonus[1] ? '★' : '☆'} ${t(level.stars[1])}` }),
      ];
      return h(
        'div',
        { class: `menu-card result ${r.passed ? 'passed' : 'failed'}`, data: { testid: 'result', passed: String(r.passed) } },
        h('p', { class: 'muted', text: t('result.level', { n: levelNumber(level), title: t(level.title) }) }),
        h('h1', { data: { testid: 'result-verdict' }, text: r.passed ? t('result.passed') : t('result.failed') }),
        h('div', { class: 'stars big', data: { testid: 'result-stars' }, text: starText(r.stars) }),
        newBest ? h('p', {}, h('span', { class: 'tag tag-good', text: t('result.newBest') })) : null,
        h('div', {}, h('ul', { class: 'star-list' }, ...starLines)),
        h('h2', { text: t('result.figures') }),
        h('div', {}, h('ul', { class: 'stat-list' }, ...r.stats.map((s) => h('li', { text: t(s.key, s.params) })))),
        // A missed level says what to try before what it teaches: the student is about to try again.
        r.passed
          ? null
          : h('div', { class: 'hint-box', data: { testid: 'result-hint' } }, h('h2', { text: t('result.hint') }), h('p', { text: t(`hint.${level.id}` as 'hint.router-lossy') })),
        h('p', { class: 'lesson', text: t(`lesson.${level.id}` as 'lesson.router-lossy') }),
        h(
          'div',
          { class: 'actions' },
          // The way forward stands out: the next level after a pass, another try after a miss.
          h('button', { class: r.passed ? 'btn' : 'btn btn-primary', data: { testid: 'result-retry' }, text: t('result.retry'), on: { click: () => startLevel(this, level, true) } }),
          next === undefined ? null : h('button', { class: r.passed ? 'btn btn-primary' : 'btn', data: { testid: 'result-next' }, text: t('result.next'), on: { click: () => startLevel(this, next) } }),
          h('button', { class: 'btn', data: { testid: 'result-levels' }, text: t('result.levels'), on: { click: () => this.scene.start('solo') } }),
        ),
      );
    });
  }
}
