// Session results as a teacher downloads them: the whole record as JSON, or one table as CSV
// (RFC 4180: comma-separated, CRLF line ends, fields quoted when needed) that opens in a spreadsheet.
// Player names are typed by students, so a text cell that a spreadsheet would run as a formula
// (starting with =, +, -, @, tab or CR) is prefixed with an apostrophe.

import type { SessionResults } from './session-store.ts';

export const CSV_TABLES = ['players', 'flows', 'events'] as const;
export type CsvTable = (typeof CSV_TABLES)[number];

function cell(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : '';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  let s = String(v);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

function table(header: string[], rows: unknown[][]): string {
  return [header.map(cell).join(','), ...rows.map((r) => r.map(cell).join(','))].join('\r\n') + '\r\n';
}

export function resultsCsv(r: SessionResults, which: CsvTable): string {
  const code = r.session.code;
  switch (which) {
    case 'players':
      return table(
        ['session', 'name', 'role', 'seat', 'score', 'host', 'spectator', 'connected', 'joinedAt', 'leftAt'],
        r.players.map((p) => [code, p.name, p.role, p.seat, p.score, p.host, p.spectator, p.connected, p.joinedAt, p.leftAt]),
      );
    case 'flows':
      return table(
        ['session', 'round', 'flow', 'from', 'to', 'transport', 'app', 'deliveredBytes', 'goodputBps', 'retransmits', 'timeouts', 'fastRetransmits'],
        r.flows.map((f) => [code, f.round, f.flow, f.from, f.to, f.transport, f.app, f.deliveredBytes, f.goodputBps, f.retransmits, f.timeouts, f.fastRetransmits]),
      );
    case 'events':
      return table(
        ['session', 'seq', 'round', 'tMs', 'type', 'node', 'link', 'flow', 'packet', 'detail', 'count'],
        r.events.map((e) => [code, e.seq, e.round, e.t, e.type, e.node, e.link, e.flow, e.packet, e.detail, e.count]),
      );
  }
}
