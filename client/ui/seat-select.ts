// Choosing a player's seat (host only): every role the scenario offers, with who holds it now.

import { t } from '../i18n/index.ts';
import type { World } from '../model/world.ts';
import { h } from './dom.ts';
import { roleName } from './role-name.ts';

export function seatLabel(world: World, seatId: string): string {
  const seat = world.seats.get(seatId);
  if (seat === undefined) return seatId;
  const role = roleName(seat.role, world.nodes.get(seat.node)?.kind);
  const holder = seat.player === null ? t('seat.bot') : (world.players.get(seat.player)?.name ?? '?');
  return t('seat.option', { role, node: seat.node, holder });
}

/** A select of every seat (and "no seat"); `onPick` gets the seat's role and node, or nulls. */
export function seatSelect(world: World, playerId: string, onPick: (role: string | null, node: string | null) => void): HTMLSelectElement {
  const player = world.players.get(playerId);
  const current = [...world.seats.values()].find((s) => s.player === playerId)?.id ?? '';
  const select = h(
    'select',
    { data: { testid: `seat-${player?.name ?? playerId}` }, aria: { label: t('seat.label', { name: player?.name ?? '' }) } },
    h('option', { value: '', text: t('seat.none') }),
    ...[...world.seats.values()].map((s) => h('option', { value: s.id, text: seatLabel(world, s.id) })),
  );
  select.value = current;
  select.addEventListener('change', () => {
    const seat = world.seats.get(select.value);
    onPick(seat?.role ?? null, seat?.node ?? null);
  });
  return select;
}
