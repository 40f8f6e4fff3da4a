// TLS entries of a scenario (docs/scenario.md, "TLS, certificates and taps"): the zod fields that
// hosts (and other serving kinds), `ca` and `tap` nodes and `https` flows add, and the checks that need
// the other nodes and links — an issuer or trusted CA must be a `ca` node, a tap sits on exactly two
// links — with messages naming the field.

import { z } from 'zod';
import { MAX_CERT_NAME_CHARS } from '../protocols/app/tls/certificate.ts';
import { TAP_TAMPERS } from '../protocols/app/tls/spec.ts';
import { MAX_PREVIEW_BYTES } from '../protocols/net/tap.ts';

const MAX_TRUSTED_CAS = 64;
const MAX_VALIDITY_MS = 100 * 365 * 24 * 3600 * 1000;

// The same rules as schema.ts's ids (kept here so this module does not import schema.ts, which imports it).
const id = z
  .string()
  .min(1, 'must not be empty')
  .max(32, 'must be at most 32 characters')
  .regex(/^[A-Za-z0-9_.-]+$/, 'may use only letters, digits, "_", "." and "-"');
const certName = z.string().min(1, 'must not be empty').max(MAX_CERT_NAME_CHARS, `must be at most ${MAX_CERT_NAME_CHARS} characters`);
const validityMs = z.number().int('must be a whole number').min(0, 'must not be negative').max(MAX_VALIDITY_MS, 'must be at most 100 years');

export const certificateSchema = z.strictObject({
  issuer: id.optional(),
  selfSigned: z.boolean().optional(),
  subject: certName.optional(),
  validFromMs: validityMs.optional(),
  validUntilMs: validityMs.optional(),
  forged: z.boolean().optional(),
});

/** Fields of every node kind that can speak TLS (host; other serving kinds spread them too). */
export const tlsNodeFields = {
  certificate: certificateSchema.optional(),
  clientCertificate: certificateSchema.optional(),
  trust: z.array(id).max(MAX_TRUSTED_CAS, `may hold at most ${MAX_TRUSTED_CAS} CAs`).optional(),
  browser: z.enum(['strict', 'click-through']).optional(),
  clientAuth: z.enum(['none', 'request', 'require']).optional(),
};

export const caNodeFields = {
  name: certName.optional(),
};

export const tapNodeFields = {
  mode: z.enum(['passive', 'mitm']).default('passive'),
  certificate: certificateSchema.optional(),
  tamper: z.enum(TAP_TAMPERS).optional(),
  previewBytes: z.number().int('must be a whole number').min(0).max(MAX_PREVIEW_BYTES, `must be at most ${MAX_PREVIEW_BYTES}`).default(256),
};

export const flowTlsSchema = z.strictObject({
  serverName: certName.optional(),
});

type CertificateInput = z.output<typeof certificateSchema>;

interface NodeLike {
  id: string;
  kind: string;
  certificate?: CertificateInput;
  clientCertificate?: CertificateInput;
  trust?: string[];
  mode?: string;
}

function checkCertificate(c: CertificateInput, where: string, kinds: Map<string, string>, errors: string[], selfSignedDefault: boolean): void {
  if (c.issuer !== undefined && c.selfSigned === true) errors.push(`${where}.selfSigned: a certificate is either issued by a CA or self-signed, not both`);
  if (c.issuer === undefined && c.selfSigned !== true && !selfSignedDefault) errors.push(`${where}: needs "issuer" (a ca node) or "selfSigned": true`);
  if (c.issuer !== undefined) {
    const kind = kinds.get(c.issuer);
    if (kind === undefined) errors.push(`${where}.issuer: no node with id "${c.issuer}"`);
    else if (kind !== 'ca') errors.push(`${where}.issuer: "${c.issuer}" is a ${kind}, not a ca`);
  }
  if (c.forged === true && c.issuer === undefined) errors.push(`${where}.forged: a forgery names an issuer it was not signed by`);
  if (c.validFromMs !== undefined && c.validUntilMs !== undefined && c.validUntilMs < c.validFromMs) {
    errors.push(`${where}.validUntilMs: must not be before validFromMs`);
  }
}

/** Cross-checks of the TLS fields; problems go to `errors`. */
export function checkTls(nodes: readonly NodeLike[], links: ReadonlyArray<{ a: string; b: string }>, errors: string[]): void {
  const kinds = new Map(nodes.map((n) => [n.id, n.kind]));
  nodes.forEach((n, i) => {
    const where = `nodes[${i}]`;
    if (n.certificate !== undefined) checkCertificate(n.certificate, `${where}.certificate`, kinds, errors, n.kind === 'tap');
    if (n.clientCertificate !== undefined) checkCertificate(n.clientCertificate, `${where}.clientCertificate`, kinds, errors, false);
    n.trust?.forEach((ca, j) => {
      const kind = kinds.get(ca);
      if (kind === undefined) errors.push(`${where}.trust[${j}]: no node with id "${ca}"`);
      else if (kind !== 'ca') errors.push(`${where}.trust[${j}]: "${ca}" is a ${kind}, not a ca`);
    });
    if (n.kind === 'tap') {
      const count = links.filter((l) => l.a === n.id || l.b === n.id).length;
      if (count !== 2) errors.push(`${where}: a tap sits inline on a link: it needs exactly two links, has ${count}`);
      if (n.certificate !== undefined && n.mode !== 'mitm') errors.push(`${where}.certificate: only a "mitm" tap presents a certificate`);
    }
  });
}
