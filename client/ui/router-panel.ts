// The router player's controls: the queue as a list (the same packets drawn at the node), the links
// to forward on with their numbers, drop / hold / duplicate, auto-forward, and the shortcuts for all.

import { t } from '../i18n/index.ts';
import type { RouterRole } from '../model/router-role.ts';
import { lossFrom } from '../model/topology.ts';
import { packetClass } from '../theme/palette.ts';
import { h, setChildren, setText } from './dom.ts';
import { packetIcon } from './packet-icon.ts';
import type { Panel } from './panel.ts';
import { isNamedAs } from './role-name.ts';

export class RouterPanel implements Panel {
  readonly root: HTMLElement;
  private readonly role: RouterRole;
  private readonly list: HTMLElement;
  private readonly linksBox: HTMLElement;
  private readonly count: HTMLElement;
  private readonly selectedInfo: HTMLElement;
  private readonly autoBox: HTMLInputElement;
  private readonly inspect: (packet: number) => void;
  private lastSignature = '';

  constructor(role: RouterRole, inspect: (packet: number) => void) {
    this.role = role;
    this.inspect = inspect;
    this.count = h('span', { class: 'muted' });
    this.list = h('div', { class: 'queue-list', role: 'listbox', aria: { label: t('router.queue') } });
    this.linksBox = h('div', { class: 'link-buttons' });
    this.selectedInfo = h('div', { class: 'selected-info muted' });
    this.autoBox = h('input', { type: 'checkbox', data: { testid: 'auto-forward' } });
    this.autoBox.addEventListener('change', () => {
      role.autoForward = this.autoBox.checked;
    });
    const action = (key: string, label: string, testid: string, fn: () => void) =>
      h('button', { class: 'btn', data: { testid }, on: { click: fn } }, h('kbd', { text: key }), ` ${label}`);
    this.root = h(
      'section',
      { class: 'panel router-panel', data: { testid: 'router-panel' } },
      // "Your router router" says it twice: a node named for the role goes by the role alone.
      h('h2', {}, isNamedAs(role.node, t('role.router')) ? t('router.titlePlain') : t('router.title', { node: role.node }), ' ', this.count),
      this.list,
      this.selectedInfo,
      h('h3', { text: t('router.forwardOn') }),
      this.linksBox,
      h(
        'div',
        { class: 'actions' },
        action('D', t('router.drop'), 'drop', () => void role.drop()),
        action('H', t('router.hold'), 'hold', () => void role.hold()),
        action('C', t('router.duplicate'), 'duplicate', () => void role.duplicate()),
        action('I', t('router.inspect'), 'inspect', () => {
          const id = role.ensureSelection();
          if (id !== null) this.inspect(id);
        }),
      ),
      h('label', { class: 'toggle' }, this.autoBox, ' ', h('kbd', { text: 'A' }), ` ${t('router.auto')}`),
      h('p', { class: 'hint', text: t('router.autoHint') }),
      h('p', { class: 'hint', text: t('router.keys') }),
    );
    this.update();
  }

  update(): void {
    const role = this.role;
    const q = role.queue();
    const sel = role.ensureSelection();
    this.autoBox.checked = role.autoForward;
    setText(this.count, role.queueLimit() > 0 ? `${q.length} / ${role.queueLimit()}` : `${q.length}`);
    const signature = `${sel}|${q.map((e) => `${e.id}${e.held ? 'h' : ''}`).join(',')}|${[...role.preferred].join(',')}`;
    if (signature === this.lastSignature) return;
    this.lastSignature = signature;
    if (q.length === 0) setChildren(this.list, h('p', { class: 'muted', text: t('router.empty') }));
    else {
      setChildren(
        this.list,
        ...q.map((e) =>
          h(
            'button',
            {
              class: `queue-item${e.id === sel ? ' selected' : ''}${e.held ? ' held' : ''}`,
              role: 'option',
              aria: { selected: String(e.id === sel) },
              data: { packet: e.id, kind: e.kind, next: e.next ?? '' },
              on: {
                click: () => {
                  role.select(e.id);
                  this.update();
                },
              },
            },
            packetIcon(packetClass(e.kind, e.app), { retransmit: e.retransmit, duplicate: e.duplicate, held: e.held }),
            h('span', { text: `#${e.id} ${t(`kind.packet.${e.kind}` as 'kind.packet.data')}` }),
            h('span', { class: 'muted', text: e.dest === null ? '' : `→ ${e.dest}` }),
            e.held ? h('span', { class: 'tag', text: t('router.held') }) : null,
            e.retransmit ? h('span', { class: 'tag tag-bad', text: t('packet.retransmit') }) : null,
          ),
        ),
      );
    }
    const selected = q.find((e) => e.id === sel);
    setText(
      this.selectedInfo,
      selected === undefined
        ? t('router.pickFirst')
        : t(selected.dest === null ? 'router.selectedNoDest' : 'router.selected', {
            id: selected.id,
            kind: t(`kind.packet.${selected.kind}` as 'kind.packet.data'),
            flow: selected.flow ?? '-',
            dest: selected.dest ?? '',
            next: selected.next ?? '-',
          }),
    );
    const usual = selected?.next ?? null;
    const auto = selected === undefined ? null : role.autoLinkFor(selected);
    setChildren(
      this.linksBox,
      ...role.links().map((l, i) => {
        const loss = lossFrom(l, role.node);
        return h(
          'button',
          { class: `btn link-btn${l.up ? '' : ' down'}`, data: { link: l.id, testid: `forward-${l.id}` }, disabled: selected === undefined, on: { click: () => void role.forward(l.id) } },
          h('kbd', { text: String(i + 1) }),
          h('span', { text: ` ${l.id} → ${role.neighbour(l)}` }),
          h('span', { class: 'muted', text: ` · ${Math.round(l.delayMs)} ms` }),
          loss > 0 ? h('span', { class: 'tag tag-bad', text: t('topo.loss', { p: `${Math.round(loss * 1000) / 10}%` }) }) : null,
          l.id === usual ? h('span', { class: 'tag', text: t('router.usual') }) : null,
          l.id === auto && auto !== usual ? h('span', { class: 'tag tag-good', text: t('router.yourChoice') }) : null,
        );
      }),
    );
  }

  dispose(): void {
    this.root.remove();
  }
}
