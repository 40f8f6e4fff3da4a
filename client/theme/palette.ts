// Colours and shapes. Packet kinds differ in shape *and* colour so nobody depends on colour alone;
// the colours are the Okabe–Ito palette, which stays distinguishable for the common forms of colour
// blindness, set on a dark background that a classroom projector does not wash out.

export const OKABE_ITO = {
  orange: 0xe69f00,
  skyBlue: 0x56b4e9,
  bluishGreen: 0x009e73,
  yellow: 0xf0e442,
  blue: 0x0072b2,
  vermillion: 0xd55e00,
  reddishPurple: 0xcc79a7,
  grey: 0xbbbbbb,
} as const;

export const UI = {
  background: 0x121826,
  panel: 0x1c2436,
  link: 0x7a8aa8,
  linkDown: 0x5a3030,
  linkLabel: '#c9d3e6',
  nodeFill: 0x26314a,
  nodeStroke: 0xdfe7f5,
  nodePlayer: OKABE_ITO.yellow,
  nodeDown: 0x552222,
  text: '#f2f5fa',
  mutedText: '#aab4c8',
  selection: 0xffffff,
  drop: OKABE_ITO.vermillion,
  retransmit: OKABE_ITO.vermillion,
  duplicate: OKABE_ITO.reddishPurple,
  held: OKABE_ITO.orange,
} as const;

/** The shape each packet class is drawn with. */
export type PacketShape = 'square' | 'triangle' | 'diamond' | 'cross' | 'circle' | 'hexagon' | 'bar';

/** What a packet looks like: classes group the engine's kinds (syn, syn-ack and fin share one look). */
export type PacketClass = 'data' | 'ack' | 'control' | 'rst' | 'udp' | 'dns' | 'tls' | 'other';

export interface PacketStyle {
  shape: PacketShape;
  color: number;
  css: string;
}

function css(color: number): string {
  return `#${color.toString(16).padStart(6, '0')}`;
}

function style(shape: PacketShape, color: number): PacketStyle {
  return { shape, color, css: css(color) };
}

export const PACKET_STYLES: Record<PacketClass, PacketStyle> = {
  data: style('square', OKABE_ITO.skyBlue),
  ack: style('triangle', OKABE_ITO.bluishGreen),
  control: style('diamond', OKABE_ITO.yellow),
  rst: style('cross', OKABE_ITO.vermillion),
  udp: style('circle', OKABE_ITO.orange),
  dns: style('hexagon', OKABE_ITO.reddishPurple),
  tls: style('bar', OKABE_ITO.blue),
  other: style('circle', OKABE_ITO.grey),
};

export const PACKET_CLASSES: readonly PacketClass[] = ['data', 'ack', 'control', 'rst', 'udp', 'dns', 'tls', 'other'];

/** The class of a packet from its engine kind and, when known, its application label. */
export function packetClass(kind: string, app: string | null = null): PacketClass {
  if (app === 'dns') return 'dns';
  if (app === 'tls' || app === 'https') return 'tls';
  switch (kind) {
    case 'data':
      return 'data';
    case 'ack':
      return 'ack';
    case 'syn':
    case 'syn-ack':
    case 'fin':
      return 'control';
    case 'rst':
      return 'rst';
    case 'udp':
      return 'udp';
    case 'dns':
      return 'dns';
    case 'tls':
      return 'tls';
    default:
      return 'other';
  }
}

export function cssColor(color: number): string {
  return css(color);
}

/** Colours of the congestion-control phases on the cwnd chart. */
export const PHASE_COLORS: Record<string, string> = {
  'slow-start': css(OKABE_ITO.skyBlue),
  'congestion-avoidance': css(OKABE_ITO.bluishGreen),
  'fast-recovery': css(OKABE_ITO.orange),
  timeout: css(OKABE_ITO.vermillion),
};

export const FONT_FAMILY = '"Noto Sans CJK KR", "Noto Sans KR", NanumGothic, "Apple SD Gothic Neo", "Malgun Gothic", system-ui, sans-serif';
