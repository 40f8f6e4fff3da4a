// Who plays a seat nobody plays. Every seat has a bot from the start; a person takes over from it
// and the bot takes the seat back while that person is disconnected or after they leave.
// - router, load balancer: the engine's own controller (router-bot.ts);
// - sender, receiver, tap: the scenario's own schedule — flows start and stop when the scenario says,
//   the receiving application reads at the scenario's rate, a tap only records. A person's changes
//   (a stopped flow, a slower read rate, a balancing algorithm) stay as they left them.

import type { Engine } from '../../shared/protocols/engine.ts';
import type { Seat } from '../game/seats.ts';
import { engineBotTakesOver, personTakesOver } from './router-bot.ts';

export function botTakesSeat(engine: Engine, seat: Seat): void {
  if (seat.role === 'router' || seat.role === 'loadbalancer') engineBotTakesOver(engine, seat.node);
}

export function personTakesSeat(engine: Engine, seat: Seat): void {
  if (seat.role === 'router' || seat.role === 'loadbalancer') personTakesOver(engine, seat.node);
}
