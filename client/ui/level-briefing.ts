// The card a solo level opens with: what the level is, the player's role, the brief, the goal and
// what earns the other stars. Simulated time waits until the player starts the level from here, so
// reading it costs nothing against the level's clock.

import { t } from '../i18n/index.ts';
import type { LevelDef } from '../solo/levels.ts';
import { levelNumber } from '../solo/levels.ts';
import { h, uiRoot } from './dom.ts';
import { roleName } from './role-name.ts';

export interface BriefingActions {
  start: () => void;
  back: () => void;
}

export class LevelBriefing {
  private readonly overlay: HTMLElement;
  private readonly startBtn: HTMLButtonElement;
  private readonly actions: BriefingActions;

  constructor(level: LevelDef, actions: BriefingActions) {
    this.actions = actions;
    const kind = level.scenario.nodes?.find((n) => n.id === level.role.node)?.kind;
    this.startBtn = h('button', { class: 'btn btn-primary', data: { testid: 'level-start' }, text: t('briefing.start'), on: { click: () => this.start() } });
    const back = h('button', { class: 'btn', data: { testid: 'level-back' }, text: t('briefing.back'), on: { click: () => actions.back() } });
    this.overlay = h(
      'div',
      { class: 'modal', role: 'dialog', aria: { modal: 'true', label: t(level.title) }, data: { testid: 'level-briefing' } },
      h(
        'div',
        { class: 'modal-card briefing' },
        h('p', { class: 'muted', text: t('briefing.level', { n: levelNumber(level) }) }),
        h('h2', { text: t(level.title) }),
        h('p', { class: 'briefing-role', text: t('solo.role', { role: roleName(level.role.role, kind) }) }),
        h('p', { text: t(level.brief) }),
        h('h3', { text: t('briefing.goal') }),
        h('p', { class: 'briefing-goal', data: { testid: 'briefing-goal' }, text: t(level.objective) }),
        h('h3', { text: t('briefing.stars') }),
        h('ul', { class: 'star-list' }, ...level.stars.map((key) => h('li', { text: `☆ ${t(key)}` }))),
        h('p', { class: 'muted', text: t('briefing.clock') }),
        h('div', { class: 'actions' }, back, this.startBtn),
      ),
    );
    uiRoot().append(this.overlay);
    this.startBtn.focus();
  }

  get isOpen(): boolean {
    return this.overlay.isConnected;
  }

  /** Close the card and let the level's time run. */
  start(): void {
    if (!this.isOpen) return;
    this.overlay.remove();
    this.actions.start();
  }

  dispose(): void {
    this.overlay.remove();
  }
}
