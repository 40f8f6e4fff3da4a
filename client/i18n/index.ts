// The player's language. Every string a player sees comes from the tables in en.ts and ko.ts (the
// compiler and a test keep their keys identical). Korean is the default when the browser asks for it;
// the choice made on the title screen is remembered.

import { en, type MessageKey } from './en.ts';
import { ko } from './ko.ts';
import { particleAfter } from './korean-particles.ts';

export type Lang = 'ko' | 'en';
export type { MessageKey };
/** A message in a parameter (an engine reason the player's language words): translated with its host. */
export interface NestedMessage {
  key: MessageKey;
  params?: Params;
}
export type Params = Record<string, string | number | NestedMessage>;

const TABLES: Record<Lang, Record<MessageKey, string>> = { en, ko };
const STORAGE_KEY = 'packetplay.lang';

/** Korean when any preferred browser language is Korean, else English. */
export function detectLang(languages: readonly string[]): Lang {
  for (const l of languages) {
    const tag = l.toLowerCase();
    if (tag === 'ko' || tag.startsWith('ko-')) return 'ko';
    if (tag === 'en' || tag.startsWith('en-')) return 'en';
  }
  return 'en';
}

/**
 * Replace `{name}` placeholders, and `{name#one|many}` with the count and the noun's form for it; a
 * missing parameter stays visible as written so it is noticed. A nested message is worded in the
 * same language.
 */
export function format(template: string, params: Params = {}, lang: Lang = 'en'): string {
  // A count and its noun, "{n#record|records}": "1 record", "3 records" (English needs the two forms).
  const counted = template.replace(/\{(\w+)#([^|{}]+)\|([^{}]+)\}/g, (whole, name: string, one: string, many: string) => {
    const v = params[name];
    if (v === undefined || typeof v === 'object') return whole;
    return `${String(v)} ${Number(v) === 1 ? one : many}`;
  });
  // In Korean a particle right after a placeholder (not the start of a longer word) takes the form
  // the word put there calls for: "{who}가" reads "laptop이" as well as "alice가".
  // ("와의", "으로의": a particle before 의 counts too.)
  return counted.replace(/\{(\w+)\}(?:((?:과|와|으로|로)(?=의)|(?:으로|이|가|은|는|을|를|과|와|로)(?![가-힣])))?/g, (whole, name: string, particle: string | undefined) => {
    const v = params[name];
    if (v === undefined) return whole;
    const text = typeof v === 'object' ? translate(lang, v.key, v.params) : String(v);
    if (particle === undefined) return text;
    return text + (lang === 'ko' ? particleAfter(text, particle) : particle);
  });
}

export function translate(lang: Lang, key: MessageKey, params?: Params): string {
  // Keys built from engine data (a drop reason, a thread state) may name something newer than these
  // tables; the key itself is shown rather than nothing.
  const template = TABLES[lang][key] as string | undefined;
  return template === undefined ? key : format(template, params, lang);
}

export function hasKey(key: string): key is MessageKey {
  return Object.hasOwn(en, key);
}

let current: Lang = 'en';
const listeners = new Set<(lang: Lang) => void>();

function storage(): Storage | null {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage;
  } catch {
    return null; // storage can be blocked (private mode, file://)
  }
}

/** Pick the language at start: ?lang= in the address, then the saved choice, then the browser. */
export function initLang(search: string, languages: readonly string[]): Lang {
  const fromUrl = new URLSearchParams(search).get('lang');
  const saved = storage()?.getItem(STORAGE_KEY);
  if (fromUrl === 'ko' || fromUrl === 'en') current = fromUrl;
  else if (saved === 'ko' || saved === 'en') current = saved;
  else current = detectLang(languages);
  applyToDocument();
  return current;
}

export function lang(): Lang {
  return current;
}

export function setLang(next: Lang): void {
  if (next === current) return;
  current = next;
  storage()?.setItem(STORAGE_KEY, next);
  applyToDocument();
  for (const fn of listeners) fn(next);
}

export function onLangChange(fn: (lang: Lang) => void): () => void {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

function applyToDocument(): void {
  if (typeof document !== 'undefined') document.documentElement.lang = current;
}

/** The string for `key` in the current language. */
export function t(key: MessageKey, params?: Params): string {
  return translate(current, key, params);
}

/** A number formatted for the current language (thousands separators). */
export function n(value: number, digits = 0): string {
  return value.toLocaleString(current === 'ko' ? 'ko-KR' : 'en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

/** A bit rate in readable units. */
export function rate(bps: number): string {
  if (bps >= 1e9) return `${n(bps / 1e9, bps % 1e9 === 0 ? 0 : 1)} Gbit/s`;
  if (bps >= 1e6) return `${n(bps / 1e6, bps % 1e6 === 0 ? 0 : 1)} Mbit/s`;
  if (bps >= 1e3) return `${n(bps / 1e3, bps % 1e3 === 0 ? 0 : 1)} kbit/s`;
  return `${n(bps)} bit/s`;
}

/**
 * A byte count in readable units. Decimal, as the levels' texts ("a 40 KB file") and the charts'
 * kilobytes count, and as link rates are: 1 KB = 1,000 bytes.
 */
export function bytes(b: number): string {
  // Units by the rounded value, so that 999,999 bytes reads 1.0 MB, not 1,000.0 KB.
  if (Math.round(b / 100) >= 10_000) return `${n(b / 1e6, 1)} MB`;
  if (b >= 1e4) return `${n(b / 1e3, 1)} KB`;
  return `${n(b)} B`;
}

/** Simulated time as m:ss.t */
export function clock(ms: number): string {
  const total = Math.max(0, ms) / 1000;
  const m = Math.floor(total / 60);
  const s = total - m * 60;
  return `${m}:${s.toFixed(1).padStart(4, '0')}`;
}
