// The tapping player's view: what crossed the tapped link, newest first. HTTP is readable as it
// travels (a password in a login form included); HTTPS is ciphertext, unless a man in the middle
// decrypts it.

import { t } from '../i18n/index.ts';
import type { World } from '../model/world.ts';
import { h, setChildren } from './dom.ts';
import type { Panel } from './panel.ts';

const SHOWN = 40;

export class TapPanel implements Panel {
  readonly root: HTMLElement;
  private readonly world: World;
  private readonly node: string;
  private readonly list: HTMLElement;
  private lastCount = -1;

  constructor(world: World, node: string) {
    this.world = world;
    this.node = node;
    this.list = h('div', { class: 'tap-list', data: { testid: 'tap-list' } });
    this.root = h('section', { class: 'panel tap-panel', data: { testid: 'tap-panel' } }, h('h2', { text: t('tap.title', { node }) }), h('p', { class: 'hint', text: t('tap.hint') }), this.list);
    this.update();
  }

  update(): void {
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
        const encrypted = f.protocol === 'TLS' || (f.protocol ?? '').startsWith('TLS');
        const readable = f.previewFormat === 'text' && (f.preview ?? '') !== '';
        const tag =
          f.action === 'plaintext' ? h('span', { class: 'tag tag-bad', text: t('tap.decrypted') }) : encrypted ? h('span', { class: 'tag tag-good', text: t('tap.encrypted') }) : readable ? h('span', { class: 'tag tag-bad', text: t('tap.readable') }) : null;
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
