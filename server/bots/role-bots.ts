// Who plays a seat nobody plays. Every seat has a bot from the start; a person takes over from it
// and the bot takes the seat back while that person is disconnected or after they leave.
// - router: the engine's routing table (router-bot.ts);
// - load balancer: an algorithm, never manual (balancer-bot.ts);
// - sender, receiver, tap: the scenario's own schedule — flows start and stop when the scenario says,
//   the receiving application reads at the scenario's rate, a tap only watches. A person's changes
//   (a stopped flow, a slower read rate) stay as they left them.

import type { Engine } from '../../shared/protocols/engine.ts';
import type { Seat } from '../game/seats.ts';
import { balancerBotTakeOver } from './balancer-bot.ts';
import { routerBotHandBack, routerBotTakeOver } from './router-bot.ts';

export function botTakesSeat(engine: Engine, seat: Seat, balancerAlgorithm = 'round-robin'): void {
  if (seat.role === 'router') routerBotTakeOver(engine, seat.node);
  else if (seat.role === 'loadbalancer') balancerBotTakeOver(engine, seat.node, balancerAlgorithm);
}

export function personTakesSeat(engine: Engine, seat: Seat): void {
  if (seat.role === 'router') routerBotHandBack(engine, seat.node);
}
