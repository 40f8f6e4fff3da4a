// Where nodes go on screen. Scenario files carry no coordinates, so the client lays the network out
// the way people draw one: senders on the left, their destinations on the right, the devices between
// in columns by distance, and each column ordered to keep links from crossing. Deterministic: the same
// network always gets the same picture, on every screen in the classroom.

import { staggerShift } from '../../shared/layout/stagger.ts';

export interface LayoutInput {
  nodes: ReadonlyArray<{ id: string; kind: string; pos?: { x: number; y: number } | null }>;
  links: ReadonlyArray<{ a: string; b: string }>;
  flows: ReadonlyArray<{ from: string; to: string }>;
}

/** Positions in a unit box: x and y in [0, 1]. */
export type Layout = Map<string, { x: number; y: number }>;

export function layoutTopology(input: LayoutInput): Layout {
  // A room's suggested positions win: everyone in the class then sees the same picture.
  if (input.nodes.length > 0 && input.nodes.every((n) => n.pos != null)) return fromPositions(input.nodes);
  const ids = input.nodes.map((n) => n.id);
  const adj = new Map<string, string[]>(ids.map((id) => [id, []]));
  for (const l of input.links) {
    adj.get(l.a)?.push(l.b);
    adj.get(l.b)?.push(l.a);
  }
  const senders = new Set(input.flows.map((f) => f.from));
  // Flows to a load balancer's virtual IP end at its backends, not at the balancer: only end hosts
  // are pulled to the right edge.
  const kindOf = new Map(input.nodes.map((n) => [n.id, n.kind]));
  const endHost = (id: string) => ['host', 'server', 'dns', 'ca'].includes(kindOf.get(id) ?? 'host');
  const receivers = new Set(input.flows.map((f) => f.to).filter((id) => !senders.has(id) && endHost(id)));
  const sources = senders.size > 0 ? [...senders] : ids.length > 0 ? [ids[0]!] : [];

  // Column = hop distance from the nearest sender (breadth-first, in declaration order).
  const column = new Map<string, number>();
  const queue: string[] = [];
  for (const s of sources) {
    if (adj.has(s) && !column.has(s)) {
      column.set(s, 0);
      queue.push(s);
    }
  }
  while (queue.length > 0) {
    const u = queue.shift()!;
    for (const v of adj.get(u) ?? []) {
      if (!column.has(v)) {
        column.set(v, column.get(u)! + 1);
        queue.push(v);
      }
    }
  }
  let maxCol = 0;
  for (const c of column.values()) maxCol = Math.max(maxCol, c);
  // Pure receivers go to the right edge; unreachable nodes to a column of their own on the right.
  for (const r of receivers) if (column.has(r)) column.set(r, Math.max(maxCol, column.get(r)!));
  for (const id of ids) if (!column.has(id)) column.set(id, maxCol + 1);
  // A column left empty by moving receivers right is closed up.
  const used = [...new Set(column.values())].sort((a, b) => a - b);
  const compact = new Map(used.map((c, i) => [c, i]));
  for (const [id, c] of column) column.set(id, compact.get(c)!);
  const columns: string[][] = used.map(() => []);
  for (const id of ids) columns[column.get(id)!]!.push(id);

  // Order each column by the mean row of its neighbours in the column before (one sweep each way).
  const row = new Map<string, number>();
  columns.forEach((col) => col.forEach((id, i) => row.set(id, i / Math.max(1, col.length - 1))));
  const sweep = (order: number[]) => {
    for (const ci of order) {
      const col = columns[ci]!;
      const key = new Map<string, number>();
      col.forEach((id, i) => {
        const ns = (adj.get(id) ?? []).filter((v) => column.get(v) !== ci);
        key.set(id, ns.length === 0 ? row.get(id)! : ns.reduce((s, v) => s + row.get(v)!, 0) / ns.length + i * 1e-6);
      });
      col.sort((x, y) => key.get(x)! - key.get(y)!);
      col.forEach((id, i) => row.set(id, col.length === 1 ? 0.5 : i / (col.length - 1)));
    }
  };
  const forward = columns.map((_, i) => i);
  sweep(forward.slice(1));
  sweep(forward.slice(0, -1).reverse());

  const out: Layout = new Map();
  const nCols = columns.length;
  columns.forEach((col, ci) => {
    const x = nCols === 1 ? 0.5 : ci / (nCols - 1);
    const shift = nCols === 1 ? 0 : staggerShift(x, col.length, 1 / (nCols - 1));
    col.forEach((id, i) => {
      const y = col.length === 1 ? 0.5 : (i + 0.5) / col.length;
      out.set(id, { x: i % 2 === 1 ? x + shift : x, y });
    });
  });
  return out;
}


/** Scale shared positions (any range) into the unit box, keeping their proportions per axis. */
function fromPositions(nodes: LayoutInput['nodes']): Layout {
  const xs = nodes.map((n) => n.pos!.x);
  const ys = nodes.map((n) => n.pos!.y);
  const [x0, x1, y0, y1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  const out: Layout = new Map();
  for (const n of nodes) {
    out.set(n.id, {
      x: x1 === x0 ? 0.5 : (n.pos!.x - x0) / (x1 - x0),
      y: y1 === y0 ? 0.5 : (n.pos!.y - y0) / (y1 - y0),
    });
  }
  return out;
}
