// Where students reach this server. A teacher who starts it on their laptop opens the page on
// localhost, an address no student can type: the server lists the addresses other machines of the
// network reach it at (GET /api/join-addresses, and the startup log), and the host's lobby shows them.

import { networkInterfaces, type NetworkInterfaceInfo } from 'node:os';
import { LIMITS } from '../../shared/messages/classroom-messages.ts';
import { isLoopbackHost } from '../../shared/addresses/loopback.ts';

/** Addresses listed at most (a machine with many network cards shows its first ones). */
export const MAX_JOIN_ADDRESSES = LIMITS.joinAddresses;

// Interfaces no student's machine is on: containers, virtual machines' host-only networks, tunnels.
const VIRTUAL_INTERFACE = /^(lo|docker|br-|veth|virbr|vmnet|vboxnet|utun|tun|tap|wg|zt)/;

function hostOf(address: string): string {
  const i = address.lastIndexOf(':');
  return i > 0 && !address.includes(']') ? address.slice(0, i) : address;
}

/**
 * The page addresses students open (`http://<address>:<port>`): the configured public address if
 * there is one; the bound address when the server listens on one interface; else every IPv4 address
 * of the machine's real network interfaces. Loopback and link-local addresses never are one.
 */
export function joinAddresses(
  opts: { host: string; port: number; publicAddress?: string | undefined },
  interfaces: NodeJS.Dict<NetworkInterfaceInfo[]> = networkInterfaces(),
): string[] {
  if (opts.publicAddress !== undefined && opts.publicAddress !== '') {
    return isLoopbackHost(hostOf(opts.publicAddress)) ? [] : [`http://${opts.publicAddress}`];
  }
  if (opts.host !== '0.0.0.0' && opts.host !== '::' && opts.host !== '') {
    if (isLoopbackHost(opts.host)) return [];
    return [`http://${opts.host.includes(':') ? `[${opts.host}]` : opts.host}:${opts.port}`];
  }
  const found: string[] = [];
  for (const [name, list] of Object.entries(interfaces)) {
    if (VIRTUAL_INTERFACE.test(name)) continue;
    for (const a of list ?? []) {
      if (a.family !== 'IPv4' || a.internal || a.address.startsWith('169.254.')) continue;
      const url = `http://${a.address}:${opts.port}`;
      if (!found.includes(url)) found.push(url);
    }
  }
  return found.slice(0, MAX_JOIN_ADDRESSES);
}
