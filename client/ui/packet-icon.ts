// Packet shapes for the HTML panels (legend, router queue list), matching what the canvas draws.

import { PACKET_STYLES, type PacketClass, type PacketShape } from '../theme/palette.ts';

const NS = 'http://www.w3.org/2000/svg';

function shapePath(shape: PacketShape): string {
  switch (shape) {
    case 'square':
      return 'M3 3H13V13H3Z';
    case 'triangle':
      return 'M2 3L14 8L2 13Z';
    case 'diamond':
      return 'M8 1L15 8L8 15L1 8Z';
    case 'cross':
      return 'M3 1L8 6L13 1L15 3L10 8L15 13L13 15L8 10L3 15L1 13L6 8L1 3Z';
    case 'circle':
      return 'M8 2A6 6 0 1 1 7.99 2Z';
    case 'hexagon':
      return 'M4.5 2H11.5L15 8L11.5 14H4.5L1 8Z';
    case 'bar':
      return 'M1 5H15V11H1Z';
  }
}

export function packetIcon(cls: PacketClass, opts: { retransmit?: boolean; duplicate?: boolean; held?: boolean } = {}): SVGSVGElement {
  const style = PACKET_STYLES[cls];
  const svg = document.createElementNS(NS, 'svg');
  svg.setAttribute('viewBox', '-1 -1 18 18');
  svg.setAttribute('class', 'packet-icon');
  svg.setAttribute('aria-hidden', 'true');
  const path = document.createElementNS(NS, 'path');
  path.setAttribute('d', shapePath(style.shape));
  path.setAttribute('fill', opts.held === true ? 'none' : style.css);
  path.setAttribute('stroke', opts.retransmit === true ? '#D55E00' : opts.duplicate === true ? '#CC79A7' : opts.held === true ? style.css : 'none');
  path.setAttribute('stroke-width', opts.held === true ? '2' : '2.5');
  svg.append(path);
  return svg;
}
