// The tapping player's view: what crossed the tapped link, newest first. HTTP is readable as it
// travels (a password in a login form included); HTTPS is ciphertext, unless a man in the middle
// decrypts it.

import { t } from '../i18n/index.ts';
import { handshakeMessageName } from '../model/captions.ts';
import type { TapAttack } from '../model/source.ts';
import type { World } from '../model/world.ts';
import { TAP_TAMPERS } from '../../shared/protocols/app/tls/spec.ts';
import { h, setChildren } from './dom.ts';
import type { Panel } from './panel.ts';
import { refusalText } from '../i18n/engine-reasons.ts';

const SHOWN = 40;

export class TapPanel implements Panel {
  readonly root: HTMLElement;
  private readonly world: World;
  private readonly node: string;
  private readonly list: HTMLElement;
  private lastCount = -1;
  private readonly attack: TapAttack | null;
  /** The attack's buttons: one per handshake message, and "nothing" (null). */
  private readonly targets: Array<{ target: string | null; button: HTMLButtonElement }> = [];
  private readonly attackNote: HTMLElement;

  /** `attack`: the player may also alter handshake messages in flight (an on-path attacker). */
  constructor(world: World, node: string, attack: TapAttack | null = null) {
    this.world = world;
    this.node = node;
    this.attack = attack;
    this.list = h('div', { class: 'tap-list', data: { testid: 'tap-list' } });
    this.attackNote = h('p', { class: 'muted', aria: { live: 'polite' } });
    const attackRow =
      attack === null
        ? null
        : h(
            'div',
            { class: 'tap-attack', data: { testid: 'tap-attack' } },
            h('span', { class: 'muted', text: t('tap.attack') }),
            h(
              'div',
              { class: 'segmented' },
              ...[null, ...TAP_TAMPERS].map((target) => {
                const button = h('button', {
                  class: 'btn btn-small',
                  data: { testid: `tamper-${target ?? 'none'}` },
                  text: target === null ? t('tap.attackNone') : handshakeMessageName(target),
                  on: { click: () => void this.choose(target) },
                });
                this.targets.push({ target, button });
                return button;
              }),
            ),
            this.attackNote,
          );
    this.root = h(
      'section',
      { class: 'panel tap-panel', data: { testid: 'tap-panel' } },
      h('h2', { text: t('tap.title', { node }) }),
      h('p', { class: 'hint', text: t(attack === null ? 'tap.hint' : 'tap.hintAttack') }),
      attackRow,
      this.list,
    );
    this.update();
  }

  private async choose(target: string | null): Promise<void> {
    if (this.attack === null) return;
    const r = await this.attack.setTarget(this.node, target);
    this.attackNote.textContent = r.ok ? '' : refusalText(r);
    this.updateAttack();
  }

  private updateAttack(): void {
    if (this.attack === null) return;
    const current = this.attack.target(this.node);
    for (const { target, button } of this.targets) {
      const on = target === current;
      button.classList.toggle('active', on);
      button.setAttribute('aria-pressed', String(on));
    }
  }

  update(): void {
    this.updateAttack();
    const frames = this.world.taps.get(this.node) ?? [];
    const last = frames[frames.length - 1];
    const key = frames.length * 1e9 + (last?.t ?? 0);
    if (key === this.lastCount) return;
    this.lastCount = key;
    if (frames.length === 0) {
      setChildren(this.list, h('p', { class: 'muted', text: t('tap.empty') }));
      return;
    }
    const shown = frames.slice(-SHOWN).reverse();
    setChildren(
      this.list,
      ...shown.map((f) => {
        const tls = f.protocol === 'TLS' || (f.protocol ?? '').startsWith('TLS');
        // A TLS record's first byte is its content type: 22 (0x16) a handshake record, whose hellos and
        // certificate travel in clear; application data (0x17) is ciphertext.
        const handshake = tls && f.previewFormat === 'hex' && (f.preview ?? '').startsWith('16');
        const encrypted = tls && !handshake;
        const readable = f.previewFormat === 'text' && (f.preview ?? '') !== '';
        const tag =
          f.action === 'tamper'
            ? h('span', { class: 'tag tag-bad', text: t('tap.altered') })
            : f.action === 'plaintext'
              ? h('span', { class: 'tag tag-bad', text: t('tap.decrypted') })
              : handshake
                ? h('span', { class: 'tag', text: t('tap.handshake') })
                : encrypted
                  ? h('span', { class: 'tag tag-good', text: t('tap.encrypted') })
                  : readable
                    ? h('span', { class: 'tag tag-bad', text: t('tap.readable') })
                    : null;
        return h(
          'div',
          { class: `tap-frame${readable && !encrypted ? ' readable' : ''}`, data: { packet: f.packet ?? 0, action: f.action } },
          h('div', { class: 'row' }, h('span', { class: 'muted', text: `${(f.t / 1000).toFixed(2)}s` }), h('strong', { text: f.protocol ?? f.action }), tag),
          f.summary === undefined ? null : h('div', { class: 'mono small', text: f.summary }),
          f.preview === undefined || f.preview === '' ? null : h('pre', { class: 'tap-preview', text: f.previewFormat === 'hex' ? spaced(f.preview) : f.preview }),
        );
      }),
    );
  }

  dispose(): void {
    this.root.remove();
  }
}

function spaced(hex: string): string {
  return hex.replace(/(..)/g, '$1 ').trim();
}
