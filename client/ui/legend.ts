// The key to packet shapes and colours, always on screen in the game.

import { t, type MessageKey } from '../i18n/index.ts';
import type { PacketClass } from '../theme/palette.ts';
import { h } from './dom.ts';
import { packetIcon } from './packet-icon.ts';

const SHOWN: PacketClass[] = ['data', 'ack', 'control', 'rst', 'udp', 'dns', 'tls'];

export function legend(): HTMLElement {
  const items = SHOWN.map((c) => h('span', { class: 'legend-item' }, packetIcon(c), t(`packet.${c}` as MessageKey)));
  const retx = h('span', { class: 'legend-item' }, packetIcon('data', { retransmit: true }), t('packet.retransmit'));
  const dup = h('span', { class: 'legend-item' }, packetIcon('data', { duplicate: true }), t('packet.duplicate'));
  return h('div', { class: 'legend', aria: { label: t('legend.title') } }, ...items, retx, dup);
}
