// The host's dashboard (teacher or streamer): the join code large (hidden in streamer mode), time
// control, scenario choice, fault injection, roles, kick, end and the report. In the sandbox the same
// dashboard runs the engine in this page.

import { t, type MessageKey } from '../i18n/index.ts';
import type { FaultIntent, GameSource, HostControls, IntentResult } from '../model/source.ts';
import { h, setChildren, setText } from './dom.ts';
import { seatSelect } from './seat-select.ts';
import type { Panel } from './panel.ts';
import { toast } from './toast.ts';
import { refusalMessage } from '../i18n/engine-reasons.ts';
import { readScenarioFile } from './scenario-file.ts';
import { joinAddressLine } from './join-address.ts';
import { hostFileButton } from './file-button.ts';

export const SPEEDS: readonly number[] = [0.1, 0.25, 0.5, 1, 2, 4];
/** The sandbox also slows down enough to follow the engine's fast topic scenarios. */
export const SANDBOX_SPEEDS: readonly number[] = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 4];
const STREAMER_KEY = 'packetplay.streamer';

export function streamerMode(): boolean {
  try {
    return localStorage.getItem(STREAMER_KEY) === '1';
  } catch {
    return false;
  }
}

export function setStreamerMode(on: boolean): void {
  try {
    localStorage.setItem(STREAMER_KEY, on ? '1' : '0');
  } catch {
    /* storage blocked: the toggle still works for this page */
  }
}

export class HostPanel implements Panel {
  readonly root: HTMLElement;
  private readonly source: GameSource;
  private readonly host: HostControls;
  private readonly pauseBtn: HTMLButtonElement;
  private readonly speedBtns = new Map<number, HTMLButtonElement>();
  private readonly players: HTMLElement;
  private readonly code: HTMLElement;
  private readonly faultTarget: HTMLSelectElement;
  private playersSig = '';
  private streamer = streamerMode();

  constructor(source: GameSource, host: HostControls) {
    this.source = source;
    this.host = host;
    const w = source.world;
    this.pauseBtn = h('button', { class: 'btn btn-primary', data: { testid: 'host-pause' }, on: { click: () => this.togglePause() } });
    const speeds = (source.mode === 'sandbox' ? SANDBOX_SPEEDS : SPEEDS).map((s) => {
      const b = h('button', { class: 'btn btn-small', data: { testid: `speed-${s}` }, text: `×${s}`, on: { click: () => host.setSpeed(s) } });
      this.speedBtns.set(s, b);
      return b;
    });
    const step = h('button', { class: 'btn', data: { testid: 'host-step' }, text: t('host.step'), on: { click: () => host.step(100) } });
    // In the sandbox (the engine runs in the page), jumps in time: back is the same run played again to that instant.
    const jumpTo = host.jumpTo?.bind(host);
    const jumpButtons: HTMLButtonElement[] = [];
    // Going back runs the engine from the start again (seconds, late in a long session), so the
    // button says so and the page paints that before the work begins.
    const jump = (testid: string, key: MessageKey, byMs: number) => {
      const b = h('button', { class: 'btn btn-small', data: { testid }, text: t(key), title: t('host.jumpTitle') });
      b.addEventListener('click', () => {
        if (jumpTo === undefined || jumpButtons.some((x) => x.disabled)) return;
        const targetMs = w.nowMs + byMs;
        for (const x of jumpButtons) x.disabled = true;
        b.textContent = t('host.jumping');
        b.setAttribute('aria-busy', 'true');
        requestAnimationFrame(() =>
          setTimeout(() => {
            try {
              jumpTo(targetMs);
            } finally {
              for (const x of jumpButtons) x.disabled = false;
              b.textContent = t(key);
              b.removeAttribute('aria-busy');
            }
          }, 0),
        );
      });
      jumpButtons.push(b);
      return b;
    };
    const jumps = jumpTo === undefined ? null : h('div', { class: 'actions' }, jump('host-back', 'host.back10', -10_000), jump('host-forward', 'host.forward10', 10_000), jump('host-forward-min', 'host.forward60', 60_000));

    this.code = h('div', { class: 'join-code', data: { testid: 'join-code' } });
    const where = host.joinCode === null ? null : joinAddressLine(this.streamer);
    const streamerBox = h('input', { type: 'checkbox', data: { testid: 'streamer-mode' } });
    streamerBox.checked = this.streamer;
    streamerBox.addEventListener('change', () => {
      this.streamer = streamerBox.checked;
      setStreamerMode(this.streamer);
      this.renderCode();
      where?.setHidden(this.streamer);
    });
    const copy = h('button', {
      class: 'btn btn-small',
      text: t('host.copyCode'),
      on: {
        click: () => {
          if (host.joinCode !== null) void navigator.clipboard?.writeText(host.joinCode).then(() => toast(t('host.copied'), 'good'));
        },
      },
    });
    const codeBox =
      host.joinCode === null
        ? null
        : h('div', { class: 'code-box' }, h('div', { class: 'muted', text: t('host.codeLabel') }), this.code, where?.el ?? null, h('div', { class: 'row' }, h('label', { class: 'toggle' }, streamerBox, ` ${t('host.streamer')}`), copy));

    const scenarioSelect = h('select', { data: { testid: 'scenario-select' } }, ...host.scenarios().map((s) => h('option', { value: s.id, text: s.name })));
    // Starts out on the scenario running now, so that the button runs it again unless another is picked.
    const current = host.currentScenario();
    if (current !== null) scenarioSelect.value = current;
    const loadBtn = h('button', {
      class: 'btn',
      data: { testid: 'scenario-load' },
      text: t('host.loadScenario'),
      on: { click: () => void this.report(host.loadScenario(scenarioSelect.value)) },
    });
    // …or a scenario file of one's own (docs/scenario.md): the engine's loader names what is wrong with it.
    const fileInput = h('input', { type: 'file', accept: '.json,application/json', class: 'visually-hidden', data: { testid: 'scenario-file' } });
    fileInput.addEventListener('change', () => {
      const f = fileInput.files?.[0];
      fileInput.value = '';
      if (f !== undefined) void this.loadFile(host, f);
    });
    const fileBtn = h('button', { class: 'btn btn-small', type: 'button', text: t('host.loadFile'), on: { click: () => fileInput.click() } });

    this.faultTarget = h('select', { data: { testid: 'fault-target' } });
    this.fillFaultTargets();
    const fault = (key: MessageKey, testid: string, make: (target: string) => FaultIntent | null) =>
      h('button', {
        class: 'btn btn-small',
        data: { testid },
        text: t(key),
        on: {
          click: () => {
            const f = make(this.faultTarget.value);
            if (f === null) toast(t('host.faultWrongTarget'), 'bad');
            else void this.report(host.fault(f));
          },
        },
      });
    const [kindOf, idOf] = [(v: string) => v.split(':')[0], (v: string) => v.slice(v.indexOf(':') + 1)];
    const faults = h(
      'div',
      { class: 'actions wrap' },
      fault('host.fault.linkDown', 'fault-link-down', (v) => (kindOf(v) === 'link' ? { kind: 'link-down', link: idOf(v), forMs: 5000 } : null)),
      fault('host.fault.linkLoss', 'fault-link-loss', (v) => (kindOf(v) === 'link' ? { kind: 'link-loss', link: idOf(v), loss: 0.1 } : null)),
      fault('host.fault.linkClean', 'fault-link-clean', (v) => (kindOf(v) === 'link' ? { kind: 'link-loss', link: idOf(v), loss: 0 } : null)),
      fault('host.fault.nodeDown', 'fault-node-down', (v) => (kindOf(v) === 'node' ? { kind: 'node-down', node: idOf(v), forMs: 5000 } : null)),
      // Losing one chosen segment is an engine fault the game server does not offer.
      source.mode === 'room'
        ? null
        : fault('host.fault.dropSegment', 'fault-drop-segment', (v) => (kindOf(v) === 'flow' ? { kind: 'drop-segment', flow: idOf(v), segment: Math.max(1, w.history(idOf(v)).segmentsSent + 1) } : null)),
    );

    this.players = h('div', { class: 'players' });
    const end = h('button', { class: 'btn btn-danger', data: { testid: 'host-end' }, text: t('host.end'), on: { click: () => void this.endSession() } });
    const reportBtn = hostFileButton(host, 'report', 'host-report');
    const replayBtn = hostFileButton(host, 'replay', 'host-replay');

    this.root = h(
      'section',
      { class: 'panel host-panel', data: { testid: 'host-panel' } },
      h('h2', { text: source.mode === 'sandbox' ? t('host.sandboxTitle') : t('host.title') }),
      codeBox,
      h('h3', { text: t('host.time') }),
      h('div', { class: 'actions' }, this.pauseBtn, step),
      jumps,
      h('div', { class: 'segmented' }, ...speeds),
      host.scenarios().length > 0 ? h('h3', { text: t('host.scenario') }) : null,
      host.scenarios().length > 0 ? h('div', { class: 'row' }, scenarioSelect, loadBtn, fileBtn, fileInput) : null,
      h('h3', { text: t('host.faults') }),
      this.faultTarget,
      faults,
      h('h3', { text: t('host.players') }),
      this.players,
      h('div', { class: 'actions' }, reportBtn, replayBtn, end),
    );
    this.renderCode();
    this.update();
  }

  private renderCode(): void {
    const code = this.host.joinCode ?? '';
    setText(this.code, this.streamer ? '••••••' : code);
    this.code.classList.toggle('hidden-code', this.streamer);
  }

  private fillFaultTargets(): void {
    const w = this.source.world;
    const opts = [
      ...[...w.links.values()].map((l) => h('option', { value: `link:${l.id}`, text: `${t('host.target.link')} ${l.id} (${l.a}–${l.b})` })),
      ...[...w.nodes.values()].map((n) => h('option', { value: `node:${n.id}`, text: `${t('host.target.node')} ${n.id}` })),
      ...(this.source.mode === 'room' ? [] : [...w.flows.values()].filter((f) => f.transport === 'tcp').map((f) => h('option', { value: `flow:${f.id}`, text: `${t('host.target.flow')} ${f.id}` }))),
    ];
    setChildren(this.faultTarget, ...opts);
  }

  private togglePause(): void {
    if (this.source.world.paused) this.host.resume();
    else this.host.pause();
    this.update();
  }

  update(): void {
    const w = this.source.world;
    setText(this.pauseBtn, w.paused ? t('host.resume') : t('host.pause'));
    for (const [s, b] of this.speedBtns) b.classList.toggle('active', Math.abs(s - w.speed) < 1e-9);
    const flowTargets = this.source.mode === 'room' ? 0 : [...w.flows.values()].filter((f) => f.transport === 'tcp').length;
    if (this.faultTarget.options.length !== w.links.size + w.nodes.size + flowTargets) this.fillFaultTargets();
    this.renderPlayers();
  }

  private renderPlayers(): void {
    const w = this.source.world;
    const players = [...w.players.values()];
    const sig = players.map((p) => `${p.id}:${p.name}:${p.role}:${p.node}:${p.connected}`).join('|') + `|${w.topologyVersion}|${[...w.seats.values()].map((x) => x.player).join()}`;
    if (sig === this.playersSig) return;
    this.playersSig = sig;
    if (this.source.mode === 'sandbox') {
      // The sandbox has one player: choose a router, balancer or tap to play, or just watch.
      const playable = [...w.nodes.values()].filter((n) => n.kind === 'router' || n.kind === 'loadbalancer' || n.kind === 'tap');
      const roleOf = (kind: string) => (kind === 'router' ? 'router' : kind === 'loadbalancer' ? 'loadbalancer' : 'tap');
      const select = h(
        'select',
        { data: { testid: 'sandbox-role' } },
        h('option', { value: '', text: t('host.watchOnly') }),
        ...playable.map((n) => h('option', { value: n.id, text: t('host.playNode', { role: t(`role.${roleOf(n.kind)}` as MessageKey), node: n.id }) })),
      );
      select.value = this.source.me().node ?? '';
      select.addEventListener('change', () => {
        const node = select.value === '' ? null : select.value;
        const kind = node === null ? '' : (w.nodes.get(node)?.kind ?? '');
        void this.report(this.host.assignRole('me', node === null ? 'host' : roleOf(kind), node));
      });
      setChildren(this.players, select);
      return;
    }
    if (players.length === 0) {
      setChildren(this.players, h('p', { class: 'muted', text: t('host.noPlayers') }));
      return;
    }
    setChildren(
      this.players,
      h(
        'div',
        { class: 'player-rows' },
        ...players.map((p) =>
          h(
            'div',
            { class: `player-row${p.connected ? '' : ' muted'}` },
            h('strong', { text: p.name + (p.host ? ` (${t('role.host')})` : '') }),
            p.host ? null : seatSelect(w, p.id, (role, node) => void this.report(this.host.assignRole(p.id, role ?? 'spectator', node))),
            p.host ? null : h('button', { class: 'btn btn-small btn-danger', data: { testid: `kick-${p.name}` }, text: t('host.kick'), on: { click: () => void this.report(this.host.kick(p.id)) } }),
          ),
        ),
      ),
    );
  }

  private async loadFile(host: HostControls, f: File): Promise<void> {
    const read = await readScenarioFile(f);
    if (!read.ok) toast(t('toast.refused', { reason: `${f.name}: ${read.problem}` }), 'bad');
    else await this.report(host.loadScenario(read.scenario));
  }

  private async report(p: Promise<IntentResult>): Promise<void> {
    const r = await p;
    if (!r.ok) toast(t('toast.refused', { reason: refusalMessage(r) }), 'bad');
    this.update();
  }

  private async endSession(): Promise<void> {
    if (!confirm(t('host.endConfirm'))) return;
    await this.report(this.host.end());
  }

  dispose(): void {
    this.root.remove();
  }
}
