// The HTML layer of the game screen: the top bar, the side panel with this player's role controls
// and the protocol views, the caption strip and the legend. Which panels appear depends on the role
// and the mode; a spectator gets none of the controls and larger type.

import { CaptionFeed } from '../model/captions.ts';
import type { RouterRole } from '../model/router-role.ts';
import type { BalancerRole } from '../model/balancer-role.ts';
import type { GameSource, MyRole } from '../model/source.ts';
import { t } from '../i18n/index.ts';
import { CaptionsView } from './captions-view.ts';
import { h, uiRoot } from './dom.ts';
import { FlowPanel } from './flow-panel.ts';
import { HostPanel } from './host-panel.ts';
import { legend } from './legend.ts';
import type { Panel } from './panel.ts';
import { ReceiverPanel } from './receiver-panel.ts';
import { BalancerPanel } from './balancer-panel.ts';
import { TapPanel } from './tap-panel.ts';
import { AnswerPanel } from './answer-panel.ts';
import { LayerQuizPanel, type LayerQuiz } from './layer-quiz-panel.ts';
import { ServerPanel, type ServerSetup } from './server-panel.ts';
import { BalancerRole as BalancerRoleCtor } from '../model/balancer-role.ts';
import { RouterPanel } from './router-panel.ts';
import { SenderPanel } from './sender-panel.ts';
import { TopBar, type ObjectiveView } from './top-bar.ts';

export interface HudOptions {
  source: GameSource;
  spectator: boolean;
  routerRole: RouterRole | null;
  balancerRole: BalancerRole | null;
  objective: (() => ObjectiveView | null) | null;
  /** A level's short brief shown at the top of the side panel. */
  brief: string | null;
  /** A level's question, answered by typing (`submit` returns whether the answer is right). */
  question: { text: string; maxChars: number; submit: (answer: string) => boolean } | null;
  /** The tapping player may alter handshake messages in flight (outside solo levels, or in a level about it). */
  tapAttack: boolean;
  /** A level's server the player opens in an I/O model of their choice. */
  serverSetup: ServerSetup | null;
  /** A level's questions answered by naming an OSI layer. */
  layerQuiz: LayerQuiz | null;
  onLeave: () => void;
  onInspect: (packet: number) => void;
}

export class Hud {
  readonly root: HTMLElement;
  readonly side: HTMLElement;
  readonly feed = new CaptionFeed();
  private readonly opts: HudOptions;
  private readonly top: TopBar;
  private readonly captions: CaptionsView;
  private panels: Panel[] = [];
  private flowPanel: FlowPanel | null = null;

  constructor(opts: HudOptions) {
    this.opts = opts;
    const s = opts.source;
    this.top = new TopBar(s, { objective: opts.objective, onLeave: opts.onLeave, timeControls: s.mode === 'solo' });
    this.side = h('aside', { class: 'side', aria: { label: t('hud.side') } });
    this.captions = new CaptionsView(this.feed);
    this.root = h(
      'div',
      { class: `hud${opts.spectator ? ' spectator' : ''}`, data: { testid: 'hud' } },
      this.top.root,
      opts.spectator ? null : this.side,
      h('footer', { class: 'bottom' }, this.captions.root, legend()),
    );
    uiRoot().append(this.root);
    this.buildPanels(s.me());
  }

  /** The side panel's width in pixels (the network is laid out in what is left). */
  /**
   * How much of the screen the side panels take from the map: their width beside it, or on a
   * narrow screen (styles.css), where they sit under the map, their height.
   */
  get sideInset(): { right: number; bottom: number } {
    if (this.opts.spectator) return { right: 0, bottom: 0 };
    const r = this.side.getBoundingClientRect();
    return r.left <= 0.5 ? { right: 0, bottom: r.height } : { right: r.width, bottom: 0 };
  }

  get topHeight(): number {
    return this.top.root.getBoundingClientRect().height;
  }

  get bottomHeight(): number {
    return this.root.querySelector('footer')?.getBoundingClientRect().height ?? 0;
  }

  buildPanels(me: MyRole, routerRole: RouterRole | null = this.opts.routerRole, balancerRole: BalancerRole | null = this.opts.balancerRole): void {
    for (const p of this.panels) p.dispose();
    this.panels = [];
    this.side.replaceChildren();
    if (this.opts.spectator) return;
    const s = this.opts.source;
    if (this.opts.brief !== null) {
      // The briefing card has shown it: here it is folded, one click away, so that the role's controls
      // and the protocol views (the cwnd chart of a sender) come first.
      this.side.append(h('details', { class: 'panel brief', data: { testid: 'brief' } }, h('summary', { text: t('hud.brief') }), h('p', { text: this.opts.brief })));
    }
    const q = this.opts.question;
    if (q !== null) this.add(new AnswerPanel(q.text, q.maxChars, q.submit));
    if (this.opts.layerQuiz !== null) this.add(new LayerQuizPanel(this.opts.layerQuiz));
    if (s.host !== null && s.mode !== 'solo') this.add(new HostPanel(s, s.host));
    if (me.role === 'router' && routerRole !== null) this.add(new RouterPanel(routerRole, this.opts.onInspect));
    if (me.role === 'loadbalancer' && balancerRole !== null) this.add(new BalancerPanel(balancerRole));
    const attack = this.opts.tapAttack ? s.tapAttack : null;
    if (me.role === 'tap' && me.node !== null) this.add(new TapPanel(s.world, me.node, attack));
    const myServer = me.node !== null && s.world.nodes.get(me.node)?.kind === 'server';
    if (me.role === 'receiver' && me.node !== null && myServer) this.add(new ServerPanel(s.world, me.node, this.opts.serverSetup));
    // In the sandbox every balancer and tap is on view.
    if (s.mode === 'sandbox') {
      for (const id of s.world.balancers.keys()) if (me.node !== id) this.add(new BalancerPanel(new BalancerRoleCtor(s, id)));
      for (const n of s.world.nodes.values()) if (n.kind === 'tap' && me.node !== n.id) this.add(new TapPanel(s.world, n.id, attack));
      for (const n of s.world.nodes.values()) if (n.kind === 'server') this.add(new ServerPanel(s.world, n.id));
    }
    const myFlows = new Set(me.flows);
    const senderFilter = (f: { id: string; from: string; controllable: boolean }) => (s.mode === 'sandbox' ? true : myFlows.has(f.id) || (me.node !== null && f.from === me.node && f.controllable));
    const receiverFilter = (f: { id: string; to: string }) => (s.mode === 'sandbox' ? true : me.node !== null && f.to === me.node) || (me.role === 'receiver' && myFlows.has(f.id));
    // In the sandbox one may start several flows in a row: the panel stays where it is.
    const revealChart = s.mode === 'sandbox' ? undefined : (flowId: string) => this.flowPanel?.reveal(flowId);
    if (me.role === 'sender' || s.mode === 'sandbox') this.add(new SenderPanel(s, senderFilter, revealChart));
    // A server's operator has the server panel: its clients' HTTP has no reading application to pace.
    if ((me.role === 'receiver' && !myServer) || s.mode === 'sandbox') this.add(new ReceiverPanel(s, receiverFilter));
    const preferred = me.flows[0] ?? null;
    this.flowPanel = new FlowPanel(s, preferred);
    this.add(this.flowPanel);
  }

  private add(p: Panel): void {
    this.panels.push(p);
    this.side.append(p.root);
  }

  /** Show a packet's flow in the protocol view (after picking it on the map). */
  focusFlow(flowId: string): void {
    this.flowPanel?.select(flowId);
  }

  /** Redraw the caption strip (after captions were added to the feed). */
  renderCaptions(): void {
    this.captions.render();
  }

  update(): void {
    this.top.update();
    for (const p of this.panels) p.update();
  }

  dispose(): void {
    for (const p of this.panels) p.dispose();
    this.panels = [];
    this.top.dispose();
    this.root.remove();
  }
}
