// A certificate authority (seed: HTTPS 통신 흐름 — "CA: a trusted company that keeps public keys"): an
// identity with an Ed25519 key pair and a name. It signs the certificates of the nodes that name it
// as their `certificate.issuer` before the run starts (app/tls/pki.ts), and browsers that trust it
// hold its public key. It is a layer-3 node so it can be drawn and linked like any host, but it takes
// no part in a handshake: certificates are checked offline against the public key the client holds.

import { ed25519 } from '@noble/curves/ed25519.js';
import { Host } from './host.ts';
import type { Network } from './network.ts';

export const CA_SECRET_KEY_BYTES = 32;

export class CertificateAuthority extends Host {
  override readonly kind: string = 'ca';
  /** The name certificates carry as their issuer. */
  readonly caName: string;
  readonly publicKey: Uint8Array;
  private readonly secretKey: Uint8Array;
  certificatesIssued = 0;

  constructor(network: Network, id: string, index: number, ip: number, caName: string) {
    super(network, id, index, ip);
    this.caName = caName;
    // The key pair comes from the scenario's seed, so the same scenario always has the same CA keys.
    this.secretKey = network.sim.prng.bytes(CA_SECRET_KEY_BYTES);
    this.publicKey = ed25519.getPublicKey(this.secretKey);
  }

  /** Sign a to-be-signed certificate body (only pki.ts asks, while building the scenario). */
  sign(sign: (secretKey: Uint8Array) => Uint8Array): Uint8Array {
    this.certificatesIssued++;
    return sign(this.secretKey);
  }
}
