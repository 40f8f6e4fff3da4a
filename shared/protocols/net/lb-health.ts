// A balancer's health checks of its backends (keepalived's TCP_CHECK and ldirectord's "connect"
// check in outline): every `intervalNs` it sends each backend a TCP SYN from its own address; any TCP
// answer within `timeoutNs` (a SYN-ACK, which the balancer's TCP layer tears down with RST as for any
// unknown connection, or a RST from a closed port) shows the host is alive. `failures` silent probes in
// a row mark a backend down; one answer marks it up again. Until then the balancer trusts its last
// verdict, so a server that dies still gets new connections for up to interval × failures + timeout.

import type { Simulator } from '../sim/simulator.ts';

/** Source ports of probes (61000–64999), so a late answer is matched to the probe it answers. */
export const PROBE_PORT_FIRST = 61000;
const PROBE_PORTS = 4000;

export interface HealthOptions {
  intervalNs: number;
  timeoutNs: number;
  failures: number;
  /** Send one probe SYN from `srcPort` to backend `i`. Returns false when it could not be sent. */
  send(i: number, srcPort: number, seq: number): boolean;
  /** A backend's health changed. */
  changed(i: number, up: boolean): void;
}

interface Probe {
  backend: number;
  answered: boolean;
}

export class HealthChecker {
  private readonly sim: Simulator;
  private readonly opts: HealthOptions;
  /** The balancer's view of each backend. */
  readonly up: boolean[];
  private readonly silentInRow: number[];
  private readonly probes = new Map<number, Probe>();
  private nextPort = 0;
  private running = true;
  probesSent = 0;

  constructor(sim: Simulator, backends: number, opts: HealthOptions) {
    this.sim = sim;
    this.opts = opts;
    this.up = new Array<boolean>(backends).fill(true);
    this.silentInRow = new Array<number>(backends).fill(0);
    if (opts.intervalNs > 0) sim.at(sim.nowNs, () => this.tick());
  }

  /** Stop probing (the balancer is down) or start again (it is back, trusting nothing it knew). */
  setRunning(running: boolean): void {
    this.running = running;
    if (running) {
      this.up.fill(true);
      this.silentInRow.fill(0);
      this.probes.clear();
    }
  }

  private tick(): void {
    if (this.running) {
      for (let i = 0; i < this.up.length; i++) this.probe(i);
    }
    this.sim.after(this.opts.intervalNs, () => this.tick());
  }

  private probe(i: number): void {
    const port = PROBE_PORT_FIRST + this.nextPort;
    this.nextPort = (this.nextPort + 1) % PROBE_PORTS;
    const probe: Probe = { backend: i, answered: false };
    this.probes.set(port, probe);
    // A fixed odd multiplier spreads initial sequence numbers without drawing from the PRNG.
    const seq = Math.imul(this.probesSent + 1, 0x9e3779b1) >>> 0;
    if (!this.opts.send(i, port, seq)) {
      this.probes.delete(port);
      return;
    }
    this.probesSent++;
    this.sim.after(this.opts.timeoutNs, () => {
      if (this.probes.get(port) !== probe) return;
      this.probes.delete(port);
      if (!this.running || probe.answered) return;
      this.silentInRow[i]!++;
      if (this.up[i] && this.silentInRow[i]! >= this.opts.failures) {
        this.up[i] = false;
        this.opts.changed(i, false);
      }
    });
  }

  /** A TCP segment from backend `i` to a probe port arrived. Returns whether it answered a probe. */
  answer(i: number, dstPort: number): boolean {
    const probe = this.probes.get(dstPort);
    if (probe === undefined || probe.backend !== i || probe.answered) return false;
    probe.answered = true;
    this.silentInRow[i] = 0;
    if (!this.up[i]) {
      this.up[i] = true;
      this.opts.changed(i, true);
    }
    return true;
  }
}
