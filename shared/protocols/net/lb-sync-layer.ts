// The packet inspector's view of a balancer pair's heartbeat (lb-sync.ts): the VRRP advertisement and
// the IPVS sync entries it carries, with their real field names.

import { ipToString } from './addresses.ts';
import { ETHERNET_HEADER_BYTES } from './ethernet.ts';
import { IPV4_HEADER_BYTES } from './ipv4.ts';
import { registerPayloadDecoder, type LayerField } from './layers.ts';
import { LB_SYNC_PORT, parseHeartbeat } from './lb-sync.ts';
import { UDP_HEADER_BYTES } from '../transport/udp/header.ts';

/** Entries listed one by one; the rest are counted. */
const MAX_LISTED_ENTRIES = 8;

registerPayloadDecoder((p, payload) => {
  if (p.udp === null || p.udp.dstPort !== LB_SYNC_PORT) return null;
  const hb = parseHeartbeat(payload);
  if (hb === null) return null;
  const fields: LayerField[] = [
    { name: 'vrrp.version', value: 3 },
    { name: 'vrrp.type', value: '1 (ADVERTISEMENT)' },
    { name: 'vrrp.virtualRtrId', value: hb.vrid },
    { name: 'vrrp.priority', value: hb.priority },
    { name: 'vrrp.maxAdverInt', value: `${hb.intervalCs} cs` },
    { name: 'vrrp.ipAddress', value: ipToString(hb.vip) },
    { name: 'ipvs.syncid', value: hb.vrid },
    { name: 'ipvs.nr_conns', value: hb.entries.length },
  ];
  hb.entries.slice(0, MAX_LISTED_ENTRIES).forEach((e, i) => {
    fields.push({
      name: `ipvs.conn[${i}]`,
      value: `${ipToString(e.clientIp)}:${e.clientPort} → ${ipToString(e.vip)}:${e.vport} → ${ipToString(e.backendIp)}:${e.backendPort} state ${e.state} timeout ${e.timeoutS} s`,
    });
  });
  return {
    osi: 7,
    protocol: 'VRRP + IPVS sync',
    offset: ETHERNET_HEADER_BYTES + IPV4_HEADER_BYTES + UDP_HEADER_BYTES,
    length: payload.length,
    fields,
  };
});
