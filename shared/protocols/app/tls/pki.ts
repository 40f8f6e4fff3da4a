// The scenario's public-key infrastructure, set up before the run (seed: HTTPS 통신 흐름 steps 1–4):
// every node with a `certificate` makes a key pair, and the CA it names signs a certificate holding
// its name and public key; self-signed and forged certificates are made the same way with the wrong
// signer. Every node also gets its trust store — the public keys of the CAs it trusts — and its
// browser profile. All keys and serial numbers come from the scenario's seeded PRNG.

import { ed25519, x25519 } from '@noble/curves/ed25519.js';
import { CertificateAuthority } from '../../net/ca.ts';
import { Cpu } from '../../net/cpu.ts';
import type { Network } from '../../net/network.ts';
import type { NetNode } from '../../net/node.ts';
import type { Simulator } from '../../sim/simulator.ts';
import { toHex } from './bytes.ts';
import { assembleCertificate, encodeTbs, parseCertificate, type Certificate, type PublicKeyAlgorithm, type TrustAnchor } from './certificate.ts';
import { offlineMeter } from './crypto-cost.ts';
import { DEFAULT_VALID_UNTIL_MS, type BrowserProfile, type CertificateSpec, type ClientAuthMode, type TlsNodeFields } from './spec.ts';

const KEY_BYTES = 32;
const SERIAL_BYTES = 8;

/** A certificate and the private key that goes with the public key inside it. */
export interface CertifiedKey {
  encoded: Uint8Array;
  certificate: Certificate;
  secretKey: Uint8Array;
  publicKey: Uint8Array;
}

export interface TlsIdentity {
  nodeId: string;
  /** Presented as a TLS server; made on first use (self-signed) when the scenario gave none. */
  serverCertificate: CertifiedKey | null;
  clientCertificate: CertifiedKey | null;
  trust: TrustAnchor[];
  browser: BrowserProfile;
  clientAuth: ClientAuthMode;
}

export class Pki {
  private readonly sim: Simulator;
  readonly anchors = new Map<string, TrustAnchor>();
  private readonly cas = new Map<string, CertificateAuthority>();
  private readonly identities = new Map<string, TlsIdentity>();

  constructor(sim: Simulator) {
    this.sim = sim;
  }

  addCa(ca: CertificateAuthority): void {
    this.cas.set(ca.id, ca);
    this.anchors.set(ca.id, { id: ca.id, name: ca.caName, publicKey: ca.publicKey });
  }

  /** Make the node's identity from its scenario fields (keys and certificates are drawn now). */
  configure(node: NetNode, fields: TlsNodeFields): TlsIdentity {
    const identity: TlsIdentity = {
      nodeId: node.id,
      serverCertificate: fields.certificate === undefined ? null : this.issue(node.id, fields.certificate, 'X25519'),
      clientCertificate: fields.clientCertificate === undefined ? null : this.issue(node.id, fields.clientCertificate, 'Ed25519'),
      trust: fields.trust === undefined ? [...this.anchors.values()] : fields.trust.map((id) => this.anchors.get(id)!).filter((a) => a !== undefined),
      browser: fields.browser ?? 'strict',
      clientAuth: fields.clientAuth ?? 'none',
    };
    this.identities.set(node.id, identity);
    return identity;
  }

  identityOf(node: NetNode): TlsIdentity {
    return this.identities.get(node.id) ?? this.configure(node, {});
  }

  /** The node's server certificate; one that was never configured is self-signed now (a bare install). */
  serverCertificateOf(node: NetNode): CertifiedKey {
    const identity = this.identityOf(node);
    identity.serverCertificate ??= this.issue(node.id, { selfSigned: true }, 'X25519');
    return identity.serverCertificate;
  }

  /** Key pair and certificate for `nodeId` as `spec` says (the loader has checked the issuer exists). */
  issue(nodeId: string, spec: CertificateSpec, algorithm: PublicKeyAlgorithm): CertifiedKey {
    const prng = this.sim.prng;
    const secretKey = prng.bytes(KEY_BYTES);
    const publicKey = algorithm === 'X25519' ? x25519.getPublicKey(secretKey) : ed25519.getPublicKey(secretKey);
    const subject = spec.subject ?? nodeId;
    const ca = spec.issuer === undefined ? undefined : this.cas.get(spec.issuer);
    const fields = {
      serialNumber: prng.bytes(SERIAL_BYTES),
      issuer: ca === undefined ? subject : ca.caName,
      notBeforeMs: spec.validFromMs ?? 0,
      notAfterMs: spec.validUntilMs ?? DEFAULT_VALID_UNTIL_MS,
      subject,
      publicKeyAlgorithm: algorithm,
      publicKey,
    };
    const tbs = encodeTbs(fields);
    const meter = offlineMeter(); // issuing happens before the run: no node's CPU time
    meter.ed25519Sign();
    let signature: Uint8Array;
    if (ca !== undefined && spec.forged !== true) {
      signature = ca.sign((caKey) => ed25519.sign(tbs, caKey));
    } else {
      // Self-signed: the node's own signing key. Forged: a key the forger made up, not the CA's.
      signature = ed25519.sign(tbs, prng.bytes(KEY_BYTES));
    }
    const encoded = assembleCertificate(tbs, signature);
    const certificate = parseCertificate(encoded);
    const sim = this.sim;
    const trace = {
      step: 'certificate-issued',
      node: nodeId,
      ca: ca?.id ?? null,
      subject,
      issuer: fields.issuer,
      serialNumber: toHex(fields.serialNumber),
      publicKeyAlgorithm: algorithm,
      publicKey: toHex(publicKey),
      notBeforeMs: fields.notBeforeMs,
      notAfterMs: fields.notAfterMs,
      selfSigned: ca === undefined,
      forged: ca !== undefined && spec.forged === true,
    };
    sim.at(sim.nowNs, () => {
      if (sim.trace.enabled('tls')) sim.trace.emit({ type: 'tls', t: sim.nowMs, ...trace });
    });
    return { encoded, certificate, secretKey, publicKey };
  }
}

const pkis = new WeakMap<Network, Pki>();

/** The network's PKI (empty until installPki runs: no CA, so nothing is trusted). */
export function pkiOf(network: Network): Pki {
  let pki = pkis.get(network);
  if (pki === undefined) {
    pki = new Pki(network.sim);
    pkis.set(network, pki);
  }
  return pki;
}

/** Called once the nodes exist: CAs first (so trust lists can name any of them), then every node's fields. */
export function installPki(network: Network, specs: ReadonlyArray<{ id: string }>): void {
  const pki = pkiOf(network);
  for (const node of network.nodes.values()) if (node instanceof CertificateAuthority) pki.addCa(node);
  for (const spec of specs) {
    const fields = spec as TlsNodeFields;
    if (
      fields.certificate === undefined &&
      fields.clientCertificate === undefined &&
      fields.trust === undefined &&
      fields.browser === undefined &&
      fields.clientAuth === undefined
    ) {
      continue;
    }
    pki.configure(network.nodes.get(spec.id)!, fields);
  }
}

const cpus = new WeakMap<NetNode, Cpu>();

/** The node's processor: its own `cpu` if its kind has one (a server), else one made for it at its `cpuSpeed` (default 1). */
export function cpuOf(node: NetNode): Cpu {
  const own = (node as { cpu?: unknown }).cpu;
  if (own instanceof Cpu) return own;
  let cpu = cpus.get(node);
  if (cpu === undefined) {
    const speed = (node as { cpuSpeed?: unknown }).cpuSpeed;
    cpu = new Cpu(node.network.sim, typeof speed === 'number' ? speed : 1);
    cpus.set(node, cpu);
  }
  return cpu;
}
