// The title screen: play solo, join a class, host a class, watch, the sandbox, and the language.

import Phaser from 'phaser';
import { lang, setLang, t } from '../i18n/index.ts';
import { JoinError, loadRejoin, rejoinClass, saveRejoin, type Rejoin } from '../net/connection.ts';
import { RoomSource } from '../net/room-source.ts';
import { startSandbox } from '../solo/sandbox.ts';
import { toast } from '../ui/toast.ts';
import { readScenarioFile } from '../ui/scenario-file.ts';
import type { MessageKey } from '../i18n/index.ts';
import { h } from '../ui/dom.ts';
import { mountScreen } from './menu.ts';

export class TitleScene extends Phaser.Scene {
  constructor() {
    super('title');
  }

  create(): void {
    if (!this.scene.isActive('backdrop')) this.scene.launch('backdrop');
    this.scene.bringToTop();
    const rejoin = loadRejoin();
    mountScreen(this, 'title', () => {
      const item = (testid: string, label: string, hint: string, go: () => void, primary = false) =>
        h('button', { class: `menu-item${primary ? ' primary' : ''}`, data: { testid }, on: { click: go } }, h('span', { class: 'menu-label', text: label }), h('span', { class: 'menu-hint', text: hint }));
      const langSwitch = h(
        'div',
        { class: 'lang-switch', role: 'group', aria: { label: t('title.language') } },
        h('button', { class: `btn${lang() === 'ko' ? ' active' : ''}`, data: { testid: 'lang-ko' }, text: '한국어', on: { click: () => setLang('ko') } }),
        h('button', { class: `btn${lang() === 'en' ? ' active' : ''}`, data: { testid: 'lang-en' }, text: 'English', on: { click: () => setLang('en') } }),
      );
      return h(
        'div',
        { class: 'title-card' },
        h('h1', { class: 'logo' }, h('span', { class: 'logo-packet' }), 'PacketPlay'),
        h('p', { class: 'tagline', text: t('title.tagline') }),
        h(
          'nav',
          { class: 'menu' },
          rejoin === null ? null : item('menu-rejoin', t('title.rejoin', { code: rejoin.code }), t('title.rejoinHint'), () => void this.rejoin(rejoin), true),
          item('menu-solo', t('title.solo'), t('title.soloHint'), () => this.scene.start('solo'), rejoin === null),
          item('menu-join', t('title.join'), t('title.joinHint'), () => this.scene.start('join', { mode: 'play' })),
          item('menu-host', t('title.host'), t('title.hostHint'), () => this.scene.start('host')),
          item('menu-watch', t('title.watch'), t('title.watchHint'), () => this.scene.start('join', { mode: 'watch' })),
          item('menu-sandbox', t('title.sandbox'), t('title.sandboxHint'), () => void startSandbox(this)),
        ),
        this.openFileRow(),
        langSwitch,
        h('p', { class: 'footnote', text: t('title.footnote') }),
      );
    });
  }

  /** A replay a teacher shared (or any scenario file), opened straight in the sandbox. */
  private openFileRow(): HTMLElement {
    const input = h('input', { type: 'file', accept: '.json,application/json', class: 'visually-hidden', data: { testid: 'menu-file' } });
    input.addEventListener('change', () => {
      const f = input.files?.[0];
      input.value = '';
      if (f === undefined) return;
      void readScenarioFile(f).then((read) => {
        if (!read.ok) toast(t('toast.refused', { reason: `${f.name}: ${read.problem}` }), 'bad');
        else void startSandbox(this, undefined, read.scenario);
      });
    });
    const button = h('button', { class: 'btn btn-small', type: 'button', data: { testid: 'menu-open-file' }, text: t('title.openFile'), on: { click: () => input.click() } });
    return h('div', { class: 'open-file' }, button, input);
  }

  /** Back into the class this tab was in before a reload. */
  private async rejoin(r: Rejoin): Promise<void> {
    try {
      const room = await rejoinClass(r);
      const source = new RoomSource(room, { code: r.code, spectator: r.spectator, name: r.name });
      if (r.hostToken !== null) await source.whoami();
      this.scene.stop('backdrop');
      if (r.spectator) this.scene.start('game', { source, spectator: true });
      else this.scene.start(source.world.paused && r.hostToken !== null ? 'lobby' : 'game', { source });
    } catch (err) {
      saveRejoin(null);
      toast(t(err instanceof JoinError ? (`join.error.${err.kind}` as MessageKey) : 'join.error.refused'), 'bad');
      this.scene.restart();
    }
  }
}
