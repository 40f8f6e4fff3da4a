// The packet inspector's TLS layer (seed: OSI — TLS sits between TCP and HTTP, OSI layer 6): a TCP
// payload that starts on a record boundary is shown record by record — content type, version,
// length — with each plaintext handshake message's type and key fields, and application data (and
// anything after ChangeCipherSpec) as the ciphertext it is. A tap sees exactly this.

import { registerPayloadDecoder, type LayerField, type PacketLayer } from '../../net/layers.ts';
import { ETHERNET_HEADER_BYTES } from '../../net/ethernet.ts';
import { IPV4_HEADER_BYTES } from '../../net/ipv4.ts';
import { tcpHeaderLength } from '../../transport/tcp/header.ts';
import { toHex } from './bytes.ts';
import { parseCertificate } from './certificate.ts';
import {
  CONTENT_ALERT,
  CONTENT_APPLICATION_DATA,
  CONTENT_CHANGE_CIPHER_SPEC,
  CONTENT_HANDSHAKE,
  CONTENT_TYPE_NAMES,
  HANDSHAKE_HEADER_BYTES,
  HANDSHAKE_NAMES,
  MAX_CIPHERTEXT_BYTES,
  RECORD_HEADER_BYTES,
  TLS_VERSION_1_2,
  alertName,
  cipherSuiteName,
} from './constants.ts';
import { parseHandshakeBody } from './handshake.ts';
import { parseRecordHeader } from './record.ts';

const MAX_RECORDS_SHOWN = 8;
const PREVIEW_BYTES = 32;

/** Does the payload start with a TLS 1.2 record header? */
export function looksLikeTls(payload: Uint8Array): boolean {
  const h = parseRecordHeader(payload);
  return h !== null && CONTENT_TYPE_NAMES[h.contentType] !== undefined && h.version === TLS_VERSION_1_2 && h.length <= MAX_CIPHERTEXT_BYTES;
}

function handshakeFields(prefix: string, fragment: Uint8Array, fields: LayerField[]): void {
  if (fragment.length < HANDSHAKE_HEADER_BYTES) {
    fields.push({ name: `${prefix}fragment`, value: toHex(fragment, PREVIEW_BYTES) });
    return;
  }
  const type = fragment[0]!;
  const length = (fragment[1]! << 16) | (fragment[2]! << 8) | fragment[3]!;
  const name = HANDSHAKE_NAMES[type];
  if (name === undefined || length + HANDSHAKE_HEADER_BYTES > fragment.length) {
    // Not a readable message: after ChangeCipherSpec a handshake record (Finished) is encrypted.
    fields.push({ name: `${prefix}encryptedHandshake`, value: toHex(fragment, PREVIEW_BYTES) });
    return;
  }
  fields.push({ name: `${prefix}handshakeType`, value: `${name} (${type})` }, { name: `${prefix}handshakeLength`, value: length });
  let msg;
  try {
    msg = parseHandshakeBody(type, fragment.subarray(HANDSHAKE_HEADER_BYTES, HANDSHAKE_HEADER_BYTES + length));
  } catch {
    fields.push({ name: `${prefix}malformed`, value: true });
    return;
  }
  const add = (n: string, v: string | number | boolean) => fields.push({ name: `${prefix}${n}`, value: v });
  switch (msg.type) {
    case 1:
      add('clientVersion', `0x${msg.version.toString(16).padStart(4, '0')}`);
      add('random', toHex(msg.random));
      add('sessionId', toHex(msg.sessionId));
      add('cipherSuites', msg.cipherSuites.map(cipherSuiteName).join(', '));
      add('compressionMethods', msg.compressionMethods.map((c) => (c === 0 ? 'null' : String(c))).join(', '));
      if (msg.serverName !== null) add('serverName', msg.serverName);
      break;
    case 2:
      add('serverVersion', `0x${msg.version.toString(16).padStart(4, '0')}`);
      add('random', toHex(msg.random));
      add('sessionId', toHex(msg.sessionId));
      add('cipherSuite', cipherSuiteName(msg.cipherSuite));
      add('compressionMethod', msg.compressionMethod === 0 ? 'null' : msg.compressionMethod);
      break;
    case 11: {
      add('certificates', msg.certificates.length);
      const first = msg.certificates[0];
      if (first !== undefined) {
        try {
          const c = parseCertificate(first);
          add('subject', c.subject);
          add('issuer', c.issuer);
          add('publicKeyAlgorithm', c.publicKeyAlgorithm);
          add('subjectPublicKey', toHex(c.publicKey));
        } catch {
          add('certificate', 'unreadable');
        }
      }
      break;
    }
    case 13:
      add('certificateAuthorities', msg.certificateAuthorities.join(', '));
      break;
    case 16:
      add('encryptedPreMasterSecret', toHex(msg.encryptedPreMasterSecret, PREVIEW_BYTES));
      break;
    case 15:
      add('signature', toHex(msg.signature, PREVIEW_BYTES));
      break;
    default:
      break;
  }
}

export function decodeTls(payload: Uint8Array, offset: number): PacketLayer | null {
  if (!looksLikeTls(payload)) return null;
  const fields: LayerField[] = [];
  let off = 0;
  let index = 0;
  while (off + RECORD_HEADER_BYTES <= payload.length && index < MAX_RECORDS_SHOWN) {
    const h = parseRecordHeader(payload, off)!;
    if (CONTENT_TYPE_NAMES[h.contentType] === undefined || h.version >>> 8 !== 3) break;
    const prefix = index === 0 ? '' : `record ${index + 1} `;
    const start = off + RECORD_HEADER_BYTES;
    const fragment = payload.subarray(start, Math.min(payload.length, start + h.length));
    fields.push(
      { name: `${prefix}contentType`, value: `${CONTENT_TYPE_NAMES[h.contentType]} (${h.contentType})` },
      { name: `${prefix}version`, value: `0x${h.version.toString(16).padStart(4, '0')}${h.version === TLS_VERSION_1_2 ? ' (TLS 1.2)' : ''}` },
      { name: `${prefix}length`, value: h.length },
    );
    if (fragment.length < h.length) fields.push({ name: `${prefix}continuesInNextSegment`, value: h.length - fragment.length });
    switch (h.contentType) {
      case CONTENT_HANDSHAKE:
        handshakeFields(prefix, fragment, fields);
        break;
      case CONTENT_CHANGE_CIPHER_SPEC:
        fields.push({ name: `${prefix}changeCipherSpec`, value: fragment[0] ?? 0 });
        break;
      case CONTENT_ALERT:
        if (fragment.length === 2) {
          fields.push({ name: `${prefix}alertLevel`, value: fragment[0] === 2 ? 'fatal' : 'warning' }, { name: `${prefix}alertDescription`, value: alertName(fragment[1]!) });
        } else {
          fields.push({ name: `${prefix}encryptedAlert`, value: toHex(fragment, PREVIEW_BYTES) });
        }
        break;
      case CONTENT_APPLICATION_DATA:
        fields.push({ name: `${prefix}encryptedApplicationData`, value: toHex(fragment, PREVIEW_BYTES) });
        break;
    }
    off = start + h.length;
    index++;
  }
  return { osi: 6, protocol: 'TLS', offset, length: payload.length, fields };
}

registerPayloadDecoder((p, payload) => {
  if (p.tcp === null) return null;
  return decodeTls(payload, ETHERNET_HEADER_BYTES + IPV4_HEADER_BYTES + tcpHeaderLength(p.tcp));
});
