// Every string a player sees exists in Korean and in English, with the same placeholders.

import { describe, expect, test } from 'vitest';
import { en } from '../../client/i18n/en.ts';
import { ko } from '../../client/i18n/ko.ts';
import { bytes, detectLang, format, translate } from '../../client/i18n/index.ts';
import { particleAfter } from '../../client/i18n/korean-particles.ts';
import { reasonMessage, refusalMessage } from '../../client/i18n/engine-reasons.ts';
import { readdirSync, readFileSync } from 'node:fs';
import { LEVELS } from '../../client/solo/levels.ts';
import { loadScenario } from '../../shared/scenario/load.ts';
import { Engine } from '../../shared/protocols/engine.ts';

function placeholders(s: string): string[] {
  return [...s.matchAll(/\{(\w+)(?:#[^{}]*)?\}/g)].map((m) => m[1]!).sort();
}

describe('string tables', () => {
  test('byte counts are decimal, as the levels say them: a 30,000-byte file is 30 KB, not 29.3 KiB', () => {
    expect([6000, 9999, 30_000, 37_123, 999_999, 1_048_576].map(bytes)).toEqual(['6,000 B', '9,999 B', '30.0 KB', '37.1 KB', '1.0 MB', '1.0 MB']);
  });

  test('Korean and English have exactly the same keys', () => {
    expect(Object.keys(ko).sort()).toEqual(Object.keys(en).sort());
  });

  test('every key has the same placeholders in both languages', () => {
    const mismatched = Object.keys(en).filter((k) => placeholders(en[k as keyof typeof en]).join() !== placeholders(ko[k as keyof typeof ko]).join());
    expect(mismatched).toEqual([]);
  });

  test('no string is empty', () => {
    expect(Object.entries(en).filter(([, v]) => v.trim() === '')).toEqual([]);
    expect(Object.entries(ko).filter(([, v]) => v.trim() === '')).toEqual([]);
  });

  test('the Korean table is Korean: most strings contain Hangul', () => {
    const hangul = Object.values(ko).filter((v) => /[\uac00-\ud7a3]/.test(v)).length;
    expect(hangul / Object.keys(ko).length).toBeGreaterThan(0.8);
  });
});

describe('language choice and formatting', () => {
  test('Korean when the browser asks for it, else English', () => {
    expect(detectLang(['ko-KR', 'en-US'])).toBe('ko');
    expect(detectLang(['ko'])).toBe('ko');
    expect(detectLang(['en-GB', 'ko-KR'])).toBe('en');
    expect(detectLang(['fr-FR', 'ko'])).toBe('ko');
    expect(detectLang(['fr-FR'])).toBe('en');
    expect(detectLang([])).toBe('en');
  });

  test('placeholders are filled; a missing one stays visible', () => {
    expect(format('{a} and {b}', { a: 1, b: 'x' })).toBe('1 and x');
    expect(format('{a} and {b}', { a: 1 })).toBe('1 and {b}');
    expect(translate('ko', 'solo.starsLabel', { n: 2 })).toBe('별 3개 중 2개');
    expect(translate('en', 'solo.starsLabel', { n: 2 })).toBe('2 of 3 stars');
  });

  test('a count takes the form of its noun: one record, 36 records', () => {
    const answer = (n: number) => translate('en', 'cap.dns.answer', { who: 'laptop', name: 'www.school.example.', n, ms: 751, transport: 'UDP' });
    expect(answer(1)).toBe('laptop has the answer for www.school.example.: 1 record after 751 ms, over UDP.');
    expect(answer(36)).toBe('laptop has the answer for www.school.example.: 36 records after 751 ms, over UDP.');
    expect(answer(0)).toBe('laptop has the answer for www.school.example.: 0 records after 751 ms, over UDP.');
    expect(translate('ko', 'cap.dns.answer', { who: 'laptop', name: 'www.school.example.', n: 1, ms: 751, transport: 'UDP' })).toBe('laptop이 www.school.example.의 답을 받았습니다: 레코드 1개, 751 ms, UDP로.');
    expect(format('{n#thread|threads}', {})).toBe('{n#thread|threads}');
  });
});

describe("the engine's reasons in the player's language", () => {
  test('a nested message is worded in the language of the message around it', () => {
    const params = { who: 'laptop', name: 'www.example.com.', reason: reasonMessage('timeout') };
    expect(translate('ko', 'cap.dns.giveUp', params)).toBe('laptop이 www.example.com. 조회를 포기합니다(제때 답이 없음).');
    expect(translate('en', 'cap.dns.giveUp', params)).toBe('laptop gives up on www.example.com. (no answer in time).');
  });

  test('known reasons, TLS failures and zone transfers are worded; anything else is shown as written', () => {
    expect(reasonMessage('connection reset')).toEqual({ key: 'reason.connectionReset' });
    expect(reasonMessage('handshake timed out')).toEqual({ key: 'reason.handshakeTimedOut' });
    expect(reasonMessage('retransmission limit reached')).toEqual({ key: 'reason.retransmissionLimit' });
    expect(reasonMessage('server closed the connection')).toEqual({ key: 'reason.serverClosed' });
    expect(reasonMessage('connection closed by the server')).toEqual({ key: 'reason.serverClosed' });
    expect(reasonMessage("bad_certificate: the server's certificate is not signed by its issuer")).toEqual({ key: 'reason.tlsAlert', params: { alert: 'bad_certificate' } });
    expect(translate('ko', 'cap.httpFailed', { who: 'alice', method: 'GET', path: '/', reason: reasonMessage('unknown_ca: no trusted CA signed it') })).toBe(
      'alice의 GET /에 답이 없습니다: TLS 핸드셰이크 실패 (unknown_ca).',
    );
    expect(reasonMessage('bad response: a status line without a code')).toEqual({ key: 'reason.badResponse' });
    expect(reasonMessage('transfer stopped with REFUSED')).toEqual({ key: 'reason.transferStopped', params: { rcode: 'REFUSED' } });
    expect(reasonMessage('transfer stopped with RCODE11')).toEqual({ key: 'reason.transferStopped', params: { rcode: 'RCODE11' } });
    expect(reasonMessage('records after the closing SOA')).toBe('records after the closing SOA');
  });
});

describe("every reason the shipped scenarios give is worded, so a Korean caption never falls back to English", () => {
  test('HTTP failures and DNS give-ups in the topic, classroom and level scenarios, played by bots', () => {
    const files = ['scenarios', 'scenarios/topics', 'scenarios/classroom'].flatMap((dir) =>
      readdirSync(dir).filter((f) => f.endsWith('.json')).map((f) => ({ name: `${dir}/${f}`, input: JSON.parse(readFileSync(`${dir}/${f}`, 'utf8')) as unknown })),
    );
    const inputs = [...files, ...LEVELS.map((l) => ({ name: `level ${l.id}`, input: l.scenario as unknown }))];
    const raw: string[] = [];
    let worded = 0;
    for (const { name, input } of inputs) {
      const r = loadScenario(input);
      if (!r.ok) throw new Error(`${name}: ${r.errors.join('; ')}`);
      const s = structuredClone(r.scenario);
      for (const n of s.nodes) if (n.kind === 'router') n.controller = 'bot';
      const engine = new Engine(s);
      engine.subscribe(['http', 'dns'], (e) => {
        const failed = (e.type === 'http' && e.event === 'error') || (e.type === 'dns' && e.action === 'give-up');
        if (!failed || typeof e.reason !== 'string') return;
        if (typeof reasonMessage(e.reason) === 'string') raw.push(`${name}: ${e.reason}`);
        else worded++;
      });
      engine.runUntilMs(Math.min(engine.durationMs, 120_000));
    }
    expect(raw).toEqual([]);
    expect(worded).toBeGreaterThan(0);
  });
});

describe('Korean particles after a placeholder', () => {
  test('follow how the word put there is read: a final consonant, ㄹ, or a vowel', () => {
    const words = ['laptop', 'alice', 'bob', 'carol', 'erin', 'phone', 'router', 'web', 'c1', 's2', 'lb3', '민준', '서버', '철', 'edge (민준)', 'www.example.com.', 'TCP', 'URL', 'RAM', '10.0.0.7'];
    expect(words.map((w) => `${w}${particleAfter(w, '가')}`)).toEqual([
      'laptop이', 'alice가', 'bob이', 'carol이', 'erin이', 'phone이', 'router가', 'web이', 'c1이', 's2가', 'lb3이', '민준이', '서버가', '철이', 'edge (민준)가', 'www.example.com.이', 'TCP가', 'URL이', 'RAM이', '10.0.0.7이',
    ]);
    expect(['alice', 'laptop', 'carol'].map((w) => ['는', '를', '와', '로'].map((p) => particleAfter(w, p)).join(''))).toEqual(['는를와로', '은을과으로', '은을과로']);
  });

  test('the Korean table\'s "{who}가" reads right for every name; English and longer words are left alone', () => {
    expect(format('{who}가 다시 보냅니다.', { who: 'laptop' }, 'ko')).toBe('laptop이 다시 보냅니다.');
    expect(format('{who}가 다시 보냅니다.', { who: 'alice' }, 'ko')).toBe('alice가 다시 보냅니다.');
    expect(format('{a}는 {b}를 {c}로', { a: 'bob', b: 'web', c: 'erin' }, 'ko')).toBe('bob은 web을 erin으로');
    expect(translate('ko', 'cap.hs3', { from: 'c1', to: 's1' })).toBe('③ c1이 ACK를 보냅니다: s1과의 연결이 ESTABLISHED 상태가 되었습니다.');
    // A syllable that starts a word, not a particle: kept as written.
    expect(format('{n}가지', { n: 'laptop' }, 'ko')).toBe('laptop가지');
    expect(format('{who}가', { who: 'laptop' }, 'en')).toBe('laptop가');
    expect(translate('ko', 'cap.synRetry', { from: 'laptop', flow: 'photos' })).toBe('SYN에 답이 없어서 laptop이 타임아웃 뒤에 다시 보냅니다(photos).');
  });
});

describe('a refused command in the player\'s language', () => {
  test('by the code the engine gave it, with its facts; by the room\'s code; else in the engine\'s words', () => {
    const late = refusalMessage({ reason: 'packet 7 is not waiting at r2', why: { code: 'not-waiting', packet: 7, node: 'r2' } });
    expect(late).toEqual({ key: 'refusal.notWaiting', params: { packet: 7, node: 'r2' } });
    expect(translate('ko', 'toast.refused', { reason: late })).toBe('실행되지 않음: 패킷 7은 더 이상 r2에서 기다리고 있지 않습니다');
    expect(translate('en', 'toast.refused', { reason: late })).toBe('Not done: packet 7 is no longer waiting at r2');
    expect(refusalMessage({ reason: 'web has already taken connections: its I/O model is set', why: { code: 'io-set', node: 'web' } })).toEqual({ key: 'refusal.ioSet', params: { node: 'web' } });
    expect(refusalMessage({ reason: 'more than 20 commands per second', code: 'rate-limited' })).toEqual({ key: 'refusal.rateLimited' });
    expect(refusalMessage({ reason: 'r1 is not your node (you hold r2)', code: 'not-your-node' })).toBe('r1 is not your node (you hold r2)');
    expect(refusalMessage({ reason: 'no link' })).toBe('no link');
  });
});

describe('unknown keys', () => {
  test('a key built from newer engine data shows as itself rather than breaking the page', () => {
    expect(translate('en', 'drop.some-new-reason' as 'drop.loss')).toBe('drop.some-new-reason');
  });
});
