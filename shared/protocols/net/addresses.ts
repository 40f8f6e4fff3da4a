// IPv4 addresses are unsigned 32-bit numbers and MAC addresses 48-bit numbers (exact in a double);
// these helpers turn them into the dotted and colon notations people read.

export function ipToString(ip: number): string {
  return `${ip >>> 24}.${(ip >>> 16) & 0xff}.${(ip >>> 8) & 0xff}.${ip & 0xff}`;
}

export function parseIp(text: string): number | null {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (m === null) return null;
  const parts = m.slice(1).map(Number);
  if (parts.some((p) => p > 255)) return null;
  return ((parts[0]! << 24) | (parts[1]! << 16) | (parts[2]! << 8) | parts[3]!) >>> 0;
}

export function macToString(mac: number): string {
  const parts: string[] = [];
  for (let i = 5; i >= 0; i--) parts.push((Math.floor(mac / 2 ** (8 * i)) & 0xff).toString(16).padStart(2, '0'));
  return parts.join(':');
}

/** A locally administered unicast MAC (02:00:...) made from a node number and an interface number. */
export function makeMac(nodeIndex: number, interfaceIndex: number): number {
  return 0x02_00_00_00_00_00 + (nodeIndex & 0xffffff) * 0x100 + (interfaceIndex & 0xff);
}

export const BROADCAST_MAC = 0xff_ff_ff_ff_ff_ff;

export function writeMac(mac: number, out: Uint8Array, offset: number): void {
  for (let i = 0; i < 6; i++) out[offset + i] = Math.floor(mac / 2 ** (8 * (5 - i))) & 0xff;
}

export function readMac(bytes: Uint8Array, offset: number): number {
  let mac = 0;
  for (let i = 0; i < 6; i++) mac = mac * 256 + bytes[offset + i]!;
  return mac;
}
