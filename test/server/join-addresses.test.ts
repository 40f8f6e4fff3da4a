// The addresses students open, as the host's lobby shows them: worked out from the machine's
// network interfaces (given here), the bound address, or the configured public address.

import { describe, expect, it } from 'vitest';
import type { NetworkInterfaceInfo } from 'node:os';
import { joinAddresses, MAX_JOIN_ADDRESSES } from '../../server/http/join-addresses.ts';
import { isLoopbackHost } from '../../shared/addresses/loopback.ts';

const v4 = (address: string, internal = false): NetworkInterfaceInfo => ({ address, netmask: '255.255.255.0', family: 'IPv4', mac: '00:00:00:00:00:00', internal, cidr: null });
const v6 = (address: string): NetworkInterfaceInfo => ({ address, netmask: 'ffff:ffff:ffff:ffff::', family: 'IPv6', mac: '00:00:00:00:00:00', internal: false, cidr: null, scopeid: 0 });

describe('join addresses', () => {
  it("lists every IPv4 address of the machine's real network cards, not loopback, link-local, IPv6 or containers'", () => {
    const interfaces = {
      lo: [v4('127.0.0.1', true)],
      wlan0: [v4('192.168.1.23'), v6('fe80::1')],
      eth0: [v4('10.20.0.5'), v4('169.254.7.7')],
      docker0: [v4('172.17.0.1')],
      'br-5f2a': [v4('172.18.0.1')],
    };
    expect(joinAddresses({ host: '0.0.0.0', port: 2567 }, interfaces)).toEqual(['http://192.168.1.23:2567', 'http://10.20.0.5:2567']);
  });

  it('lists the bound address alone when the server listens on one; none when that is loopback', () => {
    const interfaces = { wlan0: [v4('192.168.1.23')] };
    expect(joinAddresses({ host: '192.168.1.23', port: 8080 }, interfaces)).toEqual(['http://192.168.1.23:8080']);
    expect(joinAddresses({ host: '127.0.0.1', port: 8080 }, interfaces)).toEqual([]);
    expect(joinAddresses({ host: 'localhost', port: 8080 }, interfaces)).toEqual([]);
  });

  it('takes a configured public address as it is, unless it is loopback', () => {
    const interfaces = { wlan0: [v4('192.168.1.23')] };
    expect(joinAddresses({ host: '0.0.0.0', port: 2567, publicAddress: 'class.school.example:443' }, interfaces)).toEqual(['http://class.school.example:443']);
    expect(joinAddresses({ host: '0.0.0.0', port: 2567, publicAddress: '127.0.0.1:2567' }, interfaces)).toEqual([]);
  });

  it(`lists at most ${MAX_JOIN_ADDRESSES}, and a machine on no network none`, () => {
    const many = Object.fromEntries(Array.from({ length: 9 }, (_, i) => [`eth${i}`, [v4(`10.0.${i}.2`)]]));
    expect(joinAddresses({ host: '0.0.0.0', port: 2567 }, many)).toHaveLength(MAX_JOIN_ADDRESSES);
    expect(joinAddresses({ host: '0.0.0.0', port: 2567 }, { lo: [v4('127.0.0.1', true)] })).toEqual([]);
  });
});

describe('loopback', () => {
  it('is localhost, 127.x.y.z and ::1 (bare or as a URL writes it), and nothing else', () => {
    const hosts = ['localhost', '127.0.0.1', '127.8.9.10', '::1', '[::1]', '10.0.0.1', '192.168.1.127', 'localhost.example', '::2', '0.0.0.0'];
    expect(hosts.filter(isLoopbackHost)).toEqual(['localhost', '127.0.0.1', '127.8.9.10', '::1', '[::1]']);
  });
});
