// Screen geometry of the network: node centres and sizes, and for every link two lanes (one per
// direction, side by side) that packets travel along. Pure arithmetic, shared by the topology, packet
// and effect layers so a packet is always drawn exactly on its link.

import type { Layout } from './layout.ts';

export interface Area {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface NodeGeom {
  id: string;
  x: number;
  y: number;
  /** Radius of the node's drawing. */
  r: number;
}

export interface Lane {
  /** Start (at the sending node's edge) and end (at the receiving node's edge). */
  x0: number;
  y0: number;
  x1: number;
  y1: number;
  /** Unit direction of travel. */
  dx: number;
  dy: number;
}

export interface LinkGeom {
  id: string;
  a: string;
  b: string;
  /** Lane carrying frames from a to b, and from b to a. */
  ab: Lane;
  ba: Lane;
  /** Middle of the link (labels). */
  mx: number;
  my: number;
  /** Offset of this link from the straight line when two nodes share several links. */
  bend: number;
}

export interface Geometry {
  nodes: Map<string, NodeGeom>;
  links: Map<string, LinkGeom>;
  nodeRadius: number;
  packetSize: number;
  laneGap: number;
  /** The drawing area's top and bottom edges: what is drawn at a node stays between them. */
  top: number;
  bottom: number;
}

export function computeGeometry(
  layout: Layout,
  links: ReadonlyArray<{ id: string; a: string; b: string }>,
  area: Area,
): Geometry {
  const nodeRadius = Math.max(20, Math.min(46, Math.min(area.width, area.height) * 0.05));
  const padX = nodeRadius * 2.6;
  // Room above a node for its player's name (and a router's queue), below it for two label lines;
  // on a small map the labels keep a minimum size, so the room is at least theirs.
  const padTop = Math.max(nodeRadius * 2.2, nodeRadius + 12 + labelSizes(nodeRadius).big * 1.25);
  const padBottom = Math.max(nodeRadius * 2.8, nodeRadius + 2 + nodeLabelsHeight(nodeRadius));
  const nodes = new Map<string, NodeGeom>();
  for (const [id, p] of layout) {
    nodes.set(id, {
      id,
      x: area.x + padX + p.x * Math.max(0, area.width - 2 * padX),
      y: area.y + padTop + p.y * Math.max(0, area.height - padTop - padBottom),
      r: nodeRadius,
    });
  }
  const packetSize = Math.max(5, Math.min(10, nodeRadius * 0.2));
  const laneGap = packetSize * 1.3;
  // Several links between the same two nodes are drawn as parallel tracks.
  const pairCount = new Map<string, number>();
  const pairIndex = new Map<string, number>();
  for (const l of links) {
    const key = l.a < l.b ? `${l.a}|${l.b}` : `${l.b}|${l.a}`;
    pairIndex.set(l.id, pairCount.get(key) ?? 0);
    pairCount.set(key, (pairCount.get(key) ?? 0) + 1);
  }
  const out = new Map<string, LinkGeom>();
  for (const l of links) {
    const a = nodes.get(l.a);
    const b = nodes.get(l.b);
    if (a === undefined || b === undefined) continue;
    const key = l.a < l.b ? `${l.a}|${l.b}` : `${l.b}|${l.a}`;
    const count = pairCount.get(key)!;
    const index = pairIndex.get(l.id)!;
    // Canonical perpendicular, so parallel links spread the same way whichever end is "a".
    const [p, q] = l.a < l.b ? [a, b] : [b, a];
    let ux = q.x - p.x;
    let uy = q.y - p.y;
    const len = Math.hypot(ux, uy) || 1;
    ux /= len;
    uy /= len;
    const px = -uy;
    const py = ux;
    const bend = count === 1 ? 0 : (index - (count - 1) / 2) * nodeRadius * 1.6;
    const lane = (from: NodeGeom, to: NodeGeom): Lane => {
      let dx = to.x - from.x;
      let dy = to.y - from.y;
      const d = Math.hypot(dx, dy) || 1;
      dx /= d;
      dy /= d;
      // Traffic keeps to the right of its direction of travel.
      const side = laneGap / 2;
      const ox = -dy * side + px * bend;
      const oy = dx * side + py * bend;
      const edge = from.r + packetSize;
      return {
        x0: from.x + dx * edge + ox,
        y0: from.y + dy * edge + oy,
        x1: to.x - dx * (to.r + packetSize) + ox,
        y1: to.y - dy * (to.r + packetSize) + oy,
        dx,
        dy,
      };
    };
    out.set(l.id, {
      id: l.id,
      a: l.a,
      b: l.b,
      ab: lane(a, b),
      ba: lane(b, a),
      mx: (a.x + b.x) / 2 + px * bend,
      my: (a.y + b.y) / 2 + py * bend,
      bend,
    });
  }
  placeLabels(out, nodes, nodeRadius);
  return { nodes, links: out, nodeRadius, packetSize, laneGap, top: area.y, bottom: area.y + area.height };
}

/** The lane a frame from `from` uses on this link. */
export function laneFrom(g: LinkGeom, from: string): Lane {
  return from === g.a ? g.ab : g.ba;
}

/** Point at fraction `p` along a lane. */
export function pointOnLane(lane: Lane, p: number): { x: number; y: number } {
  return { x: lane.x0 + (lane.x1 - lane.x0) * p, y: lane.y0 + (lane.y1 - lane.y0) * p };
}

/**
 * Where each link's label goes: its middle, unless that is taken (links that cross meet in the
 * middle); then further along the link, away from labels already placed and from nodes.
 */
function placeLabels(links: Map<string, LinkGeom>, nodes: Map<string, NodeGeom>, nodeRadius: number): void {
  const placed: Array<{ x: number; y: number }> = [];
  const clear = nodeRadius * 2.6;
  for (const g of links.values()) {
    const lane = g.ab;
    let best = { x: g.mx, y: g.my };
    for (const t of [0.5, 0.34, 0.66, 0.26, 0.74]) {
      const x = (lane.x0 + lane.x1) / 2 + ((lane.x1 - lane.x0) * (t - 0.5));
      const y = (lane.y0 + lane.y1) / 2 + ((lane.y1 - lane.y0) * (t - 0.5));
      const cx = x + (g.mx - (lane.x0 + lane.x1) / 2);
      const cy = y + (g.my - (lane.y0 + lane.y1) / 2);
      const free = placed.every((p) => Math.hypot(p.x - cx, p.y - cy) > clear) && [...nodes.values()].every((n) => Math.hypot(n.x - cx, n.y - cy) > n.r * 2);
      if (free) {
        best = { x: cx, y: cy };
        break;
      }
    }
    g.mx = best.x;
    g.my = best.y;
    placed.push(best);
  }
}

/** Font sizes of the map's labels: node names and owners (big), addresses and links (small); larger for a stream. */
export function labelSizes(nodeRadius: number, large = false): { small: number; big: number } {
  const scale = large ? 1.25 : 1;
  return {
    small: Math.round(Math.max(13, nodeRadius * 0.38) * scale),
    big: Math.round(Math.max(16, nodeRadius * 0.5) * scale),
  };
}

/** Height of a node's name and address under its edge (topology-view.ts draws them from r + 6 down). */
export function nodeLabelsHeight(nodeRadius: number, large = false): number {
  const { small, big } = labelSizes(nodeRadius, large);
  return 8 + big * 1.25 + small * 1.4;
}
