// The packet inspector: one packet opened layer by layer (seed: OSI layers) — the Ethernet frame,
// the IP datagram, the TCP segment or UDP datagram, and what it carries — with every header field's
// value, and the frame's bytes coloured by the layer they belong to.

import type { InspectedPacket, LayerField } from '../../shared/protocols/net/layers.ts';
import { hasKey, lang, t } from '../i18n/index.ts';
import { h, setChildren, uiRoot } from './dom.ts';

const LAYER_CLASS = ['l2', 'l3', 'l4', 'l7'];

function layerClass(osi: number): string {
  return osi <= 2 ? LAYER_CLASS[0]! : osi === 3 ? LAYER_CLASS[1]! : osi === 4 ? LAYER_CLASS[2]! : LAYER_CLASS[3]!;
}

/** A field's label in the player's language, keeping the standard name in view for Korean readers. */
export function fieldLabel(name: string): string {
  const key = `field.${name.replace(/\s+/g, '_')}`;
  if (!hasKey(key)) return name;
  const label = t(key);
  return lang() === 'ko' && label !== name ? `${label} (${name})` : label;
}

function fieldValue(f: LayerField): string {
  if (typeof f.value === 'boolean') return f.value ? t('common.yes') : t('common.no');
  return String(f.value);
}

export class Inspector {
  private readonly overlay: HTMLElement;
  private readonly content: HTMLElement;
  private onClose: (() => void) | null = null;

  constructor() {
    this.content = h('div', { class: 'inspector-body' });
    const close = h('button', { class: 'btn', data: { testid: 'inspector-close' }, text: t('common.close'), on: { click: () => this.close() } });
    this.overlay = h(
      'div',
      { class: 'modal', role: 'dialog', aria: { modal: 'true', label: t('inspector.title') }, data: { testid: 'inspector' }, hidden: true },
      h('div', { class: 'modal-card inspector' }, h('div', { class: 'modal-head' }, h('h2', { text: t('inspector.title') }), close), this.content),
    );
    this.overlay.addEventListener('click', (e) => {
      if (e.target === this.overlay) this.close();
    });
    uiRoot().append(this.overlay);
  }

  get isOpen(): boolean {
    return !this.overlay.hidden;
  }

  showLoading(id: number): void {
    setChildren(this.content, h('p', { class: 'muted', text: t('inspector.loading', { id }) }));
    this.overlay.hidden = false;
  }

  showGone(id: number): void {
    setChildren(this.content, h('p', { class: 'muted', text: t('inspector.gone', { id }) }));
    this.overlay.hidden = false;
  }

  show(p: InspectedPacket, onClose?: () => void): void {
    this.onClose = onClose ?? null;
    const tags: HTMLElement[] = [];
    if (p.retransmit) tags.push(h('span', { class: 'tag tag-bad', text: t('packet.retransmit') }));
    if (p.duplicateOf !== 0) tags.push(h('span', { class: 'tag', text: t('inspector.copyOf', { id: p.duplicateOf }) }));
    const summary = h(
      'p',
      {},
      h('strong', { text: `#${p.id} ${t(`kind.packet.${p.kind}` as 'kind.packet.data')}` }),
      ` · ${t('inspector.flow', { flow: p.flow ?? '-' })} · ${t('inspector.frameBytes', { n: p.frameBytes })} `,
      ...tags,
    );
    const layers = p.layers.map((layer) =>
      h(
        'details',
        { class: `layer ${layerClass(layer.osi)}`, open: true, data: { osi: layer.osi } },
        h('summary', {}, h('span', { class: 'osi', text: `L${layer.osi}` }), ` ${layer.protocol} `, h('span', { class: 'muted', text: t('inspector.bytesAt', { offset: layer.offset, length: layer.length }) })),
        h('table', {}, h('tbody', {}, ...layer.fields.map((f) => h('tr', {}, h('th', { text: fieldLabel(f.name) }), h('td', { text: fieldValue(f) }))))),
      ),
    );
    setChildren(this.content, summary, ...layers, h('h3', { text: t('inspector.bytes') }), this.hexDump(p), p.truncated ? h('p', { class: 'muted', text: t('inspector.truncated') }) : null);
    this.overlay.hidden = false;
  }

  private hexDump(p: InspectedPacket): HTMLElement {
    const bytes = p.hex.length / 2;
    const owner = (i: number): string => {
      for (let k = p.layers.length - 1; k >= 0; k--) {
        const l = p.layers[k]!;
        if (i >= l.offset && i < l.offset + l.length) return layerClass(l.osi);
      }
      return 'pad';
    };
    const lines: HTMLElement[] = [];
    for (let row = 0; row < bytes; row += 16) {
      const cells: HTMLElement[] = [h('span', { class: 'offset', text: row.toString(16).padStart(4, '0') })];
      for (let i = row; i < Math.min(bytes, row + 16); i++) cells.push(h('span', { class: `byte ${owner(i)}`, text: p.hex.slice(i * 2, i * 2 + 2) }));
      lines.push(h('div', { class: 'hex-line' }, ...cells));
    }
    return h('div', { class: 'hex' }, ...lines);
  }

  close(): void {
    this.overlay.hidden = true;
    const fn = this.onClose;
    this.onClose = null;
    fn?.();
  }

  dispose(): void {
    this.overlay.remove();
  }
}
