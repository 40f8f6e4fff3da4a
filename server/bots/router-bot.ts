// The router bot: the engine's own routing-table forwarding. A router seat with nobody in it (or
// whose player is disconnected) is handed to the engine's bot controller, which forwards every
// packet on arrival by the routing table — at once, so a bot never adds latency that would depend on
// how fast the server ticks. Handing the router back to a person makes packets wait for commands
// again; packets already waiting when a bot takes over go on by the routing table.

import type { Engine } from '../../shared/protocols/engine.ts';

export function routerBotTakeOver(engine: Engine, node: string): void {
  engine.setController(node, 'bot');
}

export function routerBotHandBack(engine: Engine, node: string): void {
  engine.setController(node, 'player');
}
