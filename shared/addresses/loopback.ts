// Whether a host name or address is this machine's loopback, which no other machine can reach: the
// server leaves such addresses out of the join addresses it lists, and a page opened on one asks the
// server for the addresses students can type instead.

/** `localhost`, 127.x.y.z, or ::1 (bare, or bracketed as in a URL's host). */
export function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host.startsWith('127.') || host === '::1' || host === '[::1]';
}
