// The bar across the top of the game: what is running, the simulated clock and speed, the player's
// role, the level's objective in solo play, the language switch and the way out.

import { clock, lang, setLang, t } from '../i18n/index.ts';
import type { GameSource } from '../model/source.ts';
import { h, setText } from './dom.ts';
import type { Panel } from './panel.ts';
import { SPEEDS } from './host-panel.ts';
import { roleAtNode } from './role-name.ts';

export interface ObjectiveView {
  text: string;
  status: string;
}

export class TopBar implements Panel {
  readonly root: HTMLElement;
  private readonly source: GameSource;
  private readonly clockEl: HTMLElement;
  private readonly nameEl: HTMLElement;
  private readonly speedEl: HTMLElement;
  private readonly roleEl: HTMLElement;
  private readonly objectiveEl: HTMLElement;
  private readonly objectiveStatus: HTMLElement;
  private readonly pauseBtn: HTMLButtonElement | null;
  private readonly objective: (() => ObjectiveView | null) | null;

  constructor(source: GameSource, opts: { objective: (() => ObjectiveView | null) | null; onLeave: () => void; timeControls: boolean }) {
    this.source = source;
    this.objective = opts.objective;
    this.clockEl = h('span', { class: 'clock', data: { testid: 'clock' } });
    this.speedEl = h('span', { class: 'speed' });
    this.roleEl = h('span', { class: 'role-badge', data: { testid: 'role-badge' } });
    this.objectiveEl = h('span', { class: 'objective', data: { testid: 'objective' } });
    this.objectiveStatus = h('span', { class: 'objective-status', data: { testid: 'objective-status' } });
    const host = source.host;
    let controls: HTMLElement | null = null;
    this.pauseBtn = null;
    if (opts.timeControls && host !== null) {
      this.pauseBtn = h('button', {
        class: 'btn btn-small',
        data: { testid: 'pause' },
        on: {
          click: () => {
            if (source.world.paused) host.resume();
            else host.pause();
            this.update();
          },
        },
      });
      const slower = h('button', { class: 'btn btn-small', aria: { label: t('top.slower') }, text: '−', on: { click: () => this.nudgeSpeed(-1) } });
      const faster = h('button', { class: 'btn btn-small', aria: { label: t('top.faster') }, text: '+', on: { click: () => this.nudgeSpeed(1) } });
      controls = h('span', { class: 'time-controls' }, this.pauseBtn, slower, this.speedEl, faster);
    }
    const langBtn = h('button', {
      class: 'btn btn-small',
      data: { testid: 'lang-toggle' },
      text: lang() === 'ko' ? 'EN' : '한국어',
      on: { click: () => setLang(lang() === 'ko' ? 'en' : 'ko') },
    });
    // Updated every frame: the host (or the sandbox) may load another scenario under the same bar.
    this.nameEl = h('strong', { class: 'scenario-name', data: { testid: 'scenario-name' }, text: source.world.scenarioName });
    const leave = h('button', { class: 'btn btn-small', data: { testid: 'leave' }, text: t('top.leave'), on: { click: opts.onLeave } });
    this.root = h(
      'header',
      { class: 'top-bar' },
      h('div', { class: 'top-left' }, this.nameEl, opts.objective !== null ? h('div', { class: 'objective-line' }, this.objectiveEl, this.objectiveStatus) : null),
      h('div', { class: 'top-mid' }, this.clockEl, controls ?? this.speedEl),
      h('div', { class: 'top-right' }, this.roleEl, langBtn, leave),
    );
    this.update();
  }

  private nudgeSpeed(dir: number): void {
    const host = this.source.host;
    if (host === null) return;
    const w = this.source.world;
    let i = SPEEDS.findIndex((s) => Math.abs(s - w.speed) < 1e-9);
    if (i < 0) i = SPEEDS.indexOf(1);
    const next = SPEEDS[Math.max(0, Math.min(SPEEDS.length - 1, i + dir))]!;
    host.setSpeed(next);
    this.update();
  }

  update(): void {
    const w = this.source.world;
    setText(this.nameEl, w.scenarioName);
    setText(this.clockEl, `${clock(w.nowMs)} / ${clock(w.durationMs)}`);
    setText(this.speedEl, w.paused ? t('top.paused') : `×${w.speed}`);
    this.speedEl.classList.toggle('paused', w.paused);
    if (this.pauseBtn !== null) setText(this.pauseBtn, w.paused ? t('top.resume') : t('top.pause'));
    const me = this.source.me();
    setText(this.roleEl, roleAtNode(me.role, me.node, me.node === null ? undefined : w.nodes.get(me.node)?.kind));
    if (this.objective !== null) {
      const o = this.objective();
      setText(this.objectiveEl, o?.text ?? '');
      setText(this.objectiveStatus, o?.status ?? '');
    }
  }

  dispose(): void {
    this.root.remove();
  }
}
