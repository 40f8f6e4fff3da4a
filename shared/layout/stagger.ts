// How a long column of nodes is drawn: every second node moves sideways, so that each node's name
// (drawn below it) does not run into the node below. Shared by the positions a room suggests
// (server/game/layout.ts) and the client's own layout (client/view/layout.ts), so a class and a
// solo player see the same picture.

/** A column this long or longer zig-zags. */
const STAGGER_FROM_NODES = 6;

/**
 * How far every second node of a column at `x` (in a unit-wide picture with `columnGap` between
 * columns) moves: towards the middle of the picture, by 30% of the gap; nothing for a short column.
 */
export function staggerShift(x: number, nodes: number, columnGap: number): number {
  if (nodes < STAGGER_FROM_NODES) return 0;
  return (x <= 0.5 ? 1 : -1) * 0.3 * columnGap;
}
