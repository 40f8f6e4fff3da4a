// The heartbeat a balancer pair exchanges: one UDP datagram (port 8848, the IPVS sync daemon's port)
// from the active balancer to the passive one every `heartbeatMs`, and at once whenever its connection
// table changes. It is two real formats back to back:
//   1. a VRRPv3 advertisement (RFC 5798 §5.2): version 3, type 1 (ADVERTISEMENT), virtual router id,
//      priority, address count, max advertisement interval (centiseconds), checksum (RFC 1071 over the
//      advertisement; the RFC's IP pseudo-header is left out because UDP's checksum already covers the
//      addresses), and the virtual IPv4 address — what tells the passive one that the active one lives;
//   2. an IPVS connection-synchronisation message, version 1 (Linux net/netfilter/ipvs/ip_vs_sync.c):
//      an 8-byte header (reserved, syncid, size, nr_conns, version, spare) and `nr_conns` 36-byte
//      ip_vs_sync_v4 entries (type, protocol, ver_size, flags, state, cport, vport, dport, fwmark,
//      timeout, caddr, vaddr, daddr) — what lets the passive one continue every connection.
// Encoding and parsing only; a malformed datagram parses to null and is ignored.

import { internetChecksum } from './checksum.ts';
import { IP_PROTOCOL_TCP } from './ipv4.ts';

export const LB_SYNC_PORT = 8848;
export const VRRP_VERSION = 3;
export const VRRP_TYPE_ADVERTISEMENT = 1;
export const VRRP_ADVERT_BYTES = 12; // 8-byte header + one IPv4 address
export const IPVS_SYNC_HEADER_BYTES = 8;
export const IPVS_SYNC_VERSION = 1;
export const IPVS_SYNC_CONN_BYTES = 36;
/** Entries per datagram, so one heartbeat fits a 1500-byte MTU: 20 + 8 + 12 + 8 + 40·36 = 1488. */
export const MAX_SYNC_ENTRIES = 40;

/** IPVS TCP connection states (include/uapi/linux/ip_vs.h, IP_VS_TCP_S_*), as sent in `state`. */
export const IPVS_TCP_STATE = {
  ESTABLISHED: 1,
  SYN_RECV: 3,
  FIN_WAIT: 4,
  TIME_WAIT: 5,
  CLOSE: 6,
} as const;

export interface SyncEntry {
  state: number;
  clientIp: number;
  clientPort: number;
  vip: number;
  vport: number;
  backendIp: number;
  backendPort: number;
  /** Seconds the entry lives without traffic. */
  timeoutS: number;
}

export interface Heartbeat {
  vrid: number;
  priority: number;
  /** Advertisement interval in centiseconds (12 bits). */
  intervalCs: number;
  vip: number;
  entries: SyncEntry[];
}

function put16(out: Uint8Array, at: number, v: number): void {
  out[at] = (v >>> 8) & 0xff;
  out[at + 1] = v & 0xff;
}

function put32(out: Uint8Array, at: number, v: number): void {
  out[at] = (v >>> 24) & 0xff;
  out[at + 1] = (v >>> 16) & 0xff;
  out[at + 2] = (v >>> 8) & 0xff;
  out[at + 3] = v & 0xff;
}

function get16(b: Uint8Array, at: number): number {
  return (b[at]! << 8) | b[at + 1]!;
}

function get32(b: Uint8Array, at: number): number {
  return ((b[at]! << 24) | (b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!) >>> 0;
}

export function heartbeatBytes(entries: number): number {
  return VRRP_ADVERT_BYTES + IPVS_SYNC_HEADER_BYTES + entries * IPVS_SYNC_CONN_BYTES;
}

export function encodeHeartbeat(h: Heartbeat): Uint8Array {
  if (h.entries.length > MAX_SYNC_ENTRIES) throw new RangeError(`at most ${MAX_SYNC_ENTRIES} sync entries per heartbeat`);
  const out = new Uint8Array(heartbeatBytes(h.entries.length));
  out[0] = (VRRP_VERSION << 4) | VRRP_TYPE_ADVERTISEMENT;
  out[1] = h.vrid & 0xff;
  out[2] = h.priority & 0xff;
  out[3] = 1;
  put16(out, 4, h.intervalCs & 0x0fff);
  put32(out, 8, h.vip);
  put16(out, 6, internetChecksum(out, 0, VRRP_ADVERT_BYTES));
  const s = VRRP_ADVERT_BYTES;
  out[s] = 0;
  out[s + 1] = h.vrid & 0xff; // syncid: the pair's id, as ipvsadm --syncid
  put16(out, s + 2, IPVS_SYNC_HEADER_BYTES + h.entries.length * IPVS_SYNC_CONN_BYTES);
  out[s + 4] = h.entries.length;
  out[s + 5] = IPVS_SYNC_VERSION;
  h.entries.forEach((e, i) => {
    const at = s + IPVS_SYNC_HEADER_BYTES + i * IPVS_SYNC_CONN_BYTES;
    out[at] = 0; // type: IPv4
    out[at + 1] = IP_PROTOCOL_TCP;
    put16(out, at + 2, IPVS_SYNC_CONN_BYTES); // version 0 in the top 4 bits, size below
    put32(out, at + 4, 0); // flags: IP_VS_CONN_F_MASQ (NAT forwarding) is 0
    put16(out, at + 8, e.state);
    put16(out, at + 10, e.clientPort);
    put16(out, at + 12, e.vport);
    put16(out, at + 14, e.backendPort);
    put32(out, at + 16, 0); // fwmark
    put32(out, at + 20, e.timeoutS);
    put32(out, at + 24, e.clientIp);
    put32(out, at + 28, e.vip);
    put32(out, at + 32, e.backendIp);
  });
  return out;
}

/** The heartbeat in `b`, or null if it is not a well-formed one (wrong sizes, version or checksum). */
export function parseHeartbeat(b: Uint8Array): Heartbeat | null {
  if (b.length < VRRP_ADVERT_BYTES + IPVS_SYNC_HEADER_BYTES) return null;
  if (b[0] !== ((VRRP_VERSION << 4) | VRRP_TYPE_ADVERTISEMENT) || b[3] !== 1) return null;
  if (internetChecksum(b, 0, VRRP_ADVERT_BYTES) !== 0) return null;
  const s = VRRP_ADVERT_BYTES;
  const count = b[s + 4]!;
  if (b[s] !== 0 || b[s + 5] !== IPVS_SYNC_VERSION || count > MAX_SYNC_ENTRIES) return null;
  if (get16(b, s + 2) !== IPVS_SYNC_HEADER_BYTES + count * IPVS_SYNC_CONN_BYTES || b.length !== heartbeatBytes(count)) return null;
  const entries: SyncEntry[] = [];
  for (let i = 0; i < count; i++) {
    const at = s + IPVS_SYNC_HEADER_BYTES + i * IPVS_SYNC_CONN_BYTES;
    if (b[at] !== 0 || b[at + 1] !== IP_PROTOCOL_TCP || get16(b, at + 2) !== IPVS_SYNC_CONN_BYTES) return null;
    entries.push({
      state: get16(b, at + 8),
      clientPort: get16(b, at + 10),
      vport: get16(b, at + 12),
      backendPort: get16(b, at + 14),
      timeoutS: get32(b, at + 20),
      clientIp: get32(b, at + 24),
      vip: get32(b, at + 28),
      backendIp: get32(b, at + 32),
    });
  }
  return { vrid: b[1]!, priority: b[2]!, intervalCs: get16(b, 4) & 0x0fff, vip: get32(b, 8), entries };
}
