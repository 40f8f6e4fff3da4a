// Korean particles that take another form after a closed syllable (one with a final consonant,
// 받침): 이/가, 은/는, 을/를, 과/와, 으로/로. The Korean table writes one form after a placeholder
// ("{who}가"); the word put there — a node's id, a player's name, a number, an address — decides
// which form is read: "laptop이", "alice가", "c1이", "민준이", "서버가".

export type FinalSound = 'open' | 'rieul' | 'closed';

// How a digit is read: 영 일 이 삼 사 오 육 칠 팔 구.
const DIGIT: readonly FinalSound[] = ['closed', 'rieul', 'open', 'closed', 'open', 'open', 'closed', 'rieul', 'rieul', 'open'];

/** How a word read aloud in Korean ends: on a vowel, on ㄹ, or on another final consonant. */
export function finalSound(word: string): FinalSound {
  let w = word.trim();
  // "edge (민준)" is read by its word; a DNS name's root dot and closing quotes are not read.
  for (let guard = 0; guard < 4; guard++) {
    const before = w;
    if (w.endsWith(')') && w.includes('(')) w = w.slice(0, w.lastIndexOf('(')).trim();
    w = w.replace(/[.'"”’…]+$/, '').trim();
    if (w === before) break;
  }
  const last = w.at(-1);
  if (last === undefined) return 'open';
  const code = last.charCodeAt(0);
  if (code >= 0xac00 && code <= 0xd7a3) {
    const jong = (code - 0xac00) % 28;
    return jong === 0 ? 'open' : jong === 8 ? 'rieul' : 'closed';
  }
  if (last >= '0' && last <= '9') return DIGIT[code - 48]!;
  if (/[A-Z]{2}$/.test(w)) {
    // An acronym is read letter by letter: 엘, 알 end on ㄹ; 엠, 엔 closed; the rest open (TCP, DNS, KB).
    return last === 'L' || last === 'R' ? 'rieul' : last === 'M' || last === 'N' ? 'closed' : 'open';
  }
  const lower = w.toLowerCase();
  if (/(l|le)$/.test(lower)) return 'rieul'; // carol 캐럴, google 구글
  if (/(m|n|me|ne|ng|b|p|ck)$/.test(lower)) return 'closed'; // erin 에린, phone 폰, web 웹, laptop 랩톱
  return 'open'; // alice 앨리스, router 라우터, host 호스트
}

const FORMS: Record<string, readonly [closed: string, open: string]> = {
  이: ['이', '가'],
  가: ['이', '가'],
  은: ['은', '는'],
  는: ['은', '는'],
  을: ['을', '를'],
  를: ['을', '를'],
  과: ['과', '와'],
  와: ['과', '와'],
};

/** The form of `particle` that follows `word`. */
export function particleAfter(word: string, particle: string): string {
  const sound = finalSound(word);
  if (particle === '로' || particle === '으로') return sound === 'closed' ? '으로' : '로';
  const forms = FORMS[particle];
  return forms === undefined ? particle : sound === 'open' ? forms[1] : forms[0];
}
