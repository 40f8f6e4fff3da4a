// The load balancer player's controls: which balancer of the pair is active, the algorithm, each
// backend's load against its capacity, and the connections waiting for a decision with a button per
// backend (or the number keys).

import { n, t, type MessageKey } from '../i18n/index.ts';
import { ALGORITHMS, type BalancerRole } from '../model/balancer-role.ts';
import { h, setChildren } from './dom.ts';
import type { Panel } from './panel.ts';

const STATUS_KEYS = { active: 'lb.active', passive: 'lb.passive', down: 'lb.downStatus' } as const;

export class BalancerPanel implements Panel {
  readonly root: HTMLElement;
  private readonly role: BalancerRole;
  private readonly status: HTMLElement;
  private readonly algos: HTMLElement;
  private readonly backends: HTMLElement;
  private readonly waiting: HTMLElement;
  private lastWaiting = '';
  private lastAlgo = '';

  constructor(role: BalancerRole) {
    this.role = role;
    this.status = h('div', { class: 'lb-status' });
    this.algos = h('div', { class: 'segmented' });
    this.backends = h('div', { class: 'backends', data: { testid: 'lb-backends' } });
    this.waiting = h('div', { class: 'lb-waiting', data: { testid: 'lb-waiting' } });
    this.root = h(
      'section',
      { class: 'panel balancer-panel', data: { testid: 'balancer-panel' } },
      h('h2', { text: t('lb.title', { node: role.node }) }),
      this.status,
      h('h3', { text: t('lb.algorithm') }),
      this.algos,
      h('h3', { text: t('lb.backends') }),
      this.backends,
      h('h3', { text: t('lb.waiting') }),
      this.waiting,
      h('p', { class: 'hint', text: t('lb.keys') }),
    );
    this.update();
  }

  update(): void {
    const role = this.role;
    const list = role.balancers();
    const active = role.active();
    setChildren(
      this.status,
      ...list.map((b) => {
        const status = role.status(b);
        return h(
          'div',
          { class: `state-box ${status}`, data: { lb: b.node, status } },
          h('span', { class: 'muted', text: `${b.node} · VIP ${b.vip}` }),
          h('strong', { text: t(STATUS_KEYS[status]) }),
        );
      }),
    );
    const algo = active?.algorithm ?? '';
    if (algo !== this.lastAlgo) {
      this.lastAlgo = algo;
      setChildren(
        this.algos,
        ...ALGORITHMS.map((a) =>
          h('button', {
            class: `btn btn-small${a === algo ? ' active' : ''}`,
            data: { testid: `algo-${a}` },
            text: t(`lb.algo.${a}` as MessageKey),
            on: { click: () => void role.setAlgorithm(a).then(() => this.update()) },
          }),
        ),
      );
    }
    setChildren(
      this.backends,
      ...(active?.backends ?? []).map((b, i) => {
        const share = Math.min(1, b.open / Math.max(1, b.capacity));
        const fill = h('div', { class: `meter-fill${b.open >= b.capacity ? ' full' : ''}` });
        fill.style.width = `${(share * 100).toFixed(1)}%`;
        return h(
          'div',
          { class: `backend${b.up ? '' : ' down'}`, data: { backend: b.node } },
          h('div', { class: 'row' }, h('kbd', { text: String(i + 1) }), h('strong', { text: b.node }), h('span', { class: 'muted', text: t('lb.load', { open: n(b.open), capacity: n(b.capacity), assigned: n(b.assigned) }) }), b.up ? null : h('span', { class: 'tag tag-bad', text: t('lb.down') })),
          h('div', { class: 'meter' }, fill),
        );
      }),
    );
    const waiting = role.waiting();
    const sig = waiting.map((w) => `${w.node}:${w.connection}`).join(',') + `|${(active?.backends ?? []).map((b) => b.node).join()}`;
    if (sig === this.lastWaiting) return;
    this.lastWaiting = sig;
    if (waiting.length === 0) {
      setChildren(this.waiting, h('p', { class: 'muted', text: active?.algorithm === 'manual' ? t('lb.noneWaiting') : t('lb.auto') }));
      return;
    }
    setChildren(
      this.waiting,
      ...waiting.map((w) => {
        const lb = role.balancers().find((b) => b.node === w.node);
        return h(
          'div',
          { class: 'flow-card', data: { connection: w.connection, lb: w.node } },
          h('div', { text: t('lb.connection', { id: w.connection, client: w.client, flow: w.flow ?? '-', node: w.node }) }),
          h(
            'div',
            { class: 'actions' },
            ...(lb?.backends ?? []).map((b) =>
              h('button', {
                class: 'btn btn-small',
                data: { testid: `assign-${w.connection}-${b.node}` },
                disabled: !b.up,
                text: `→ ${b.node}`,
                on: { click: () => void role.assign(w.node, w.connection, b.node).then(() => this.update()) },
              }),
            ),
          ),
        );
      }),
    );
  }

  dispose(): void {
    this.root.remove();
  }
}
