// The game: the network drawn with its packets moving, the HUD for this player's role, captions and
// effects for what happens, and the input that turns into intents. The scene reads a World and talks
// to a GameSource; it does not know whether the engine runs in this page or on the server.

import Phaser from 'phaser';
import { enterScene, recordUpdate, testHooks } from '../app.ts';
import { onLangChange, t, type MessageKey } from '../i18n/index.ts';
import { captionContextOf, captionFor, type Caption } from '../model/captions.ts';
import type { WorldEvent } from '../model/events.ts';
import { RouterRole } from '../model/router-role.ts';
import { BalancerRole } from '../model/balancer-role.ts';
import type { GameSource, MyRole, SessionEnd } from '../model/source.ts';
import { MAX_ANSWER_CHARS, type LevelResult, type LevelRun } from '../solo/level-run.ts';
import { Hud } from '../ui/hud.ts';
import { Inspector } from '../ui/inspector.ts';
import { LevelBriefing } from '../ui/level-briefing.ts';
import { toast } from '../ui/toast.ts';
import { CameraDirector } from '../view/camera-director.ts';
import { EffectsLayer } from '../view/effects-layer.ts';
import { computeGeometry, type Geometry } from '../view/geometry.ts';
import { layoutTopology } from '../view/layout.ts';
import { factPosition, PacketLayer } from '../view/packet-layer.ts';
import { QueueView } from '../view/queue-view.ts';
import { TopologyView, type LabelSpot } from '../view/topology-view.ts';
import { summarize } from './end-summary.ts';
import { SERVER_IO_CHOICES } from '../../shared/protocols/app/http/spec.ts';
import { refusalMessage } from '../i18n/engine-reasons.ts';

export interface GameSceneData {
  source: GameSource;
  level?: LevelRun;
  spectator?: boolean;
}

/** How often (real ms) the HTML panels refresh; they are read by people, not animated. */
const HUD_REFRESH_MS = 200;

export class GameScene extends Phaser.Scene {
  private source!: GameSource;
  private level: LevelRun | null = null;
  private spectator = false;
  private topo!: TopologyView;
  private packets!: PacketLayer;
  private queue!: QueueView;
  private effects!: EffectsLayer;
  private director: CameraDirector | null = null;
  private hud!: Hud;
  private inspector!: Inspector;
  /** A solo level's opening card, while its time has not started. */
  private briefing: LevelBriefing | null = null;
  private routerRole: RouterRole | null = null;
  private balancerRole: BalancerRole | null = null;
  private geom: Geometry | null = null;
  private topoVersion = -1;
  private captionsDirty = false;
  private captionGeneration = -1;
  private readonly offs: Array<() => void> = [];
  private ended = false;
  private realNow = 0;
  private lastWallMs = 0;
  private layingOut = false;

  constructor() {
    super('game');
  }

  init(data: GameSceneData): void {
    this.source = data.source;
    this.level = data.level ?? null;
    this.spectator = data.spectator === true || data.source.me().role === 'spectator';
    this.ended = false;
    this.topoVersion = -1;
    this.offs.length = 0;
    this.lastWallMs = 0;
    this.briefing = null;
  }

  create(): void {
    const hooks = testHooks();
    hooks.source = this.source;
    hooks.captions = {};
    this.topo = new TopologyView(this);
    this.topo.large = this.spectator;
    this.packets = new PacketLayer(this);
    this.queue = new QueueView(this);
    this.effects = new EffectsLayer(this);
    this.effects.fontPx = this.spectator ? 26 : 18;
    this.director = this.spectator ? new CameraDirector(this.cameras.main) : null;
    this.inspector = new Inspector();
    this.setupRole(this.source.me());
    this.buildHud();
    this.relayout();
    this.openBriefing();

    this.offs.push(this.source.world.on((e) => this.onWorldEvent(e)));
    this.offs.push(
      onLangChange(() => {
        this.hud.dispose();
        this.buildHud();
        this.relayout();
        if (this.briefing !== null) {
          this.briefing.dispose();
          this.openBriefing();
        }
      }),
    );
    this.source.onEnd((end) => this.onSessionEnd(end));
    this.source.onRoleChange((role) => {
      this.setupRole(role);
      this.hud.buildPanels(role, this.routerRole, this.balancerRole);
      this.relayout();
    });
    this.input.on('pointerdown', (p: Phaser.Input.Pointer) => this.onPointer(p));
    const onKey = (e: KeyboardEvent) => this.onKey(e);
    window.addEventListener('keydown', onKey);
    this.offs.push(() => window.removeEventListener('keydown', onKey));
    // The panels are read by people, not animated: they refresh on their own timer, off the frame path.
    const timer = window.setInterval(() => {
      if (!this.ended) this.hud.update();
    }, HUD_REFRESH_MS);
    this.offs.push(() => window.clearInterval(timer));
    this.scale.on('resize', this.relayout, this);
    this.offs.push(() => this.scale.off('resize', this.relayout, this));
    this.events.once('shutdown', () => this.teardown());
    enterScene(this.spectator ? 'spectate' : 'game');
  }

  private buildHud(): void {
    const level = this.level;
    this.hud = new Hud({
      source: this.source,
      spectator: this.spectator,
      routerRole: this.routerRole,
      balancerRole: this.balancerRole,
      brief: level === null ? null : t(level.level.brief),
      question:
        level?.level.question === undefined
          ? null
          : { text: t(level.level.question), maxChars: MAX_ANSWER_CHARS, submit: (answer) => level.answer(answer) },
      // Outside solo levels (the sandbox, a class) a tap's holder may always attack; a level offers it where it is the lesson.
      tapAttack: level === null ? true : level.level.tapAttack === true,
      // A solo level's server opens with its player's choice; in a class the server's player may change the running server's.
      serverSetup:
        level !== null
          ? level.level.serverChoices === undefined
            ? null
            : { choices: level.level.serverChoices, mode: 'open', open: (_node, c) => level.openServer(c) }
          : this.source.mode === 'room'
            ? { choices: SERVER_IO_CHOICES, mode: 'apply', open: (node, c) => this.source.setServerIo(node, c) }
            : null,
      layerQuiz:
        level?.level.layerQuiz === undefined
          ? null
          : { questions: level.level.layerQuiz.map((q) => ({ id: q.id, prompt: t(q.prompt) })), answer: (id, layer) => level.answerLayer(id, layer) },
      objective:
        level === null
          ? null
          : () => {
              const s = level.lastStatus ?? level.status();
              return { text: t(level.level.objective), status: t(s.progress.key, s.progress.params) };
            },
      onLeave: () => this.leave(),
      onInspect: (id) => void this.openInspector(id),
    });
  }

  /** A level not yet started opens with its briefing; the level's time runs once the player says they are ready. */
  private openBriefing(): void {
    const level = this.level;
    if (level === null || level.hasBegun) return;
    this.briefing = new LevelBriefing(level.level, {
      start: () => {
        this.briefing = null;
        level.begin();
        this.hud.update();
      },
      back: () => this.leave(),
    });
  }

  private setupRole(me: MyRole): void {
    if (me.role === 'router' && me.node !== null) {
      if (this.routerRole?.node !== me.node) {
        this.routerRole = new RouterRole(this.source, me.node);
        this.routerRole.onResult = (action, r) => {
          if (!r.ok) {
            // A reason without words in the player's language is the engine's, and names no action.
            const reason = refusalMessage(r);
            toast(t('toast.refused', { reason: typeof reason === 'string' ? `${action}: ${reason}` : reason }), 'bad');
          }
        };
        this.routerRole.onIgnored = (packet) => toast(t('router.selectionMoved', { id: packet }), 'info', 2500);
      }
    } else this.routerRole = null;
    if (me.role === 'loadbalancer' && me.node !== null) {
      if (this.balancerRole?.node !== me.node) {
        this.balancerRole = new BalancerRole(this.source, me.node);
        this.balancerRole.onResult = (r) => {
          if (!r.ok) toast(t('toast.refused', { reason: refusalMessage(r) }), 'bad');
        };
      }
    } else this.balancerRole = null;
    this.topo.mine = me.node;
    this.topo.linkNumbers = new Map((this.routerRole?.links() ?? []).map((l, i) => [l.id, i + 1]));
    this.topoVersion = -1;
  }

  /**
   * The canvas covers only the space the HUD leaves free: nothing is drawn under the panels and no
   * HTML has to be blended over a canvas that changes every frame, which matters most where the
   * browser renders in software.
   */
  private fitCanvas(): { width: number; height: number } {
    const el = document.getElementById('game');
    if (el === null) return { width: this.scale.width, height: this.scale.height };
    const top = Math.round(this.hud.topHeight);
    const bottom = Math.round(this.hud.bottomHeight);
    const stage = document.getElementById('stage');
    stage?.style.setProperty('--hud-top', `${top}px`);
    stage?.style.setProperty('--hud-bottom', `${bottom}px`);
    const side = this.hud.sideInset;
    const inset = `${top}px ${Math.round(side.right)}px ${bottom + Math.round(side.bottom)}px 0px`;
    const rect = () => el.getBoundingClientRect();
    if (el.style.inset !== inset) el.style.inset = inset;
    // The element's size is known at once; the scale manager would only catch up on its next step.
    const { width, height } = rect();
    if (Math.floor(width) !== this.scale.width || Math.floor(height) !== this.scale.height) {
      // RESIZE mode follows the parent's size as last measured: measure it again, then refresh.
      this.scale.getParentBounds();
      this.scale.refresh();
    }
    return { width, height };
  }

  /** Lay the network out on the canvas. */
  private relayout(): void {
    // Resizing the canvas below announces a resize, which would call this again.
    if (this.layingOut) return;
    this.layingOut = true;
    try {
      this.layout();
    } finally {
      this.layingOut = false;
    }
  }

  private layout(): void {
    const w = this.source.world;
    const { width, height } = this.fitCanvas();
    this.topoVersion = w.topologyVersion;
    const area = { x: 0, y: 0, width: Math.max(200, width), height: Math.max(200, height) };
    const layout = layoutTopology({ nodes: [...w.nodes.values()], links: [...w.links.values()], flows: [...w.flows.values()] });
    this.geom = computeGeometry(layout, [...w.links.values()], area);
    this.topo.linkNumbers = new Map((this.routerRole?.links() ?? []).map((l, i) => [l.id, i + 1]));
    this.topo.setGeometry(this.geom);
    this.packets.setGeometry(this.geom);
    this.queue.setGeometry(this.geom);
    this.topo.redraw(w);
    this.cameras.main.setZoom(1);
    this.cameras.main.setScroll(0, 0);
    this.director?.setGeometry(this.geom, width / 2, height / 2);
  }

  private onWorldEvent(e: WorldEvent): void {
    const geom = this.geom;
    if (geom !== null) this.effectFor(e, geom);
    const c = captionFor(e, captionContextOf(this.source.world));
    if (c !== null) this.showCaption(c);
    if (e.type === 'fault') this.topo.redraw(this.source.world);
  }

  private clearCaptions(): void {
    this.captionGeneration = this.source.world.generation;
    this.hud.feed.clear();
    this.captionsDirty = true;
  }

  private showCaption(c: Caption): void {
    if (this.source.world.generation !== this.captionGeneration) this.clearCaptions();
    const hooks = testHooks();
    hooks.captions[c.key] = (hooks.captions[c.key] ?? 0) + 1;
    this.hud.feed.add(c);
    this.captionsDirty = true;
    this.director?.consider(c, this.realNow);
  }

  private effectFor(e: WorldEvent, geom: Geometry): void {
    const w = this.source.world;
    switch (e.type) {
      case 'drop': {
        if (e.reason === 'mac-filter') return;
        let pos: { x: number; y: number } | null = null;
        let spot: LabelSpot | undefined;
        if (e.link !== undefined && w.lastDropped !== null && w.lastDropped.id === e.packet) pos = factPosition(geom, w.lastDropped, e.t);
        if (pos === null && e.node !== undefined) {
          pos = this.queue.positionOf(e.packet);
          if (pos === null) {
            const n = geom.nodes.get(e.node);
            if (n !== undefined) {
              pos = { x: n.x, y: n.y - n.r * 0.5 };
              spot = this.topo.labelSpot(n);
            }
          }
        }
        if (pos === null && e.link !== undefined) {
          const l = geom.links.get(e.link);
          if (l !== undefined) pos = { x: l.mx, y: l.my };
        }
        const label = t(`drop.${e.reason}` as MessageKey);
        const size = geom.packetSize * 1.6;
        // On a link, the label goes above the burst, clear of the link's own labels.
        if (pos !== null && spot === undefined && e.link !== undefined) spot = this.topo.linkDropSpot(pos.x, pos.y - size * 2.5, label.length + 3);
        if (pos !== null) this.effects.drop(pos.x, pos.y, size, label, this.realNow, spot);
        return;
      }
      case 'send': {
        if (!e.retransmit) return;
        const f = w.flows.get(e.flow);
        // The end that sent it again: behind a balancer, the backend serving the connection.
        const n = f === undefined ? undefined : geom.nodes.get(w.endNode(f, e.side, e.node));
        if (n !== undefined) this.effects.ring(n.x, n.y, n.r, false, this.realNow, t('fx.retransmit'), this.topo.labelSpot(n));
        return;
      }
      case 'state': {
        if (e.side !== 'client' || e.to !== 'ESTABLISHED') return;
        const f = w.flows.get(e.flow);
        const n = f === undefined ? undefined : geom.nodes.get(f.from);
        if (n !== undefined) this.effects.ring(n.x, n.y, n.r, true, this.realNow, t('fx.connected'), this.topo.labelSpot(n));
        return;
      }
      default:
        return;
    }
  }

  private onPointer(p: Phaser.Input.Pointer): void {
    if (this.ended || this.inspector.isOpen) return;
    const wx = p.worldX;
    const wy = p.worldY;
    const role = this.routerRole;
    const slot = this.queue.pick(wx, wy);
    if (slot !== null && role !== null && slot.node === role.node) {
      if (role.selected === slot.id && p.event.detail >= 2) void this.openInspector(slot.id);
      role.select(slot.id);
      this.hud.update();
      return;
    }
    const geom = this.geom;
    const hitPacket = geom === null ? null : this.packets.pick(wx, wy, geom.packetSize * 2.2);
    if (hitPacket !== null) {
      this.packets.highlight = hitPacket.id;
      const fact = this.source.world.packets.get(hitPacket.id);
      if (fact?.flow != null) this.hud.focusFlow(fact.flow);
      void this.openInspector(hitPacket.id);
      return;
    }
    const hit = this.topo.hitTest(wx, wy);
    if (hit !== null && 'link' in hit && role !== null) {
      const link = role.links().find((l) => l.id === hit.link);
      if (link !== undefined && role.ensureSelection() !== null) void role.forward(link.id);
    }
  }

  private onKey(e: KeyboardEvent): void {
    const target = e.target as HTMLElement | null;
    if (target !== null && (target.tagName === 'INPUT' || target.tagName === 'SELECT' || target.tagName === 'TEXTAREA')) return;
    if (e.key === 'Escape' && this.inspector.isOpen) {
      this.inspector.close();
      return;
    }
    if (this.briefing !== null) {
      // Nothing reaches the map before the level starts; Enter or Space says the player is ready.
      if (e.key === 'Enter' || e.key === ' ') {
        e.preventDefault();
        this.briefing.start();
      }
      return;
    }
    if (this.ended || this.inspector.isOpen) return;
    const host = this.source.host;
    if (e.key === ' ' && host !== null && (this.source.mode !== 'room' || this.source.me().role === 'host')) {
      e.preventDefault();
      if (this.source.world.paused) host.resume();
      else host.pause();
      return;
    }
    const balancer = this.balancerRole;
    if (balancer !== null && e.key >= '1' && e.key <= '9') {
      e.preventDefault();
      void balancer.assignOldest(Number(e.key)).then(() => this.hud.update());
      return;
    }
    const role = this.routerRole;
    if (role === null) return;
    const key = e.key.toLowerCase();
    let handled = true;
    if (key === 'arrowleft' || key === 'arrowup') role.step(-1);
    else if (key === 'arrowright' || key === 'arrowdown') role.step(1);
    else if (key >= '1' && key <= '9') void role.forwardOnNumber(Number(key));
    else if (key === 'd') void role.drop();
    else if (key === 'h') void role.hold();
    else if (key === 'c') void role.duplicate();
    else if (key === 'a') {
      role.autoForward = !role.autoForward;
      toast(role.autoForward ? t('router.autoOn') : t('router.autoOff'), 'info', 1500);
    } else if (key === 'i') {
      const id = role.ensureSelection();
      if (id !== null) void this.openInspector(id);
    } else handled = false;
    if (handled) {
      e.preventDefault();
      this.hud.update();
    }
  }

  private async openInspector(id: number): Promise<void> {
    this.inspector.showLoading(id);
    const p = await this.source.inspect(id);
    if (p === null) this.inspector.showGone(id);
    else this.inspector.show(p, () => (this.packets.highlight = null));
  }

  override update(time: number): void {
    const started = performance.now();
    // Wall-clock time, not Phaser's smoothed delta: simulated time must keep pace with the real clock
    // even when frames are slow (software rendering, a busy projector laptop).
    const dt = this.lastWallMs === 0 ? 0 : started - this.lastWallMs;
    this.lastWallMs = started;
    this.realNow = time;
    const w = this.source.world;
    this.source.tick(dt);
    if (w.topologyVersion !== this.topoVersion) this.relayout();
    // Captions of the scenario before a reset (another scenario loaded) would describe nodes no longer there.
    if (w.generation !== this.captionGeneration) this.clearCaptions();
    if (this.routerRole !== null) void this.routerRole.tick();
    if (this.level !== null && !this.ended) {
      const r = this.level.check();
      if (r !== null) this.finishLevel(r);
    }
    this.packets.draw(w);
    this.queue.selected = this.routerRole?.selected ?? null;
    this.queue.draw(w);
    this.effects.draw(time);
    if (this.director !== null) {
      this.director.update(time);
      testHooks().cameraFocus = this.director.focus;
    }
    if (this.captionsDirty) {
      this.captionsDirty = false;
      this.hud.renderCaptions();
    }
    recordUpdate(performance.now() - started, this.packets.drawnCount);
  }

  private finishLevel(r: LevelResult): void {
    if (this.ended) return;
    this.ended = true;
    const level = this.level!;
    level.source.finish({ reason: 'finished' });
    this.time.delayedCall(900, () => this.scene.start('result', { result: r, levelId: level.level.id }));
  }

  private onSessionEnd(end: SessionEnd): void {
    if (this.level !== null) {
      // A level that ran out of time without a verdict is decided now.
      const r = this.level.check();
      if (r !== null) this.finishLevel(r);
      return;
    }
    if (this.ended) return;
    this.ended = true;
    const summary = summarize(this.source.world, end);
    this.time.delayedCall(600, () => this.scene.start('end', { summary, source: this.source }));
  }

  private leave(): void {
    if (this.level !== null) {
      this.ended = true;
      this.source.dispose();
      this.scene.start('solo');
      return;
    }
    this.ended = true;
    this.source.dispose();
    this.scene.start('title');
  }

  private teardown(): void {
    for (const off of this.offs) off();
    this.offs.length = 0;
    this.input.removeAllListeners();
    this.hud.dispose();
    this.inspector.dispose();
    this.briefing?.dispose();
    this.briefing = null;
    this.topo.destroy();
    this.packets.destroy();
    this.queue.destroy();
    this.effects.destroy();
    const el = document.getElementById('game');
    if (el !== null) el.style.inset = '';
    this.scale.getParentBounds();
    this.scale.refresh();
  }
}
