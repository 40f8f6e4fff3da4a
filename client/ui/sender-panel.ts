// The sender's controls: start and stop each transfer or stream this player may run. A transport
// is chosen by starting one flow or another (the same call over TCP or over UDP are two flows); a
// bulk transfer whose scenario offers `choices` lets the player pick its congestion control and
// ARQ mode before pressing Start.

import { bytes, n, rate, t } from '../i18n/index.ts';
import type { GameSource, IntentResult } from '../model/source.ts';
import type { FlowModes, FlowView } from '../model/topology.ts';
import { h, setChildren, setText } from './dom.ts';
import type { Panel } from './panel.ts';
import { toast } from './toast.ts';
import { windowSegmentsFor } from '../../shared/protocols/transport/tcp/arq.ts';
import { refusalMessage } from '../i18n/engine-reasons.ts';

// Congestion controls by the names RFCs and textbooks give them (a scenario writes them in lower case).
const CC_NAMES: Record<string, string> = { aimd: 'AIMD', tahoe: 'Tahoe', reno: 'Reno', newreno: 'NewReno' };

/** A congestion control's name as it is written: NewReno, not NEWRENO. */
export function ccName(cc: string): string {
  return CC_NAMES[cc] ?? cc.toUpperCase();
}

export function flowMode(f: FlowView): string {
  if (f.transport === 'udp') return t('flow.udpMode', { app: t(`app.${f.app}` as 'app.bulk') });
  const arq = f.arq === 'tcp' ? (f.cc === '' ? 'TCP' : t('flow.cc', { cc: ccName(f.cc) })) : t(`arq.${f.arq}` as 'arq.go-back-n', { n: f.windowSegments });
  const call = f.call === undefined ? '' : ` · ${t(`call.${f.call}` as 'call.sync-blocking')}`;
  return `${t(`app.${f.app}` as 'app.bulk')} · ${arq}${call}`;
}

interface Card {
  root: HTMLElement;
  mode: HTMLElement;
  stats: HTMLElement;
  start: HTMLButtonElement;
  stop: HTMLButtonElement;
  /** The mode buttons. */
  choices: Array<{ kind: 'cc' | 'arq'; mode: string; button: HTMLButtonElement }>;
  /** The rows of mode buttons: folded away once the flow has started (its mode line says which it runs). */
  choiceRows: HTMLElement[];
}

function arqLabel(arq: string, windowSegments: number): string {
  return t(`arq.${arq}` as 'arq.go-back-n', { n: windowSegmentsFor(arq, windowSegments) });
}

export class SenderPanel implements Panel {
  readonly root: HTMLElement;
  private readonly source: GameSource;
  private readonly flowsFilter: (f: FlowView) => boolean;
  private readonly body: HTMLElement;
  private readonly cards = new Map<string, Card>();
  /** What the player picked for each flow not yet started. */
  private readonly picked = new Map<string, FlowModes>();
  private shown = '';
  /** How to choose, for before the first start: then it only pushes the protocol view down. */
  private readonly hint: HTMLElement;

  /** Told when a flow this panel started has started (the protocol view then shows its chart). */
  private readonly onStarted: (flowId: string) => void;

  constructor(source: GameSource, flowsFilter: (f: FlowView) => boolean, onStarted: (flowId: string) => void = () => {}) {
    this.source = source;
    this.flowsFilter = flowsFilter;
    this.onStarted = onStarted;
    this.body = h('div', { class: 'flow-cards' });
    this.hint = h('p', { class: 'hint', data: { testid: 'sender-hint' }, text: t('sender.hint') });
    this.root = h('section', { class: 'panel sender-panel', data: { testid: 'sender-panel' } }, h('h2', { text: t('sender.title') }), this.body, this.hint);
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
    this.hint.hidden = flows.some((f) => f.started);
  }

  private card(f: FlowView): Card {
    const start = h('button', {
      class: 'btn btn-primary',
      data: { testid: `start-${f.id}` },
      text: t('sender.start'),
      on: {
        click: () =>
          void this.act(this.source.startFlow(f.id, this.picked.get(f.id) ?? {})).then((ok) => {
            if (ok) this.onStarted(f.id);
          }),
      },
    });
    const stop = h('button', {
      class: 'btn',
      data: { testid: `stop-${f.id}` },
      text: f.app === 'video' ? t('sender.hangUp') : t('sender.stop'),
      on: { click: () => void this.act(this.source.stopFlow(f.id)) },
    });
    const stats = h('div', { class: 'stats' });
    const mode = h('div', { class: 'muted' });
    const choices: Card['choices'] = [];
    const choiceRow = (kind: 'cc' | 'arq', modes: readonly string[], label: (m: string) => string) =>
      modes.length < 2
        ? null
        : h(
            'div',
            { class: 'flow-choice' },
            h('span', { class: 'muted', text: t(kind === 'cc' ? 'sender.ccChoice' : 'sender.arqChoice') }),
            h(
              'div',
              { class: 'segmented' },
              ...modes.map((m) => {
                const b = h('button', {
                  class: 'btn btn-small',
                  data: { testid: `choose-${f.id}-${m}` },
                  text: label(m),
                  on: { click: () => this.pick(f.id, kind, m) },
                });
                choices.push({ kind, mode: m, button: b });
                return b;
              }),
            ),
          );
    const windowSegments = f.choices?.windowSegments ?? f.windowSegments;
    const choiceRows = [
      choiceRow('cc', f.choices?.cc ?? [], (m) => t('flow.cc', { cc: ccName(m) })),
      choiceRow('arq', f.choices?.arq ?? [], (m) => arqLabel(m, windowSegments)),
    ].filter((r): r is HTMLDivElement => r !== null);
    const root = h(
      'div',
      { class: 'flow-card', data: { flow: f.id } },
      h('div', { class: 'flow-head' }, h('span', { class: `badge badge-${f.transport}`, text: f.transport.toUpperCase() }), h('strong', { text: f.id }), h('span', { class: 'muted', text: ` ${f.from} → ${f.to}` })),
      mode,
      ...choiceRows,
      stats,
      h('div', { class: 'actions' }, start, stop),
    );
    const card = { root, mode, stats, start, stop, choices, choiceRows };
    this.cards.set(f.id, card);
    return card;
  }

  /** The modes the flow will start in (the player's picks over its own), or runs in once started. */
  private modesOf(f: FlowView): FlowView {
    if (f.started) return f;
    const p = this.picked.get(f.id);
    const arq = p?.arq ?? f.arq;
    const windowSegments = windowSegmentsFor(arq, f.choices?.windowSegments ?? f.windowSegments);
    return { ...f, cc: p?.cc ?? f.cc, arq, windowSegments };
  }

  private pick(flow: string, kind: 'cc' | 'arq', mode: string): void {
    this.picked.set(flow, { ...this.picked.get(flow), [kind]: mode });
    this.update();
  }

  private refresh(f: FlowView, c: Card): void {
    const shown = this.modesOf(f);
    setText(c.mode, [flowMode(shown), f.app === 'bulk' ? (f.bytes === null ? '' : bytes(f.bytes)) : (f.app === 'cbr' || f.app === 'video') && f.rateBps > 0 ? rate(f.rateBps) : ''].filter((x) => x !== '').join(' · '));
    // Once started, the choice is made: the rows fold away and the mode line names it, so that the
    // panels below (the cwnd chart) move up.
    for (const row of c.choiceRows) row.hidden = f.started;
    for (const { kind, mode, button } of c.choices) {
      const on = (kind === 'cc' ? shown.cc : shown.arq) === mode;
      button.classList.toggle('active', on);
      button.setAttribute('aria-pressed', String(on));
      // The teaching ARQ modes run a fixed window: congestion control only matters under TCP's own.
      button.disabled = f.started || !f.controllable || (kind === 'cc' && shown.arq !== 'tcp');
    }
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
      if (f.transport === 'tcp' && f.started) {
        // The application closed after handing over its file; the FIN goes after the bytes still buffered
        // (RFC 9293 §3.10.4), so FIN_WAIT_1 can last the whole transfer.
        const finQueued = hist.clientState === 'FIN_WAIT_1' && !hist.steps.has('fin-client');
        stats.push(t(finQueued ? 'sender.stateFinQueued' : 'sender.state', { state: hist.clientState }));
      }
    }
    setText(c.stats, stats.join(' · '));
    const open = f.transport === 'udp' || ['SYN_SENT', 'ESTABLISHED'].includes(hist?.clientState ?? '');
    c.start.disabled = f.started || !f.controllable;
    c.stop.disabled = !f.started || !f.controllable || !open;
  }

  private async act(p: Promise<IntentResult>): Promise<boolean> {
    const r = await p;
    if (!r.ok) toast(t('toast.refused', { reason: refusalMessage(r) }), 'bad');
    this.update();
    return r.ok;
  }

  dispose(): void {
    this.root.remove();
  }
}
