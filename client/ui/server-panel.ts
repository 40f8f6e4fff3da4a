// A server's inside (seed: blocking vs non-blocking I/O): with blocking I/O a thread per connection,
// each parked in accept, recv or send; with non-blocking I/O one event loop polling every connection.
// The accept queue shows who waits for a thread.

import { n, t, type MessageKey } from '../i18n/index.ts';
import type { IntentResult } from '../model/source.ts';
import type { World } from '../model/world.ts';
import type { ServerIoChoice } from '../../shared/protocols/app/http/spec.ts';
import { h, setChildren } from './dom.ts';
import type { Panel } from './panel.ts';
import { refusalText } from '../i18n/engine-reasons.ts';

/**
 * A server whose player picks its I/O model. `open`: a solo level's server opens with the choice (its
 * clients connect then) and the setup goes. `apply`: a class's running server takes the model, and
 * may change it until its first client connects.
 */
export interface ServerSetup {
  choices: readonly ServerIoChoice[];
  mode: 'open' | 'apply';
  open(node: string, choice: ServerIoChoice): Promise<IntentResult>;
}

function serverChoiceLabel(c: ServerIoChoice): string {
  return c.io === 'blocking' ? t('server.choice.blocking', { n: c.threads }) : t('server.choice.nonblocking');
}

export class ServerPanel implements Panel {
  readonly root: HTMLElement;
  private readonly world: World;
  private readonly node: string;
  private readonly body: HTMLElement;
  private setupRoot: HTMLElement | null;

  constructor(world: World, node: string, setup: ServerSetup | null = null) {
    this.world = world;
    this.node = node;
    this.body = h('div', {});
    this.setupRoot = setup === null ? null : this.buildSetup(setup);
    this.root = h('section', { class: 'panel server-panel', data: { testid: `server-${node}` } }, h('h2', { text: t('server.title', { node }) }), this.setupRoot, this.body);
    this.update();
  }

  /** The choice of I/O model and its button; gone once the model can no longer change. */
  private buildSetup(setup: ServerSetup): HTMLElement {
    const now = this.world.servers.get(this.node);
    // A running server starts out marked with the model it has.
    let picked =
      (setup.mode === 'apply' && now !== undefined ? setup.choices.find((c) => c.io === now.io && (c.io === 'nonblocking' || c.threads === now.threads.length)) : undefined) ??
      setup.choices[0]!;
    const note = h('p', { class: 'muted', aria: { live: 'polite' } });
    const buttons = setup.choices.map((c) =>
      h('button', {
        class: 'btn btn-small',
        data: { testid: `server-io-${c.io}-${c.threads}` },
        text: serverChoiceLabel(c),
        on: {
          click: () => {
            picked = c;
            mark();
          },
        },
      }),
    );
    const mark = () =>
      buttons.forEach((b, i) => {
        const on = setup.choices[i] === picked;
        b.classList.toggle('active', on);
        b.setAttribute('aria-pressed', String(on));
      });
    mark();
    const open = h('button', {
      class: 'btn btn-primary',
      data: { testid: setup.mode === 'open' ? 'server-open' : 'server-apply' },
      text: t(setup.mode === 'open' ? 'server.open' : 'server.apply'),
      on: {
        click: () => {
          const choice = picked;
          void setup.open(this.node, choice).then((r) => {
            if (!r.ok) note.textContent = refusalText(r);
            else if (setup.mode === 'open') this.removeSetup();
            else note.textContent = t('server.applied', { model: serverChoiceLabel(choice) });
          });
        },
      },
    });
    const hint = t(setup.mode === 'open' ? 'server.setupHint' : 'server.applyHint');
    return h('div', { class: 'server-setup', data: { testid: 'server-setup' } }, h('p', { class: 'hint', text: hint }), h('div', { class: 'segmented' }, ...buttons), h('div', { class: 'actions' }, open), note);
  }

  private removeSetup(): void {
    this.setupRoot?.remove();
    this.setupRoot = null;
  }

  update(): void {
    const v = this.world.servers.get(this.node);
    if (v !== undefined && !v.ioSettable) this.removeSetup();
    if (v === undefined) {
      setChildren(this.body, h('p', { class: 'muted', text: '-' }));
      return;
    }
    setChildren(
      this.body,
      h('p', { text: v.io === 'blocking' ? t('server.blocking') : t('server.nonblocking') }),
      h('div', { class: 'stats', text: t('server.figures', { conns: n(v.activeConnections), capacity: n(v.capacity), queue: n(v.acceptQueue.length), backlog: n(v.cpuBacklog) }) }),
      h(
        'div',
        { class: 'threads' },
        ...v.threads.map((th) =>
          h('span', { class: `thread state-${th.state}`, title: th.flow ?? '' }, h('strong', { text: th.name }), ` ${t(`server.state.${th.state}` as MessageKey)}`, th.conn === null ? '' : ` #${th.conn}`),
        ),
      ),
    );
  }

  dispose(): void {
    this.root.remove();
  }
}
