// `node bench/crypto.ts`: what each cryptographic primitive the TLS engine uses costs in wall time,
// here, with the very @noble/* code the engine runs. The simulated CPU costs in
// shared/protocols/app/tls/crypto-cost.ts were set from this program's output on the project's CI
// machine type (2 cores, Node 22): re-run it to check them. Each figure is the median of 9 batches.

import { gcm } from '@noble/ciphers/aes.js';
import { ed25519, x25519 } from '@noble/curves/ed25519.js';
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/** Median wall time of one call, in ns. */
function measure(iterations: number, f: () => void): number {
  for (let i = 0; i < iterations; i++) f(); // warm up the JIT and noble's precomputed tables
  const batches: number[] = [];
  for (let b = 0; b < 9; b++) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < iterations; i++) f();
    batches.push(Number(process.hrtime.bigint() - start) / iterations);
  }
  return median(batches);
}

const seed = (n: number, v: number) => new Uint8Array(n).fill(v);
const xSecret = seed(32, 7);
const xPublic = x25519.getPublicKey(seed(32, 8));
const edSecret = seed(32, 9);
const edPublic = ed25519.getPublicKey(edSecret);
const message = seed(300, 1);
const signature = ed25519.sign(message, edSecret);
const key = seed(16, 2);
const nonce = seed(12, 3);
const aad = seed(13, 4);

const rows: Array<[string, number]> = [
  ['X25519 scalar multiplication (key pair)', measure(100, () => x25519.getPublicKey(xSecret))],
  ['X25519 shared secret', measure(100, () => x25519.getSharedSecret(xSecret, xPublic))],
  ['Ed25519 sign (300 B)', measure(100, () => ed25519.sign(message, edSecret))],
  ['Ed25519 verify (300 B)', measure(100, () => ed25519.verify(signature, message, edPublic))],
];
const sizes = [0, 16384];
for (const n of sizes) {
  const data = new Uint8Array(n);
  rows.push([`AES-128-GCM seal ${n} B`, measure(n === 0 ? 2000 : 100, () => gcm(key, nonce, aad).encrypt(data))]);
}
for (const n of sizes) {
  const data = new Uint8Array(n);
  rows.push([`HMAC-SHA256 ${n} B`, measure(n === 0 ? 2000 : 100, () => hmac(sha256, key, data))]);
}
for (const n of sizes) {
  const data = new Uint8Array(n);
  rows.push([`SHA-256 ${n} B`, measure(n === 0 ? 2000 : 100, () => sha256(data))]);
}

console.log(`crypto primitives, @noble/* v2, node ${process.version}\n`);
for (const [name, ns] of rows) console.log(`${name.padEnd(42)} ${(ns / 1000).toFixed(1).padStart(9)} µs`);
const perByte = (name: string) => {
  const small = rows.find(([n]) => n === `${name} 0 B`)![1];
  const large = rows.find(([n]) => n === `${name} 16384 B`)![1];
  return `${name}: ${(small / 1000).toFixed(1)} µs per call + ${((large - small) / 16384).toFixed(1)} ns per byte`;
};
console.log(`\n${perByte('AES-128-GCM seal')}\n${perByte('HMAC-SHA256')}\n${perByte('SHA-256')}`);
