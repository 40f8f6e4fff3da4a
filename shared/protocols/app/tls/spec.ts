// The TLS settings a scenario gives a node (docs/scenario.md, "TLS, certificates and taps"): the
// certificate it presents as a server and as a client, the CAs it trusts, how its browser treats a
// certificate that does not check out, and whether it asks clients for certificates. The loader
// (shared/scenario/tls.ts) validates them; pki.ts turns them into keys and signed certificates.

export interface CertificateSpec {
  /** Id of the `ca` node that signs it; absent when `selfSigned`. */
  issuer?: string;
  /** The node signs its own certificate (issuer = subject): no CA vouches for it. */
  selfSigned?: boolean;
  /** Company / server name in the certificate; defaults to the node's id. */
  subject?: string;
  /** Validity in simulated ms; default from 0 to one year. */
  validFromMs?: number;
  validUntilMs?: number;
  /** The certificate names `issuer` but is signed with a key that is not that CA's (a forgery). */
  forged?: boolean;
}

export type BrowserProfile = 'strict' | 'click-through';
export type ClientAuthMode = 'none' | 'request' | 'require';

export interface TlsNodeFields {
  /** The certificate the node presents when it serves TLS (X25519 key-exchange key). */
  certificate?: CertificateSpec;
  /** The certificate the node presents when a server asks a client for one (Ed25519 signing key). */
  clientCertificate?: CertificateSpec;
  /** Ids of the `ca` nodes whose public keys this node holds; default every `ca` in the scenario. */
  trust?: string[];
  /** strict: refuse a certificate that does not check out; click-through: warn and go on. */
  browser?: BrowserProfile;
  /** Whether the node, as a TLS server, asks clients for a certificate (CertificateRequest). */
  clientAuth?: ClientAuthMode;
}

export const DEFAULT_VALID_UNTIL_MS = 365 * 24 * 3600 * 1000;

/** A flow's TLS settings (`flows[].tls`). */
export interface FlowTlsSpec {
  /** The name the client expects in the certificate (sent as server_name); default the `to` node's id. */
  serverName: string | null;
}

/** The handshake messages an on-path tap can alter in flight (one byte flipped), in the order they are sent. */
export const TAP_TAMPERS = ['client-hello', 'server-hello', 'certificate', 'client-key-exchange'] as const;
export type TapTamper = (typeof TAP_TAMPERS)[number];
export type TapMode = 'passive' | 'mitm';
