// Seeing the protocol of one flow: both ends' TCP states and the handshake steps as they happen, the
// sliding window over the byte stream (acked / in flight / usable / beyond), and two live charts — the
// congestion window with its phases, and the time-sequence diagram of segments and ACKs.

import { cwndChartData, drawCwndChart } from '../charts/cwnd-chart.ts';
import { drawSeqChart, seqChartData } from '../charts/seq-chart.ts';
import { bytes, n, t, type MessageKey } from '../i18n/index.ts';
import { windowView, type HandshakeStep } from '../model/flow-history.ts';
import type { GameSource } from '../model/source.ts';
import type { FlowView } from '../model/topology.ts';
import { h, setChildren, setText } from './dom.ts';
import type { Panel } from './panel.ts';

const STEPS: ReadonlyArray<{ step: HandshakeStep; key: MessageKey }> = [
  { step: 'syn', key: 'hs.syn' },
  { step: 'syn-ack', key: 'hs.synAck' },
  { step: 'ack', key: 'hs.ack' },
  { step: 'fin-client', key: 'hs.finClient' },
  { step: 'ack-server', key: 'hs.ackServer' },
  { step: 'fin-server', key: 'hs.finServer' },
  { step: 'ack-client', key: 'hs.ackClient' },
];

type ChartKind = 'cwnd' | 'seq';

/** How many frames after Start the chart is kept in view (about two seconds). */
const REVEAL_FRAMES = 120;
/** A chart's time axis starts this wide and grows with the run up to its span. */
const CHART_MIN_SPAN_MS = 10_000;

/** Width of the charts' time window, simulated ms. */
export function chartSpanMs(durationMs: number): number {
  return Math.max(5000, Math.min(30_000, durationMs));
}

export class FlowPanel implements Panel {
  readonly root: HTMLElement;
  private readonly source: GameSource;
  private readonly tabs: HTMLElement;
  private readonly body: HTMLElement;
  private flowId: string | null = null;
  /** Whether the player picked the flow shown; until then the view follows the flow that is running. */
  private chosen = false;
  private chart: ChartKind = 'cwnd';
  private readonly states: HTMLElement;
  private readonly stepsEl: HTMLElement;
  private readonly windowBar: HTMLElement;
  private readonly windowText: HTMLElement;
  private readonly figures: HTMLElement;
  private readonly canvas: HTMLCanvasElement;
  private readonly chartTabs: HTMLElement;
  private readonly tcpOnly: HTMLElement;
  private tabIds = '';
  /** Frames during which the chart is scrolled back into view (after `reveal`). */
  private keepChartInViewFrames = 0;

  constructor(source: GameSource, preferred: string | null) {
    this.source = source;
    this.flowId = preferred;
    this.tabs = h('div', { class: 'tabs', role: 'tablist' });
    this.states = h('div', { class: 'tcp-states' });
    this.stepsEl = h('ol', { class: 'handshake' });
    this.windowBar = h('div', { class: 'window-bar', aria: { label: t('window.title') } });
    this.windowText = h('div', { class: 'stats' });
    this.figures = h('div', { class: 'stats' });
    this.canvas = h('canvas', { class: 'chart', data: { testid: 'chart' } });
    this.chartTabs = h('div', { class: 'tabs small' });
    this.tcpOnly = h(
      'div',
      {},
      this.states,
      // What moves as the flow runs (its window, its charts) first; the handshake and teardown steps,
      // a list that only grows, after them.
      h('h3', { text: t('window.title') }),
      this.windowBar,
      h(
        'div',
        { class: 'window-legend' },
        h('span', { class: 'sw sw-acked', text: t('window.acked') }),
        h('span', { class: 'sw sw-flight', text: t('window.inFlight') }),
        h('span', { class: 'sw sw-usable', text: t('window.usable') }),
        h('span', { class: 'sw sw-beyond', text: t('window.beyond') }),
      ),
      this.windowText,
      this.chartTabs,
      this.canvas,
      h('h3', { text: t('hs.title') }),
      this.stepsEl,
    );
    this.body = h('div', {}, this.figures, this.tcpOnly);
    this.root = h('section', { class: 'panel flow-panel', data: { testid: 'flow-panel' } }, h('h2', { text: t('flow.title') }), this.tabs, this.body);
    this.renderChartTabs();
    this.update();
  }

  select(flowId: string): void {
    this.flowId = flowId;
    this.chosen = true;
    this.tabIds = '';
    this.update();
  }

  /**
   * A flow the player has just started: shown (unless they picked another), with its chart scrolled
   * into view. On a laptop's screen the side panel holds the transfer's card, the figures, both ends'
   * states and the sliding window above the chart, and a sender who pressed Start is there to watch it.
   */
  reveal(flowId: string): void {
    if (!this.chosen) this.flowId = flowId;
    this.update();
    if (this.flowId !== flowId || this.tcpOnly.hidden) return;
    // The lines above the chart grow as the transfer begins (its state, its figures), so the chart is
    // kept in view for the next frames, unless the player scrolls the panel themselves.
    this.keepChartInViewFrames = REVEAL_FRAMES;
    const side = this.root.parentElement;
    const stop = () => {
      this.keepChartInViewFrames = 0;
    };
    side?.addEventListener('wheel', stop, { once: true, passive: true });
    side?.addEventListener('touchstart', stop, { once: true, passive: true });
    this.keepChartInView();
  }

  private keepChartInView(): void {
    if (this.keepChartInViewFrames <= 0) return;
    this.keepChartInViewFrames--;
    const side = this.root.parentElement;
    if (side === null || this.tcpOnly.hidden) return;
    const box = side.getBoundingClientRect();
    const chart = this.canvas.getBoundingClientRect();
    if (chart.bottom > box.bottom || chart.top < box.top) this.canvas.scrollIntoView({ block: 'nearest' });
  }

  private renderChartTabs(): void {
    const tab = (kind: ChartKind, key: MessageKey) =>
      h('button', {
        class: `tab${this.chart === kind ? ' active' : ''}`,
        role: 'tab',
        data: { testid: `chart-${kind}` },
        text: t(key),
        on: {
          click: () => {
            this.chart = kind;
            this.renderChartTabs();
            this.drawChart();
          },
        },
      });
    setChildren(this.chartTabs, tab('cwnd', 'chart.cwnd'), tab('seq', 'chart.seq'));
  }

  update(): void {
    const w = this.source.world;
    const flows = [...w.flows.values()];
    const current = this.flowId === null ? undefined : w.flows.get(this.flowId);
    if (current === undefined || (!this.chosen && !current.started)) {
      this.flowId = flows.find((f) => f.started)?.id ?? current?.id ?? flows[0]?.id ?? null;
    }
    const ids = flows.map((f) => f.id).join(',') + '|' + this.flowId;
    if (ids !== this.tabIds) {
      this.tabIds = ids;
      setChildren(
        this.tabs,
        ...flows.map((f) =>
          h('button', {
            class: `tab${f.id === this.flowId ? ' active' : ''}`,
            role: 'tab',
            data: { testid: `flow-tab-${f.id}` },
            text: `${f.id} (${f.transport.toUpperCase()})`,
            on: { click: () => this.select(f.id) },
          }),
        ),
      );
    }
    const f = this.flowId === null ? undefined : w.flows.get(this.flowId);
    if (f === undefined) {
      setText(this.figures, t('flow.none'));
      this.tcpOnly.hidden = true;
      return;
    }
    this.tcpOnly.hidden = f.transport !== 'tcp';
    this.refresh(f);
    this.keepChartInView();
  }

  private refresh(f: FlowView): void {
    const w = this.source.world;
    const hist = w.history(f.id);
    if (f.transport === 'udp') {
      // A resolver's datagrams are its lookups' questions and answers: how many lookups were answered says it.
      const parts = [
        f.app === 'dns'
          ? t('end.lookups', { answered: n(hist.answered), total: n(hist.answered + hist.unanswered) })
          : t('flow.udpFigures', { sent: n(hist.segmentsSent), got: n(hist.datagramsDelivered), lost: n(hist.drops) }),
      ];
      if (f.app === 'video') parts.push(t('sender.frames', { played: n(hist.framesPlayed), skipped: n(hist.framesSkipped), late: n(hist.framesLate) }));
      parts.push(t('flow.udpNote'));
      setText(this.figures, parts.join(' · '));
      return;
    }
    const phase = hist.phase === null ? '-' : t(`phase.${hist.phase}` as MessageKey);
    const noWindowYet = hist.cwnd.length === 0 && hist.cwndBytes === 0;
    setText(
      this.figures,
      t('flow.tcpFigures', {
        phase,
        // Before the first data segment there is no congestion window yet (its `init` comes with it).
        cwnd: noWindowYet ? '-' : bytes(hist.cwndBytes),
        ssthresh: noWindowYet ? '-' : hist.ssthreshBytes >= 1 << 30 ? '∞' : bytes(hist.ssthreshBytes),
        rwnd: hist.rwnd === null ? '-' : bytes(hist.rwnd),
        retx: n(hist.retransmits),
        timeouts: n(hist.timeouts),
        srtt: hist.srttMs === null ? '-' : `${Math.round(hist.srttMs)} ms`,
      }),
    );
    setChildren(
      this.states,
      h('div', { class: 'state-box' }, h('span', { class: 'muted', text: `${f.from} (${t('flow.client')})` }), h('strong', { data: { testid: 'client-state' }, text: hist.clientState })),
      h('div', { class: 'state-box' }, h('span', { class: 'muted', text: `${f.to} (${t('flow.server')})` }), h('strong', { data: { testid: 'server-state' }, text: hist.serverState })),
    );
    setChildren(
      this.stepsEl,
      ...STEPS.map(({ step, key }) => {
        const at = hist.steps.get(step);
        return h('li', { class: at === undefined ? 'pending' : 'done' }, h('span', { text: t(key) }), at === undefined ? null : h('span', { class: 'muted', text: ` ${(at / 1000).toFixed(2)}s` }));
      }),
    );
    const fixed = f.arq === 'tcp' || f.mss === 0 ? null : f.windowSegments * f.mss;
    const v = windowView(hist, fixed);
    const total = f.bytes ?? Math.max(v.acked + v.window * 3, 1);
    const beyond = Math.max(0, total - v.acked - v.inFlight - v.usable);
    const whole = Math.max(1, v.acked + v.inFlight + v.usable + beyond);
    const seg = (cls: string, value: number, testid: string) => {
      const el = h('div', { class: `seg ${cls}`, data: { testid } });
      el.style.flexGrow = String(value / whole);
      return el;
    };
    setChildren(this.windowBar, seg('sw-acked', v.acked, 'win-acked'), seg('sw-flight', v.inFlight, 'win-flight'), seg('sw-usable', v.usable, 'win-usable'), seg('sw-beyond', beyond, 'win-beyond'));
    setText(this.windowText, t('window.figures', { acked: bytes(v.acked), flight: bytes(v.inFlight), usable: bytes(v.usable), window: bytes(v.window) }));
    this.drawChart();
  }

  private drawChart(): void {
    const w = this.source.world;
    const f = this.flowId === null ? undefined : w.flows.get(this.flowId);
    if (f === undefined || f.transport !== 'tcp') return;
    const hist = w.history(f.id);
    const span = chartSpanMs(w.durationMs);
    // Without the flow's MSS (a room sends it only for flows whose sender it can read) the window is counted in kilobytes.
    if (this.chart === 'cwnd') drawCwndChart(this.canvas, cwndChartData(hist.cwnd, f.mss > 0 ? f.mss : 1000, w.nowMs, span, CHART_MIN_SPAN_MS), f.mss > 0 ? t('chart.segments') : t('chart.kilobytes'));
    else drawSeqChart(this.canvas, seqChartData(hist.sends, hist.acks, w.nowMs, span, CHART_MIN_SPAN_MS));
  }

  dispose(): void {
    this.root.remove();
  }
}
