// The sender's controls: start and stop each transfer or stream this player may run. A scenario
// offers the choices (the same call over TCP or over UDP, a transfer with Go-Back-N or Selective
// Repeat...) as separate flows, so choosing a transport or a mode is choosing which flow to start.

import { bytes, n, rate, t } from '../i18n/index.ts';
import type { GameSource } from '../model/source.ts';
import type { FlowView } from '../model/topology.ts';
import { h, setChildren, setText } from './dom.ts';
import type { Panel } from './panel.ts';
import { toast } from './toast.ts';

export function flowMode(f: FlowView): string {
  if (f.transport === 'udp') return t('flow.udpMode', { app: t(`app.${f.app}` as 'app.bulk') });
  const arq = f.arq === 'tcp' ? (f.cc === '' ? 'TCP' : t('flow.cc', { cc: f.cc.toUpperCase() })) : t(`arq.${f.arq}` as 'arq.go-back-n', { n: f.windowSegments });
  return `${t(`app.${f.app}` as 'app.bulk')} · ${arq}`;
}

interface Card {
  root: HTMLElement;
  stats: HTMLElement;
  start: HTMLButtonElement;
  stop: HTMLButtonElement;
}

export class SenderPanel implements Panel {
  readonly root: HTMLElement;
  private readonly source: GameSource;
  private readonly flowsFilter: (f: FlowView) => boolean;
  private readonly body: HTMLElement;
  private readonly cards = new Map<string, Card>();
  private shown = '';

  constructor(source: GameSource, flowsFilter: (f: FlowView) => boolean) {
    this.source = source;
    this.flowsFilter = flowsFilter;
    this.body = h('div', { class: 'flow-cards' });
    this.root = h('section', { class: 'panel sender-panel', data: { testid: 'sender-panel' } }, h('h2', { text: t('sender.title') }), this.body, h('p', { class: 'hint', text: t('sender.hint') }));
    this.update();
  }

  update(): void {
    const flows = [...this.source.world.flows.values()].filter(this.flowsFilter);
    const ids = flows.map((f) => f.id).join(',');
    if (ids !== this.shown) {
      this.shown = ids;
      this.cards.clear();
      setChildren(this.body, ...flows.map((f) => this.card(f).root));
    }
    for (const f of flows) this.refresh(f, this.cards.get(f.id)!);
  }

  private card(f: FlowView): Card {
    const start = h('button', {
      class: 'btn btn-primary',
      data: { testid: `start-${f.id}` },
      text: t('sender.start'),
      on: { click: () => void this.act(this.source.startFlow(f.id)) },
    });
    const stop = h('button', {
      class: 'btn',
      data: { testid: `stop-${f.id}` },
      text: f.app === 'video' ? t('sender.hangUp') : t('sender.stop'),
      on: { click: () => void this.act(this.source.stopFlow(f.id)) },
    });
    const stats = h('div', { class: 'stats' });
    const root = h(
      'div',
      { class: 'flow-card', data: { flow: f.id } },
      h('div', { class: 'flow-head' }, h('span', { class: `badge badge-${f.transport}`, text: f.transport.toUpperCase() }), h('strong', { text: f.id }), h('span', { class: 'muted', text: ` ${f.from} → ${f.to}` })),
      h('div', { class: 'muted', text: [flowMode(f), f.app === 'bulk' ? (f.bytes === null ? '' : bytes(f.bytes)) : f.rateBps > 0 ? rate(f.rateBps) : ''].filter((x) => x !== '').join(' · ') }),
      stats,
      h('div', { class: 'actions' }, start, stop),
    );
    const card = { root, stats, start, stop };
    this.cards.set(f.id, card);
    return card;
  }

  private refresh(f: FlowView, c: Card): void {
    const hist = this.source.world.histories.get(f.id);
    const stats: string[] = [];
    if (hist !== undefined) {
      if (f.app === 'video') stats.push(t('sender.frames', { played: n(hist.framesPlayed), skipped: n(hist.framesSkipped), late: n(hist.framesLate) }));
      else if (f.transport === 'tcp') {
        stats.push(
          f.bytes === null
            ? t('sender.tcpStatsOpen', { delivered: bytes(hist.delivered), retx: n(hist.retransmits) })
            : t('sender.tcpStats', { delivered: bytes(hist.delivered), total: bytes(f.bytes), retx: n(hist.retransmits) }),
        );
      }
      else stats.push(t('sender.udpStats', { sent: n(hist.segmentsSent), got: n(hist.datagramsDelivered) }));
      if (f.transport === 'tcp' && f.started) stats.push(t('sender.state', { state: hist.clientState }));
    }
    setText(c.stats, stats.join(' · '));
    const open = f.transport === 'udp' || ['SYN_SENT', 'ESTABLISHED'].includes(hist?.clientState ?? '');
    c.start.disabled = f.started || !f.controllable;
    c.stop.disabled = !f.started || !f.controllable || !open;
  }

  private async act(p: Promise<{ ok: boolean; reason?: string }>): Promise<void> {
    const r = await p;
    if (!r.ok) toast(t('toast.refused', { reason: r.reason ?? '' }), 'bad');
    this.update();
  }

  dispose(): void {
    this.root.remove();
  }
}
