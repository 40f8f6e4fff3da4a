// Joining a class (or watching one): the six-character code and a name, with errors a student can act
// on — no such class, the class is full, the name is taken, the server cannot be reached.

import Phaser from 'phaser';
import { params } from '../app.ts';
import { t, type MessageKey } from '../i18n/index.ts';
import { JoinError, joinClass, normalizeCode } from '../net/connection.ts';
import { RoomSource } from '../net/room-source.ts';
import { h } from '../ui/dom.ts';
import { mountScreen } from './menu.ts';

const NAME_KEY = 'packetplay.name';

export function savedName(): string {
  try {
    return localStorage.getItem(NAME_KEY) ?? '';
  } catch {
    return '';
  }
}

export function saveName(name: string): void {
  try {
    localStorage.setItem(NAME_KEY, name);
  } catch {
    /* private mode: the name is typed again next time */
  }
}

export class JoinScene extends Phaser.Scene {
  private mode: 'play' | 'watch' = 'play';
  private error: MessageKey | null = null;
  private busy = false;
  private code = '';
  private name = '';

  constructor() {
    super('join');
  }

  init(data: { mode?: 'play' | 'watch' }): void {
    this.mode = data.mode ?? 'play';
    this.error = null;
    this.busy = false;
    this.code = params.get('code') ?? '';
    this.name = savedName();
  }

  create(): void {
    if (!this.scene.isActive('backdrop')) this.scene.launch('backdrop');
    this.scene.bringToTop();
    const screen = mountScreen(this, 'join', () => {
      const codeInput = h('input', {
        id: 'join-code',
        class: 'code-input',
        data: { testid: 'code-input' },
        autocomplete: 'off',
        autocapitalize: 'characters',
        spellcheck: 'false',
        maxlength: '8',
        placeholder: 'ABC234',
        value: this.code,
        autofocus: true,
      });
      codeInput.addEventListener('input', () => {
        this.code = codeInput.value;
        codeInput.value = normalizeCode(codeInput.value);
      });
      const nameInput = h('input', { id: 'join-name', data: { testid: 'name-input' }, maxlength: '24', autocomplete: 'nickname', value: this.name, placeholder: t('join.namePlaceholder') });
      nameInput.addEventListener('input', () => (this.name = nameInput.value));
      const submit = h('button', { class: 'btn btn-primary', type: 'submit', data: { testid: 'join-submit' }, disabled: this.busy, text: this.busy ? t('join.connecting') : this.mode === 'watch' ? t('join.watch') : t('join.join') });
      const form = h(
        'form',
        { class: 'form' },
        h('label', { for: 'join-code', text: t('join.code') }),
        codeInput,
        h('label', { for: 'join-name', text: this.mode === 'watch' ? t('join.nameOptional') : t('join.name') }),
        nameInput,
        this.error === null ? null : h('p', { class: 'error', role: 'alert', data: { testid: 'join-error' }, text: t(this.error) }),
        h('div', { class: 'actions' }, h('button', { class: 'btn', type: 'button', text: t('common.back'), on: { click: () => this.scene.start('title') } }), submit),
      );
      form.addEventListener('submit', (e) => {
        e.preventDefault();
        void this.submit(screen.rebuild);
      });
      return h('div', { class: 'menu-card' }, h('h1', { text: this.mode === 'watch' ? t('join.watchTitle') : t('join.title') }), h('p', { class: 'muted', text: this.mode === 'watch' ? t('join.watchIntro') : t('join.intro') }), form);
    });
  }

  private async submit(rebuild: () => void): Promise<void> {
    if (this.busy) return;
    const name = this.name.trim();
    if (this.mode === 'play' && name === '') {
      this.error = 'join.error.noName';
      rebuild();
      return;
    }
    this.busy = true;
    this.error = null;
    rebuild();
    try {
      const spectator = this.mode === 'watch';
      const room = await joinClass(this.code, name === '' ? t('join.defaultSpectator') : name, spectator);
      if (name !== '') saveName(name);
      const source = new RoomSource(room, { code: room.roomId, spectator, name });
      this.scene.stop('backdrop');
      if (spectator) this.scene.start('game', { source, spectator: true });
      else this.scene.start('lobby', { source });
    } catch (err) {
      this.busy = false;
      this.error = err instanceof JoinError ? (`join.error.${err.kind}` as MessageKey) : 'join.error.refused';
      if (this.scene.isActive()) rebuild();
    }
  }
}
