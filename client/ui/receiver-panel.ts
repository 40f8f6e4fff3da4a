// The receiving application's controls (seed: flow control): the receive buffer filling with bytes
// that arrived in order but were not read yet, the window the receiver advertises (what is left of
// the buffer), and how fast the application reads. Reading slowly fills the buffer; a full buffer
// advertises a zero window and the sender must stop.

import { bytes, n, rate, t } from '../i18n/index.ts';
import type { GameSource } from '../model/source.ts';
import type { FlowView } from '../model/topology.ts';
import { h, setChildren, setText } from './dom.ts';
import type { Panel } from './panel.ts';
import { toast } from './toast.ts';
import { refusalMessage } from '../i18n/engine-reasons.ts';

/** Read rates offered, bits/s (null: as fast as data arrives). */
export const READ_RATES: ReadonlyArray<number | null> = [1000, 8000, 32000, 128000, null];

interface Card {
  fill: HTMLElement;
  text: HTMLElement;
  window: HTMLElement;
  buttons: Map<number | null, HTMLButtonElement>;
}

export class ReceiverPanel implements Panel {
  readonly root: HTMLElement;
  private readonly source: GameSource;
  private readonly filter: (f: FlowView) => boolean;
  private readonly body: HTMLElement;
  private readonly cards = new Map<string, Card>();
  private shown = '';

  constructor(source: GameSource, filter: (f: FlowView) => boolean) {
    this.source = source;
    this.filter = filter;
    this.body = h('div', { class: 'flow-cards' });
    this.root = h('section', { class: 'panel receiver-panel', data: { testid: 'receiver-panel' } }, h('h2', { text: t('receiver.title') }), this.body, h('p', { class: 'hint', text: t('receiver.hint') }));
    this.update();
  }

  update(): void {
    const flows = [...this.source.world.flows.values()].filter((f) => f.transport === 'tcp' && f.app === 'bulk' && this.filter(f));
    const ids = flows.map((f) => f.id).join(',');
    if (ids !== this.shown) {
      this.shown = ids;
      this.cards.clear();
      setChildren(this.body, ...flows.map((f) => this.card(f)));
    }
    for (const f of flows) {
      const c = this.cards.get(f.id)!;
      const hist = this.source.world.histories.get(f.id);
      const buffered = hist?.buffered ?? 0;
      const share = Math.min(1, buffered / Math.max(1, f.rwndBytes));
      c.fill.style.width = `${(share * 100).toFixed(1)}%`;
      c.fill.classList.toggle('full', share >= 0.95);
      setText(c.text, t('receiver.buffer', { used: bytes(buffered), size: bytes(f.rwndBytes), read: bytes(hist?.delivered ?? 0) }));
      const rwnd = hist?.rwnd;
      setText(c.window, rwnd === null || rwnd === undefined ? t('receiver.windowUnknown') : rwnd === 0 ? t('receiver.windowZero') : t('receiver.window', { w: bytes(rwnd), probes: n(hist?.probes ?? 0) }));
      c.window.classList.toggle('bad', rwnd === 0);
      for (const [r, b] of c.buttons) b.classList.toggle('active', r === f.readRateBps);
    }
  }

  private card(f: FlowView): HTMLElement {
    const fill = h('div', { class: 'meter-fill' });
    const text = h('div', { class: 'stats' });
    const windowEl = h('div', { class: 'stats' });
    const buttons = new Map<number | null, HTMLButtonElement>();
    const rates = READ_RATES.map((r) => {
      const b = h('button', {
        class: 'btn btn-small',
        data: { testid: `read-${f.id}-${r ?? 'max'}` },
        text: r === null ? t('receiver.asFast') : rate(r),
        on: { click: () => void this.setRate(f.id, r) },
      });
      buttons.set(r, b);
      return b;
    });
    this.cards.set(f.id, { fill, text, window: windowEl, buttons });
    return h(
      'div',
      { class: 'flow-card', data: { flow: f.id } },
      h('div', { class: 'flow-head' }, h('strong', { text: f.id }), h('span', { class: 'muted', text: ` ${f.from} → ${f.to}` })),
      h('div', { class: 'meter', aria: { label: t('receiver.bufferLabel') } }, fill),
      text,
      windowEl,
      h('div', { class: 'muted', text: t('receiver.readRate') }),
      h('div', { class: 'segmented' }, ...rates),
    );
  }

  private async setRate(flow: string, r: number | null): Promise<void> {
    const res = await this.source.setReadRate(flow, r);
    if (!res.ok) toast(t('toast.refused', { reason: refusalMessage(res) }), 'bad');
    this.update();
  }

  dispose(): void {
    this.root.remove();
  }
}
