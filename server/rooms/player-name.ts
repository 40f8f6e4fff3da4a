// Player names come from students' keyboards: trimmed, stripped of control and invisible formatting
// characters (which could hide or reorder text on the projector), whitespace runs collapsed, and cut
// to a length a scoreboard can show. An empty result gets a neutral default.

import { LIMITS } from '../../shared/messages/classroom-messages.ts';

// C0/C1 controls, zero-width and bidirectional formatting characters, line/paragraph separators.
const INVISIBLE = /[\u0000-\u001f\u007f-\u009f\u00ad\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff\ufff9-\ufffb]/g;

export function cleanName(raw: unknown, fallback: string): string {
  if (typeof raw !== 'string') return fallback;
  // Whitespace (tabs, newlines) becomes a space first; then invisible characters go.
  const cleaned = raw.normalize('NFC').replace(/\s+/g, ' ').replace(INVISIBLE, '').replace(/ {2,}/g, ' ').trim();
  // Cut by code points, never through a surrogate pair.
  const cut = [...cleaned].slice(0, LIMITS.nameChars).join('').trim();
  return cut === '' ? fallback : cut;
}
