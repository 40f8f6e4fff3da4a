// A suggested drawing position for every node, computed once per scenario so that everyone in the
// room sees the same picture (a teacher can say "the router at the top"). Columns follow hop
// distance from the senders, so traffic reads left to right; nodes in a column are spread evenly.

import type { EngineScenario } from '../../shared/protocols/scenario.ts';
import { staggerShift } from '../../shared/layout/stagger.ts';

export const LAYOUT_SIZE = 1000;
const MARGIN = 80;

export function layout(scenario: EngineScenario): Map<string, { x: number; y: number }> {
  const neighbours = new Map<string, string[]>(scenario.nodes.map((n) => [n.id, []]));
  for (const l of scenario.links) {
    neighbours.get(l.a)?.push(l.b);
    neighbours.get(l.b)?.push(l.a);
  }
  const senders = [...new Set(scenario.flows.map((f) => f.from))];
  const roots = senders.length > 0 ? senders : scenario.nodes.slice(0, 1).map((n) => n.id);
  const depth = new Map<string, number>();
  let frontier = roots.filter((r) => neighbours.has(r));
  for (const r of frontier) depth.set(r, 0);
  while (frontier.length > 0) {
    const next: string[] = [];
    for (const id of frontier) {
      for (const n of neighbours.get(id) ?? []) {
        if (depth.has(n)) continue;
        depth.set(n, depth.get(id)! + 1);
        next.push(n);
      }
    }
    frontier = next;
  }
  // Receivers that are not also senders go to the last column, so every flow ends on the right.
  let maxDepth = 0;
  for (const d of depth.values()) maxDepth = Math.max(maxDepth, d);
  const receivers = new Set(scenario.flows.map((f) => f.to).filter((id) => !senders.includes(id)));
  for (const id of receivers) if (depth.has(id)) depth.set(id, Math.max(depth.get(id)!, maxDepth));
  // Unreachable nodes get a column of their own after the rest.
  for (const n of scenario.nodes) if (!depth.has(n.id)) depth.set(n.id, maxDepth + 1);

  const columns = new Map<number, string[]>();
  for (const n of scenario.nodes) {
    const d = depth.get(n.id)!;
    if (!columns.has(d)) columns.set(d, []);
    columns.get(d)!.push(n.id);
  }
  const colKeys = [...columns.keys()].sort((a, b) => a - b);
  const span = LAYOUT_SIZE - 2 * MARGIN;
  const out = new Map<string, { x: number; y: number }>();
  colKeys.forEach((d, ci) => {
    const x = colKeys.length === 1 ? LAYOUT_SIZE / 2 : MARGIN + (span * ci) / (colKeys.length - 1);
    const ids = columns.get(d)!;
    // A long column zig-zags, as the client's own layout does (client/view/layout.ts).
    const shift = colKeys.length === 1 ? 0 : span * staggerShift((x - MARGIN) / span, ids.length, 1 / (colKeys.length - 1));
    ids.forEach((id, i) => {
      const y = MARGIN + (span * (i + 1)) / (ids.length + 1);
      out.set(id, { x: Math.round(i % 2 === 1 ? x + shift : x), y: Math.round(y) });
    });
  });
  return out;
}
