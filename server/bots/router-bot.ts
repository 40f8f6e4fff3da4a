// The bot of a router or load-balancer seat: the engine's own controller. A seat with nobody in it
// (or whose player is disconnected) is handed to the engine's bot, which acts on arrival — a router
// forwards by its routing table, a balancer assigns by its algorithm (least connections when the
// algorithm is manual) — at once, so a bot never adds latency that would depend on how fast the
// server ticks. Handing the node back to a person makes packets (or new connections) wait for that
// person's commands again; whatever was waiting when a bot took over goes on without waiting.

import type { Engine } from '../../shared/protocols/engine.ts';

export function engineBotTakesOver(engine: Engine, node: string): void {
  engine.setController(node, 'bot');
}

export function personTakesOver(engine: Engine, node: string): void {
  engine.setController(node, 'player');
}
