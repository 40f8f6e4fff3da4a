// A server's inside (seed: blocking vs non-blocking I/O): with blocking I/O a thread per connection,
// each parked in accept, recv or send; with non-blocking I/O one event loop polling every connection.
// The accept queue shows who waits for a thread.

import { n, t, type MessageKey } from '../i18n/index.ts';
import type { World } from '../model/world.ts';
import { h, setChildren } from './dom.ts';
import type { Panel } from './panel.ts';

export class ServerPanel implements Panel {
  readonly root: HTMLElement;
  private readonly world: World;
  private readonly node: string;
  private readonly body: HTMLElement;

  constructor(world: World, node: string) {
    this.world = world;
    this.node = node;
    this.body = h('div', {});
    this.root = h('section', { class: 'panel server-panel', data: { testid: `server-${node}` } }, h('h2', { text: t('server.title', { node }) }), this.body);
    this.update();
  }

  update(): void {
    const v = this.world.servers.get(this.node);
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
