// A layer-4 load balancer's connection table (the IPVS connection table, LVS-NAT): one entry per TCP
// connection through the virtual address, keyed by the client's (address, port), naming the backend
// that serves it. Every later packet of the connection follows its entry, so a connection never
// changes server. The entry follows the TCP handshake and teardown as seen in passing (IPVS's
// state table in outline): SYN_RECV after the client's SYN, ESTABLISHED once the client acknowledges,
// FIN_WAIT after the first FIN, TIME_WAIT once both sides sent FIN, CLOSE after a RST. Closed entries
// linger `closeLingerMs` (so a retransmitted last FIN or ACK still finds its way) and open ones expire
// after `idleTimeoutMs` without traffic; one restartable timer sweeps them.

import type { Simulator } from '../sim/simulator.ts';
import { Timer } from '../sim/timer.ts';
import { msToNs } from '../sim/time.ts';
import { IPVS_TCP_STATE } from './lb-sync.ts';

export type LbConnState = 'syn-recv' | 'established' | 'fin-wait' | 'time-wait' | 'close';

export interface LbConnection {
  /** Deterministic id per balancer (1, 2, ...), shown in traces and used by assignConnection. */
  readonly id: number;
  readonly clientIp: number;
  readonly clientPort: number;
  readonly vip: number;
  readonly vport: number;
  /** Index in the balancer's backend list; -1 while it waits for a decision. */
  backend: number;
  state: LbConnState;
  finFromClient: boolean;
  finFromBackend: boolean;
  lastSeenNs: number;
  /** The scenario flow its packets carry (for traces), or null. */
  flowId: string | null;
  /** True when the entry came from the peer's synchronisation rather than from a SYN seen here. */
  synced: boolean;
}

export function connectionKey(ip: number, port: number): number {
  return ip * 65536 + port;
}

/** Whether the connection still counts against its backend (it is not closing or closed). */
export function isOpen(c: LbConnection): boolean {
  return isOpenState(c.state);
}

export function isOpenState(state: LbConnState): boolean {
  return state === 'syn-recv' || state === 'established' || state === 'fin-wait';
}

export function ipvsState(state: LbConnState): number {
  switch (state) {
    case 'syn-recv':
      return IPVS_TCP_STATE.SYN_RECV;
    case 'established':
      return IPVS_TCP_STATE.ESTABLISHED;
    case 'fin-wait':
      return IPVS_TCP_STATE.FIN_WAIT;
    case 'time-wait':
      return IPVS_TCP_STATE.TIME_WAIT;
    case 'close':
      return IPVS_TCP_STATE.CLOSE;
  }
}

export function stateFromIpvs(state: number): LbConnState | null {
  switch (state) {
    case IPVS_TCP_STATE.SYN_RECV:
      return 'syn-recv';
    case IPVS_TCP_STATE.ESTABLISHED:
      return 'established';
    case IPVS_TCP_STATE.FIN_WAIT:
      return 'fin-wait';
    case IPVS_TCP_STATE.TIME_WAIT:
      return 'time-wait';
    case IPVS_TCP_STATE.CLOSE:
      return 'close';
    default:
      return null;
  }
}

export interface ConnectionTableOptions {
  maxConnections: number;
  idleTimeoutMs: number;
  closeLingerMs: number;
  /** Called for an entry the sweep removes. */
  onExpire(c: LbConnection): void;
}

export class ConnectionTable {
  private readonly sim: Simulator;
  private readonly byClient = new Map<number, LbConnection>();
  private readonly byId = new Map<number, LbConnection>();
  /** Open connections per backend index. */
  readonly openPerBackend: number[];
  readonly maxConnections: number;
  readonly idleTimeoutNs: number;
  readonly closeLingerNs: number;
  private readonly onExpire: (c: LbConnection) => void;
  private readonly sweeper: Timer;
  private nextId = 1;

  constructor(sim: Simulator, backends: number, opts: ConnectionTableOptions) {
    this.sim = sim;
    this.openPerBackend = new Array<number>(backends).fill(0);
    this.maxConnections = opts.maxConnections;
    this.idleTimeoutNs = msToNs(opts.idleTimeoutMs);
    this.closeLingerNs = msToNs(opts.closeLingerMs);
    this.onExpire = opts.onExpire;
    this.sweeper = new Timer(sim, () => this.sweep());
  }

  get size(): number {
    return this.byClient.size;
  }

  get(clientIp: number, clientPort: number): LbConnection | undefined {
    return this.byClient.get(connectionKey(clientIp, clientPort));
  }

  byConnectionId(id: number): LbConnection | undefined {
    return this.byId.get(id);
  }

  values(): IterableIterator<LbConnection> {
    return this.byClient.values();
  }

  /** Room for one more entry, making it by forgetting the oldest closed entry if need be. */
  makeRoom(): boolean {
    if (this.byClient.size < this.maxConnections) return true;
    for (const c of this.byClient.values()) {
      if (!isOpen(c)) {
        this.remove(c);
        return true;
      }
    }
    return false;
  }

  add(fields: Omit<LbConnection, 'id' | 'lastSeenNs' | 'finFromClient' | 'finFromBackend'>): LbConnection {
    if (this.byClient.size >= this.maxConnections) throw new RangeError('connection table full');
    const c: LbConnection = { ...fields, id: this.nextId++, finFromClient: false, finFromBackend: false, lastSeenNs: this.sim.nowNs };
    this.byClient.set(connectionKey(c.clientIp, c.clientPort), c);
    this.byId.set(c.id, c);
    if (c.backend >= 0 && isOpen(c)) this.openPerBackend[c.backend]!++;
    this.armFor(c);
    return c;
  }

  /** Point a waiting entry at its backend. */
  assign(c: LbConnection, backend: number): void {
    if (c.backend >= 0 && isOpen(c)) this.openPerBackend[c.backend]!--;
    c.backend = backend;
    if (isOpen(c)) this.openPerBackend[backend]!++;
  }

  /** Move an entry to a new state, keeping the per-backend counts right. */
  setState(c: LbConnection, state: LbConnState): void {
    if (c.state === state) return;
    const wasOpen = isOpen(c);
    c.state = state;
    const open = isOpen(c);
    if (c.backend >= 0 && wasOpen !== open) this.openPerBackend[c.backend]! += open ? 1 : -1;
    if (!open) this.armFor(c);
  }

  touch(c: LbConnection): void {
    c.lastSeenNs = this.sim.nowNs;
  }

  remove(c: LbConnection): void {
    if (!this.byClient.delete(connectionKey(c.clientIp, c.clientPort))) return;
    this.byId.delete(c.id);
    if (c.backend >= 0 && isOpen(c)) this.openPerBackend[c.backend]!--;
  }

  clear(): void {
    for (const c of [...this.byClient.values()]) this.remove(c);
    this.sweeper.cancel();
  }

  /** When an entry expires without further traffic. */
  expiresAtNs(c: LbConnection): number {
    return c.lastSeenNs + (isOpen(c) ? this.idleTimeoutNs : this.closeLingerNs);
  }

  /** Seconds of life the entry has left, as a sync message carries it. */
  timeoutS(c: LbConnection): number {
    return Math.ceil((isOpen(c) ? this.idleTimeoutNs : this.closeLingerNs) / 1e9);
  }

  private armFor(c: LbConnection): void {
    const at = this.expiresAtNs(c);
    if (!this.sweeper.isArmed || at < this.sweeper.expiresAtNs) this.sweeper.setAt(at);
  }

  private sweep(): void {
    const now = this.sim.nowNs;
    let next = Infinity;
    for (const c of [...this.byClient.values()]) {
      const at = this.expiresAtNs(c);
      if (at <= now) {
        this.remove(c);
        this.onExpire(c);
      } else if (at < next) next = at;
    }
    if (next < Infinity) this.sweeper.setAt(next);
  }
}
