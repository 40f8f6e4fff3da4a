// The lobby: who is here and which role each has. The host sees the join code large (or hidden in
// streamer mode) and starts the class; a student sees their role and enters when the class starts.

import Phaser from 'phaser';
import { t } from '../i18n/index.ts';
import type { RoomSource } from '../net/room-source.ts';
import { h } from '../ui/dom.ts';
import { setStreamerMode, streamerMode } from '../ui/host-panel.ts';
import { joinAddressLine } from '../ui/join-address.ts';
import { seatSelect } from '../ui/seat-select.ts';
import { roleAtNode } from '../ui/role-name.ts';
import { mountScreen } from './menu.ts';

export class LobbyScene extends Phaser.Scene {
  private source!: RoomSource;
  private left = false;

  constructor() {
    super('lobby');
  }

  init(data: { source: RoomSource }): void {
    this.source = data.source;
    this.left = false;
  }

  create(): void {
    const source = this.source;
    const screen = mountScreen(this, 'lobby', () => this.render());
    const off = source.onState(() => {
      if (this.left) return;
      // A student enters as soon as the class runs; the host decides when that is.
      if (!source.isHost && !source.world.paused) this.enter();
      else screen.rebuild();
    });
    source.onEnd((end) => {
      if (this.left) return;
      this.left = true;
      this.scene.start('end', { summary: { scenario: source.world.scenarioName, simMs: source.world.nowMs, reason: end.reason, drops: [], totalDrops: 0, flows: [], players: [] } });
    });
    this.events.once('shutdown', off);
  }

  private enter(): void {
    if (this.left) return;
    this.left = true;
    this.scene.start('game', { source: this.source });
  }

  private render(): HTMLElement {
    const s = this.source;
    const w = s.world;
    const me = s.me();
    const players = [...w.players.values()].sort((a, b) => Number(b.host) - Number(a.host) || a.name.localeCompare(b.name));
    const roleText = (role: string, node: string | null) => roleAtNode(role, node, node === null ? undefined : w.nodes.get(node)?.kind);
    const rows = players.map((p) =>
      h(
        'li',
        { class: p.connected ? '' : 'muted', data: { player: p.name } },
        h('strong', { text: p.name }),
        ' · ',
        // The host moves people between seats here, before anything runs.
        s.isHost && !p.host ? seatSelect(w, p.id, (role, node) => void s.host?.assignRole(p.id, role ?? 'spectator', node)) : h('span', { text: roleText(p.role, p.node) }),
        p.id === s.room.sessionId ? h('span', { class: 'tag', text: t('lobby.you') }) : null,
      ),
    );
    const codeBlock = () => {
      let hidden = streamerMode();
      const code = h('div', { class: 'join-code huge', data: { testid: 'lobby-code' }, text: hidden ? '••••••' : s.code });
      const box = h('input', { type: 'checkbox', data: { testid: 'lobby-streamer' } });
      box.checked = hidden;
      const where = joinAddressLine(hidden);
      box.addEventListener('change', () => {
        hidden = box.checked;
        setStreamerMode(hidden);
        code.textContent = hidden ? '••••••' : s.code;
        where.setHidden(hidden);
      });
      return h('div', { class: 'code-box' }, where.el, h('div', { class: 'muted', text: t('lobby.codeHint') }), code, h('label', { class: 'toggle' }, box, ` ${t('host.streamer')}`));
    };
    const myRole = roleText(me.role, me.node);
    return h(
      'div',
      { class: 'menu-card wide' },
      h('h1', { text: t('lobby.title', { scenario: w.scenarioName }) }),
      s.isHost ? codeBlock() : h('p', { class: 'lead', data: { testid: 'lobby-role' }, text: t('lobby.yourRole', { role: myRole }) }),
      s.isHost ? null : h('p', { class: 'muted', text: w.paused ? t('lobby.waiting') : t('lobby.running') }),
      h('h2', { text: t('lobby.players', { n: players.length }) }),
      h('ul', { class: 'lobby-players', data: { testid: 'lobby-players' } }, ...rows),
      s.isHost ? h('p', { class: 'hint', text: t('lobby.assignHint') }) : null,
      h(
        'div',
        { class: 'actions' },
        h('button', {
          class: 'btn',
          text: t('top.leave'),
          on: {
            click: () => {
              this.left = true;
              s.dispose();
              this.scene.start('title');
            },
          },
        }),
        s.isHost
          ? h('button', {
              class: 'btn btn-primary',
              data: { testid: 'lobby-start' },
              text: t('lobby.start'),
              on: {
                click: () => {
                  s.host?.resume();
                  this.enter();
                },
              },
            })
          : h('button', { class: 'btn btn-primary', data: { testid: 'lobby-enter' }, text: t('lobby.enter'), on: { click: () => this.enter() } }),
      ),
    );
  }
}

