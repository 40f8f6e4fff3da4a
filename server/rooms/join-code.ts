// Join codes: the room id is the code a teacher writes on the board. Six characters from an alphabet
// without look-alikes (31 symbols, about 887 million codes). A code is claimed atomically through
// the presence (an in-process map, or Redis when scaled out), so two processes never hand out the
// same one; the claim is released when the room is disposed.

import { randomInt } from 'node:crypto';
import type { Presence } from '@colyseus/core';
import { JOIN_CODE_ALPHABET, JOIN_CODE_LENGTH } from '../../shared/messages/classroom-messages.ts';

export const CODES_KEY = 'packetplay:join-codes';
const MAX_ATTEMPTS = 20;

export function randomCode(): string {
  let s = '';
  for (let i = 0; i < JOIN_CODE_LENGTH; i++) s += JOIN_CODE_ALPHABET[randomInt(JOIN_CODE_ALPHABET.length)];
  return s;
}

export function isJoinCode(s: string): boolean {
  return s.length === JOIN_CODE_LENGTH && [...s].every((c) => JOIN_CODE_ALPHABET.includes(c));
}

/** Claim a fresh code; `hincrby` returns 1 only to the first claimer of a code. */
export async function claimCode(presence: Presence): Promise<string> {
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const code = randomCode();
    if ((await presence.hincrby(CODES_KEY, code, 1)) === 1) return code;
  }
  throw new Error('could not find a free join code');
}

export async function releaseCode(presence: Presence, code: string): Promise<void> {
  await presence.hdel(CODES_KEY, code);
}
