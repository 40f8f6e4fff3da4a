// The end of a session: scores, what happened (drops by reason, retransmissions, timeouts, each
// flow's outcome), and for the host the report to download.

import Phaser from 'phaser';
import { bytes, clock, n, t, type MessageKey } from '../i18n/index.ts';
import type { GameSource } from '../model/source.ts';
import { h } from '../ui/dom.ts';
import { hostFileButton } from '../ui/file-button.ts';
import { roleName } from '../ui/role-name.ts';
import type { EndSummary, FlowOutcome } from './end-summary.ts';
import { mountScreen } from './menu.ts';

export class EndScene extends Phaser.Scene {
  private summary!: EndSummary;
  private source: GameSource | null = null;

  constructor() {
    super('end');
  }

  init(data: { summary: EndSummary; source?: GameSource }): void {
    this.summary = data.summary;
    this.source = data.source ?? null;
  }

  create(): void {
    this.events.once('shutdown', () => {
      this.source?.dispose();
      this.source = null;
    });
    mountScreen(this, 'end', () => {
      const s = this.summary;
      const host = this.source?.host ?? null;
      const players =
        s.players.length === 0
          ? null
          : h(
              'section',
              { class: 'panel' },
              h('h2', { text: t('end.scores') }),
              h('ol', { class: 'scores', data: { testid: 'scores' } }, ...s.players.map((p) => h('li', {}, h('strong', { text: p.name }), ` · ${roleName(p.role, p.nodeKind ?? undefined)} · `, h('span', { text: t('end.points', { n: n(p.score) }) })))),
            );
      const drops = h(
        'section',
        { class: 'panel' },
        h('h2', { text: t('end.happened') }),
        h('p', { text: t('end.totalDrops', { n: n(s.totalDrops) }) }),
        h('ul', { data: { testid: 'drops' } }, ...s.drops.map((d) => h('li', { text: `${t(`drop.${d.reason}` as MessageKey)}: ${n(d.count)}` }))),
      );
      const flows = h(
        'section',
        { class: 'panel end-flows' },
        h('h2', { text: t('end.flows') }),
        h(
          'table',
          { class: 'flow-table', data: { testid: 'flow-table' } },
          h('thead', {}, h('tr', {}, ...['end.col.flow', 'end.col.delivered', 'end.col.retransmits', 'end.col.timeouts', 'end.col.fast'].map((k) => h('th', { text: t(k as MessageKey) })))),
          h(
            'tbody',
            {},
            ...s.flows.map((f) =>
              h(
                'tr',
                {},
                h('td', { text: `${f.id} (${f.transport.toUpperCase()})` }),
                h('td', { text: deliveredText(f) }),
                h('td', { text: n(f.retransmits) }),
                h('td', { text: n(f.timeouts) }),
                h('td', { text: n(f.fastRetransmits) }),
              ),
            ),
          ),
        ),
      );
      const report = host === null ? null : hostFileButton(host, 'report', 'end-report');
      const replay = host === null ? null : hostFileButton(host, 'replay', 'end-replay');
      return h(
        'div',
        { class: 'menu-card wide' },
        h('h1', { text: t('end.title') }),
        h('p', { class: 'muted', text: t(`end.reason.${s.reason}` as MessageKey, { scenario: s.scenario, time: clock(s.simMs) }) }),
        h('div', { class: 'end-grid' }, players, drops, flows),
        h('div', { class: 'actions' }, report, replay, h('button', { class: 'btn btn-primary', data: { testid: 'end-title' }, text: t('end.toTitle'), on: { click: () => this.scene.start('title') } })),
      );
    });
  }
}

/** What a flow delivered, in its own terms: lookups or requests answered, bytes, or datagrams. */
function deliveredText(f: FlowOutcome): string {
  const total = n(f.answered + f.unanswered);
  if (f.app === 'dns') return t('end.lookups', { answered: n(f.answered), total });
  if (f.app === 'http' || f.app === 'https') return t('end.requests', { answered: n(f.answered), total });
  return f.transport === 'tcp' ? bytes(f.delivered) : t('end.datagrams', { got: n(f.delivered), sent: n(f.datagrams) });
}
