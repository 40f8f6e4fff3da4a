// The load-balancer bot: while nobody plays a balancer, it balances by an algorithm, never by hand,
// so no connection waits for an assignment that nobody will make. The balancer engine API arrives
// with engine issue 3; until then a balancer seat cannot exist and this does nothing.

import type { Engine } from '../../shared/protocols/engine.ts';

type BalancerEngine = Engine & { setBalancerAlgorithm?: (node: string, algorithm: string) => { ok: boolean } };

export function balancerBotTakeOver(engine: Engine, node: string, currentAlgorithm: string): void {
  const e = engine as BalancerEngine;
  if (currentAlgorithm === 'manual' && typeof e.setBalancerAlgorithm === 'function') e.setBalancerAlgorithm(node, 'round-robin');
}
