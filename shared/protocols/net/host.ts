// An end host: it sends and receives IP datagrams (it never forwards), verifies the checksums of a
// datagram a link corrupted, and hands TCP segments and UDP datagrams to its transport layers.

import { TcpSocketTable } from '../transport/tcp/socket-table.ts';
import { UdpSocketTable } from '../transport/udp/socket.ts';
import type { Interface } from './interface.ts';
import type { Network } from './network.ts';
import { NetNode, type Route } from './node.ts';
import type { Packet } from './packet.ts';
import { packetFromDatagram } from './wire.ts';

export class Host extends NetNode {
  readonly kind: string = 'host';
  readonly layer = 3;
  readonly tcp: TcpSocketTable;
  readonly udp: UdpSocketTable;
  private ipId = 0;
  // The last route looked up: a host's datagrams mostly go to one peer, and a Map lookup per packet
  // is a measurable share of the engine's time.
  private lastRouteDst = -1;
  private lastRouteVersion = -1;
  private lastRoute: Route | undefined = undefined;

  /** Relative speed of the processor its TLS work runs on (app/tls/pki.ts cpuOf). */
  readonly cpuSpeed: number;

  constructor(network: Network, id: string, index: number, ip: number, cpuSpeed = 1) {
    super(network, id, index, ip);
    this.cpuSpeed = cpuSpeed;
    this.tcp = new TcpSocketTable(this);
    this.udp = new UdpSocketTable(this);
  }

  nextIpId(): number {
    this.ipId = (this.ipId + 1) & 0xffff;
    return this.ipId;
  }

  /** Send a datagram this host originated. */
  sendIp(p: Packet): void {
    if (!this.up) {
      this.network.drop(p, { node: this.id }, 'node-down');
      return;
    }
    const dst = p.ip.dst;
    let route = this.lastRoute;
    if (dst !== this.lastRouteDst || this.lastRouteVersion !== this.network.routesVersion) {
      route = this.routes.get(dst);
      this.lastRouteDst = dst;
      this.lastRouteVersion = this.network.routesVersion;
      this.lastRoute = route;
    }
    if (route === undefined) {
      this.network.drop(p, { node: this.id }, 'no-route');
      return;
    }
    this.transmit(p, route);
  }

  receive(packet: Packet, via: Interface): void {
    let p = packet;
    if (!this.up) {
      this.network.drop(p, { node: this.id }, 'node-down');
      return;
    }
    if (!this.acceptsFrame(p, via)) {
      this.network.drop(p, { node: this.id }, 'mac-filter');
      return;
    }
    const damaged = this.corruptedDatagram(p);
    if (damaged !== null) {
      const l4Valid = damaged.l4Intact && (damaged.tcp?.checksumValid ?? damaged.udp?.checksumValid ?? true);
      if (!damaged.ip.checksumValid || !l4Valid) {
        this.network.drop(p, { node: this.id }, 'checksum');
        return;
      }
      // The flips cancelled out in the checksums: the damage goes up the stack for real.
      p = packetFromDatagram(p, damaged);
    }
    if (p.ip.dst !== this.ip && !this.addresses.includes(p.ip.dst)) {
      this.network.drop(p, { node: this.id }, 'no-route'); // hosts do not forward
      return;
    }
    if (p.tcp !== null) {
      this.network.consumed(p, this.id);
      this.tcp.segmentArrives(p);
    } else if (p.udp !== null) {
      if (this.udp.datagramArrives(p)) this.network.consumed(p, this.id);
      else this.network.drop(p, { node: this.id }, 'no-socket');
    } else {
      this.network.drop(p, { node: this.id }, 'no-socket');
    }
  }
}
