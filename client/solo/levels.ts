// The solo levels. Each is a scenario, the role the player takes (bots play every other one), and an
// objective checked on the engine's own facts (its summary and trace), never on what the screen shows.

import type { MessageKey } from '../i18n/index.ts';
import type { MyRole } from '../model/source.ts';
import type { ScenarioInput } from '../../shared/scenario/schema.ts';
import { SERVER_IO_CHOICES, type ServerIoChoice } from '../../shared/protocols/app/http/spec.ts';

/** A flow the player starts by hand: its scheduled start lies beyond any level's end. */
export const MANUAL_START_MS = 86_400_000;

export type ObjectiveKind = 'router-lossy' | 'sender-video' | 'receiver-flow' | 'lb-failover' | 'sender-arq' | 'tap-password' | 'router-timewait' | 'router-dns' | 'tap-tamper' | 'server-io' | 'osi-layers' | 'sender-call' | 'sender-crypto' | 'sender-cc';

/**
 * A question of the layer quiz: at which OSI layer is `flow`'s trouble? The answer counts once the
 * engine has shown the symptom on that flow (a drop for that reason, an HTTP answer with that status,
 * or a request failing for that reason).
 */
export interface LayerQuestion {
  id: string;
  prompt: MessageKey;
  flow: string;
  layer: number;
  symptom: { drop: string } | { httpStatus: number } | { httpError: string };
}


export interface LevelDef {
  id: ObjectiveKind;
  title: MessageKey;
  brief: MessageKey;
  objective: MessageKey;
  /** Topics of TOPICS.md this level teaches. */
  topics: string[];
  scenario: ScenarioInput;
  role: MyRole;
  /** Simulated ms per real ms when the level starts. */
  speed: number;
  /** The objective must be met by this simulated time. */
  deadlineMs: number;
  /** What earns each star beyond the first (passing). */
  stars: [MessageKey, MessageKey];
  /** A question the player answers by typing (the eavesdropper's level asks for a password). */
  question?: MessageKey;
  /** The tapping player may alter TLS handshake messages in flight. */
  tapAttack?: true;
  /** The server's I/O models the player picks from before opening it (its clients start then). */
  serverChoices?: readonly ServerIoChoice[];
  /** Questions the player answers by naming an OSI layer (the fault-finding level). */
  layerQuiz?: LayerQuestion[];
}

/** The balancer level's clients start an upload every 2.5 s, round the three of them. */
function failoverFlows(): NonNullable<ScenarioInput['flows']> {
  const clients = ['c1', 'c2', 'c3'];
  return Array.from({ length: 8 }, (_, i) => ({
    id: `d${i + 1}`,
    from: clients[i % 3]!,
    to: 'lb1',
    transport: 'tcp' as const,
    app: 'bulk' as const,
    bytes: 30_000,
    mss: 1000,
    startMs: 500 + i * 2500,
    initialRtoMs: 3000,
  }));
}

/** Both balancers of the pair: a person decides, a bot only after 15 s, health checks patient enough for the path. */
const BALANCER = { controller: 'player' as const, heartbeatMs: 200, failoverHeartbeats: 3, decisionTimeoutMs: 15_000, healthCheckMs: 1000, healthCheckTimeoutMs: 1000 };

/** The levels in order (a level's number is its place here); the later ones are pushed below, beside the helpers and constants they use. */
export const LEVELS: LevelDef[] = [
  {
    id: 'router-lossy',
    title: 'level.router.title',
    brief: 'level.router.brief',
    objective: 'level.router.objective',
    topics: ['T6', 'T9', 'T10'],
    role: { role: 'router', node: 'router', flows: [] },
    speed: 0.25,
    deadlineMs: 25_000,
    stars: ['level.router.star2', 'level.router.star3'],
    scenario: {
      name: 'router-lossy',
      seed: 3,
      durationMs: 30_000,
      nodes: [
        { id: 'laptop', kind: 'host' },
        { id: 'router', kind: 'router', controller: 'player', queuePackets: 10 },
        { id: 'server', kind: 'host' },
      ],
      links: [
        { id: 'wifi', a: 'laptop', b: 'router', bandwidthBps: 64_000, delayMs: 300, queuePackets: 20 },
        { id: 'short', a: 'router', b: 'server', bandwidthBps: 64_000, delayMs: 300, queuePackets: 20, loss: { 'router->server': 0.3 } },
        { id: 'long', a: 'router', b: 'server', bandwidthBps: 64_000, delayMs: 700, queuePackets: 20 },
      ],
      flows: [{ id: 'upload', from: 'laptop', to: 'server', transport: 'tcp', app: 'bulk', bytes: 24_000, mss: 1000, cc: 'reno', startMs: 500, initialRtoMs: 3000 }],
    },
  },
  {
    id: 'sender-video',
    title: 'level.video.title',
    brief: 'level.video.brief',
    objective: 'level.video.objective',
    topics: ['T12', 'T6'],
    role: { role: 'sender', node: 'you', flows: ['call-tcp', 'call-udp'] },
    speed: 1,
    deadlineMs: 60_000,
    stars: ['level.video.star2', 'level.video.star3'],
    scenario: {
      name: 'sender-video',
      seed: 1,
      durationMs: 60_000,
      nodes: [
        { id: 'you', kind: 'host' },
        { id: 'isp', kind: 'router' },
        { id: 'friend', kind: 'host' },
      ],
      links: [
        { id: 'home', a: 'you', b: 'isp', bandwidthBps: 1_000_000, delayMs: 150, queuePackets: 30 },
        { id: 'sea', a: 'isp', b: 'friend', bandwidthBps: 1_000_000, delayMs: 150, queuePackets: 30, loss: { 'isp->friend': 0.04 } },
      ],
      flows: [
        { id: 'call-tcp', from: 'you', to: 'friend', transport: 'tcp', app: 'video', rateBps: 240_000, fps: 15, mss: 1200, playoutDelayMs: 400, startMs: MANUAL_START_MS },
        { id: 'call-udp', from: 'you', to: 'friend', transport: 'udp', app: 'video', rateBps: 240_000, fps: 15, mss: 1200, playoutDelayMs: 400, startMs: MANUAL_START_MS },
      ],
    },
  },
  {
    id: 'receiver-flow',
    title: 'level.receiver.title',
    brief: 'level.receiver.brief',
    objective: 'level.receiver.objective',
    topics: ['T7'],
    role: { role: 'receiver', node: 'you', flows: ['file'] },
    speed: 0.5,
    deadlineMs: 45_000,
    stars: ['level.receiver.star2', 'level.receiver.star3'],
    scenario: {
      name: 'receiver-flow',
      seed: 5,
      durationMs: 50_000,
      nodes: [
        { id: 'sender', kind: 'host' },
        { id: 'router', kind: 'router' },
        { id: 'you', kind: 'host' },
      ],
      links: [
        { id: 'l1', a: 'sender', b: 'router', bandwidthBps: 128_000, delayMs: 250, queuePackets: 30 },
        { id: 'l2', a: 'router', b: 'you', bandwidthBps: 128_000, delayMs: 250, queuePackets: 30 },
      ],
      // A round trip here takes just over a second, longer than RFC 6298's first RTO of 1 s: 3 s (RFC
      // 1122's) keeps the handshake from being sent twice in a level about the receive window.
      flows: [{ id: 'file', from: 'sender', to: 'you', transport: 'tcp', app: 'bulk', bytes: 40_000, mss: 1000, rwndBytes: 6000, startMs: 500, initialRtoMs: 3000 }],
    },
  },
];

LEVELS.push({
  id: 'lb-failover',
  title: 'level.lb.title',
  brief: 'level.lb.brief',
  objective: 'level.lb.objective',
  topics: ['T16'],
  role: { role: 'loadbalancer', node: 'lb1', flows: [] },
  speed: 0.5,
  deadlineMs: 30_000,
  stars: ['level.lb.star2', 'level.lb.star3'],
  scenario: {
    name: 'lb-failover',
    seed: 16,
    durationMs: 35_000,
    nodes: [
      { id: 'c1', kind: 'host' },
      { id: 'c2', kind: 'host' },
      { id: 'c3', kind: 'host' },
      { id: 'r', kind: 'router' },
      {
        id: 'lb1',
        kind: 'loadbalancer',
        vip: '10.0.9.1',
        backends: [
          { node: 's1', capacity: 2 },
          { node: 's2', capacity: 2 },
          { node: 's3', capacity: 3 },
        ],
        algorithm: 'manual',
        pair: 'lb2',
        role: 'active',
        ...BALANCER,
      },
      { id: 'lb2', kind: 'loadbalancer', pair: 'lb1', role: 'passive', ...BALANCER },
      { id: 'sw', kind: 'switch' },
      { id: 's1', kind: 'host' },
      { id: 's2', kind: 'host' },
      { id: 's3', kind: 'host' },
    ],
    links: [
      ...['c1', 'c2', 'c3'].map((c) => ({ id: `${c}-r`, a: c, b: 'r', bandwidthBps: 256_000, delayMs: 150, queuePackets: 30 })),
      { id: 'r-lb1', a: 'r', b: 'lb1', bandwidthBps: 1_000_000, delayMs: 100, queuePackets: 50 },
      { id: 'r-lb2', a: 'r', b: 'lb2', bandwidthBps: 1_000_000, delayMs: 100, queuePackets: 50 },
      { id: 'lb1-sw', a: 'lb1', b: 'sw', bandwidthBps: 1_000_000, delayMs: 50, queuePackets: 50 },
      { id: 'lb2-sw', a: 'lb2', b: 'sw', bandwidthBps: 1_000_000, delayMs: 50, queuePackets: 50 },
      ...['s1', 's2', 's3'].map((x) => ({ id: `sw-${x}`, a: 'sw', b: x, bandwidthBps: 256_000, delayMs: 100, queuePackets: 30 })),
    ],
    flows: failoverFlows(),
    faults: [{ kind: 'node-down', node: 'lb1', atMs: 9000 }],
  },
});

/** Level 5's file, and how long after Start it must be delivered (bonus: sooner). */
export const ARQ_LEVEL = { fileBytes: 30_000, withinMs: 15_000, fastMs: 10_000, fewRetransmits: 5 };

LEVELS.push({
  id: 'sender-arq',
  title: 'level.arq.title',
  brief: 'level.arq.brief',
  objective: 'level.arq.objective',
  topics: ['T8', 'T6'],
  role: { role: 'sender', node: 'you', flows: ['file'] },
  speed: 0.5,
  deadlineMs: 60_000,
  stars: ['level.arq.star2', 'level.arq.star3'],
  scenario: {
    name: 'sender-arq',
    // With this seed the loss pattern on the lossy link gives the textbook order (the pattern does
    // not depend on when the player starts: nothing else draws from the PRNG meanwhile).
    seed: 2,
    durationMs: 60_000,
    nodes: [
      { id: 'you', kind: 'host' },
      { id: 'relay', kind: 'router' },
      { id: 'probe', kind: 'host' },
    ],
    links: [
      { id: 'uplink', a: 'you', b: 'relay', bandwidthBps: 1_000_000, delayMs: 100, queuePackets: 30 },
      { id: 'space', a: 'relay', b: 'probe', bandwidthBps: 1_000_000, delayMs: 150, queuePackets: 30, loss: { 'relay->probe': 0.1 } },
    ],
    flows: [
      {
        id: 'file',
        from: 'you',
        to: 'probe',
        transport: 'tcp',
        app: 'bulk',
        bytes: ARQ_LEVEL.fileBytes,
        mss: 1000,
        arq: 'stop-and-wait',
        windowSegments: 6,
        choices: { arq: ['stop-and-wait', 'go-back-n', 'selective-repeat'] },
        startMs: MANUAL_START_MS,
      },
    ],
  },
});

/** Level 6: what Alice types on both sites, and how soon after it crosses the tap a quick answer comes. */
export const TAP_LEVEL = { password: 'sunflower7', quickMs: 10_000 };

/** A web server's pages for a login: the form, the form's POST, the account page. */
function loginRoutes(welcome: string): Array<Record<string, unknown>> {
  return [
    { path: '/login', body: '<!doctype html><form method=post action=/login><input name=user><input name=password type=password></form>\n' },
    { path: '/login', method: 'POST', action: 'store', status: 200, body: `<!doctype html><p>${welcome}</p>\n` },
  ];
}

LEVELS.push({
  id: 'tap-password',
  title: 'level.tap.title',
  brief: 'level.tap.brief',
  objective: 'level.tap.objective',
  topics: ['T1', 'T2'],
  role: { role: 'tap', node: 'eve', flows: [] },
  speed: 0.5,
  deadlineMs: 40_000,
  stars: ['level.tap.star2', 'level.tap.star3'],
  question: 'level.tap.question',
  scenario: {
    name: 'tap-password',
    seed: 6,
    durationMs: 45_000,
    nodes: [
      { id: 'root-ca', kind: 'ca', name: 'Trusty Root CA' },
      { id: 'alice', kind: 'host', browser: 'strict' },
      { id: 'eve', kind: 'tap', previewBytes: 512 },
      { id: 'isp', kind: 'router' },
      { id: 'bank', kind: 'server', io: 'nonblocking', certificate: { issuer: 'root-ca', subject: 'bank.example' }, routes: loginRoutes('Your balance: 1,234.56') },
      { id: 'forum', kind: 'server', io: 'nonblocking', routes: loginRoutes('Welcome to the knitting forum!') },
    ],
    links: [
      { id: 'home', a: 'alice', b: 'eve', bandwidthBps: 512_000, delayMs: 200, queuePackets: 30 },
      { id: 'street', a: 'eve', b: 'isp', bandwidthBps: 512_000, delayMs: 200, queuePackets: 30 },
      { id: 'to-bank', a: 'isp', b: 'bank', bandwidthBps: 1_000_000, delayMs: 200, queuePackets: 30 },
      { id: 'to-forum', a: 'isp', b: 'forum', bandwidthBps: 1_000_000, delayMs: 200, queuePackets: 30 },
    ],
    flows: [
      {
        id: 'bank-login',
        from: 'alice',
        to: 'bank',
        transport: 'tcp',
        app: 'https',
        startMs: 1000,
        mss: 536,
        // The path's round trip is 1.2 s: a first RTO above it, so no handshake segment is resent needlessly.
        initialRtoMs: 3000,
        tls: { serverName: 'bank.example' },
        http: { host: 'bank.example', keepAlive: true, requests: [{ method: 'GET', path: '/login' }, { method: 'POST', path: '/login', body: `user=alice&password=${TAP_LEVEL.password}` }] },
      },
      {
        id: 'forum-login',
        from: 'alice',
        to: 'forum',
        transport: 'tcp',
        app: 'http',
        startMs: 12_000,
        mss: 536,
        initialRtoMs: 3000,
        http: { host: 'forum.example', keepAlive: true, requests: [{ method: 'GET', path: '/login' }, { method: 'POST', path: '/login', body: `user=alice&password=${TAP_LEVEL.password}` }] },
      },
    ],
  } as ScenarioInput,
});

/** Level 7: the player may drop this many packets and still earn the tidy star; the fast star's time. */
export const TIME_WAIT_LEVEL = { tidyDrops: 1, fastMs: 20_000 };

LEVELS.push({
  id: 'router-timewait',
  title: 'level.timewait.title',
  brief: 'level.timewait.brief',
  objective: 'level.timewait.objective',
  topics: ['T11', 'T10'],
  role: { role: 'router', node: 'router', flows: [] },
  speed: 0.5,
  deadlineMs: 40_000,
  stars: ['level.timewait.star2', 'level.timewait.star3'],
  scenario: {
    name: 'router-timewait',
    seed: 11,
    durationMs: 45_000,
    nodes: [
      { id: 'laptop', kind: 'host' },
      { id: 'router', kind: 'router', controller: 'player', queuePackets: 10 },
      { id: 'server', kind: 'host' },
    ],
    links: [
      { id: 'wifi', a: 'laptop', b: 'router', bandwidthBps: 256_000, delayMs: 200, queuePackets: 20 },
      { id: 'fiber', a: 'router', b: 'server', bandwidthBps: 256_000, delayMs: 200, queuePackets: 20 },
    ],
    // A short upload: the laptop closes first, so it is the laptop that ends in TIME_WAIT.
    flows: [{ id: 'upload', from: 'laptop', to: 'server', transport: 'tcp', app: 'bulk', bytes: 3000, mss: 1000, cc: 'reno', startMs: 500, initialRtoMs: 2000 }],
  },
});

/** The photo archive's addresses: 36 A records make a 610-byte answer, more than UDP's 512 (RFC 1035 §2.3.4). */
const PHOTO_SERVERS = 36;

/** Level 8: the names the laptop looks up; drops allowed for the tidy star; the fast star's time. */
export const DNS_LEVEL = { names: ['www.school.example', 'lms.school.example', 'photos.school.example'], tidyDrops: 1, fastMs: 15_000 };

LEVELS.push({
  id: 'router-dns',
  title: 'level.dns.title',
  brief: 'level.dns.brief',
  objective: 'level.dns.objective',
  topics: ['T13', 'T12'],
  role: { role: 'router', node: 'router', flows: [] },
  speed: 0.5,
  deadlineMs: 30_000,
  stars: ['level.dns.star2', 'level.dns.star3'],
  scenario: {
    name: 'router-dns',
    seed: 13,
    durationMs: 35_000,
    nodes: [
      { id: 'laptop', kind: 'host' },
      { id: 'router', kind: 'router', controller: 'player', queuePackets: 10 },
      {
        id: 'ns',
        kind: 'dns',
        zones: [
          {
            origin: 'school.example',
            ttl: 3600,
            records: [
              { name: '@', type: 'SOA', value: 'ns hostmaster 2024030101 7200 900 1209600 300' },
              { name: '@', type: 'NS', value: 'ns' },
              { name: 'ns', type: 'A', value: '10.0.0.3' },
              { name: 'www', type: 'A', value: '192.0.2.80' },
              { name: 'lms', type: 'A', value: '192.0.2.81' },
              // Too many for one UDP answer: it comes cut (TC) and the resolver asks again over TCP.
              ...Array.from({ length: PHOTO_SERVERS }, (_, i) => ({ name: 'photos', type: 'A', value: `198.51.100.${i + 1}` })),
            ],
          },
        ],
      },
    ],
    links: [
      { id: 'wifi', a: 'laptop', b: 'router', bandwidthBps: 1_000_000, delayMs: 150, queuePackets: 20 },
      { id: 'campus', a: 'router', b: 'ns', bandwidthBps: 1_000_000, delayMs: 150, queuePackets: 20 },
    ],
    // One name after another; the resolver's own timer (2 s) resends a query up to 3 times.
    flows: [{ id: 'lookups', from: 'laptop', to: 'ns', transport: 'udp', app: 'dns', startMs: 1000, dns: { timeoutMs: 2000, retries: 3, queries: DNS_LEVEL.names } }],
  } as ScenarioInput,
});

/** Level 9: Alice's logins (one HTTPS connection each, this far apart) and the breaks that pass. */
export const TAMPER_LEVEL = { logins: 5, firstLoginMs: 1000, everyMs: 6000, breaksToPass: 3 };

/** One of Alice's logins: a fresh TCP connection, a full TLS handshake, one page over it. */
function bankLogin(i: number): NonNullable<ScenarioInput['flows']>[number] {
  return {
    id: `login${i + 1}`,
    from: 'alice',
    to: 'bank',
    transport: 'tcp',
    app: 'https',
    startMs: TAMPER_LEVEL.firstLoginMs + i * TAMPER_LEVEL.everyMs,
    mss: 536,
    initialRtoMs: 3000,
    tls: { serverName: 'bank.example' },
    http: { host: 'bank.example', requests: [{ method: 'GET', path: '/' }] },
  } as NonNullable<ScenarioInput['flows']>[number];
}

LEVELS.push({
  id: 'tap-tamper',
  title: 'level.tamper.title',
  brief: 'level.tamper.brief',
  objective: 'level.tamper.objective',
  topics: ['T3', 'T2'],
  role: { role: 'tap', node: 'mallory', flows: [] },
  speed: 0.5,
  deadlineMs: 31_000,
  stars: ['level.tamper.star2', 'level.tamper.star3'],
  tapAttack: true,
  scenario: {
    name: 'tap-tamper',
    seed: 9,
    durationMs: 35_000,
    nodes: [
      { id: 'root-ca', kind: 'ca', name: 'Trusty Root CA' },
      { id: 'alice', kind: 'host', browser: 'strict' },
      { id: 'mallory', kind: 'tap' },
      { id: 'isp', kind: 'router' },
      { id: 'bank', kind: 'server', io: 'nonblocking', certificate: { issuer: 'root-ca', subject: 'bank.example' }, routes: [{ path: '/', body: '<!doctype html><p>Your balance: 1,234.56</p>\n' }] },
    ],
    links: [
      { id: 'home', a: 'alice', b: 'mallory', bandwidthBps: 512_000, delayMs: 200, queuePackets: 30 },
      { id: 'street', a: 'mallory', b: 'isp', bandwidthBps: 512_000, delayMs: 200, queuePackets: 30 },
      { id: 'to-bank', a: 'isp', b: 'bank', bandwidthBps: 1_000_000, delayMs: 200, queuePackets: 30 },
    ],
    flows: Array.from({ length: TAMPER_LEVEL.logins }, (_, i) => bankLogin(i)),
  } as ScenarioInput,
});

/** Level 10: what the server must serve, how fast, and the choices offered. */
export const IO_LEVEL = {
  uploads: 4,
  pageClients: ['c1', 'c2', 'c3'],
  pagesEach: 10,
  /** A page answered later than this after its request is too slow. */
  maxPageMs: 1000,
  /** Everything served within this long of opening. */
  withinMs: 15_000,
  /** The thrifty star: at most this many threads. */
  fewThreads: 8,
  choices: SERVER_IO_CHOICES,
};

/** Level 10's clients: a slow phone trickling photo uploads, and three readers fetching the front page together. */
function ioLevelFlows(): NonNullable<ScenarioInput['flows']> {
  const uploads = Array.from({ length: IO_LEVEL.uploads }, (_, i) => ({
    id: `upload${i + 1}`,
    from: 'phone',
    to: 'you',
    transport: 'tcp',
    app: 'http',
    startMs: MANUAL_START_MS,
    // 400 bit/s: each 400-byte photo takes about 11 s to arrive.
    http: { trickleBps: 400, keepAlive: false, requests: [{ method: 'POST', path: '/upload', body: `photo=${'x'.repeat(400)}` }] },
  }));
  const pages = IO_LEVEL.pageClients.map((c) => ({
    id: `${c}-pages`,
    from: c,
    to: 'you',
    transport: 'tcp',
    app: 'http',
    startMs: MANUAL_START_MS,
    http: { keepAlive: false, requests: [{ method: 'GET', path: '/', atMs: 1000, repeat: IO_LEVEL.pagesEach, everyMs: 600 }] },
  }));
  return [...uploads, ...pages] as NonNullable<ScenarioInput['flows']>;
}

LEVELS.push({
  id: 'server-io',
  title: 'level.io.title',
  brief: 'level.io.brief',
  objective: 'level.io.objective',
  topics: ['T14'],
  role: { role: 'receiver', node: 'you', flows: ioLevelFlows().map((f) => f.id) },
  speed: 0.5,
  deadlineMs: 60_000,
  stars: ['level.io.star2', 'level.io.star3'],
  serverChoices: IO_LEVEL.choices,
  scenario: {
    name: 'server-io',
    seed: 14,
    durationMs: 65_000,
    nodes: [
      { id: 'phone', kind: 'host' },
      ...IO_LEVEL.pageClients.map((id) => ({ id, kind: 'host' as const })),
      { id: 'r', kind: 'router' },
      {
        id: 'you',
        kind: 'server',
        io: 'blocking',
        threads: 2,
        contextSwitchUs: 5,
        routes: [
          { path: '/', body: "<!doctype html><title>News</title><p>Today's headlines.</p>\n" },
          { path: '/upload', method: 'POST', action: 'store', status: 201, body: 'stored\n' },
        ],
      },
    ],
    links: [
      ...['phone', ...IO_LEVEL.pageClients].map((c) => ({ id: `${c}-r`, a: c, b: 'r', bandwidthBps: 10_000_000, delayMs: 40 })),
      { id: 'r-you', a: 'r', b: 'you', bandwidthBps: 100_000_000, delayMs: 10 },
    ],
    flows: ioLevelFlows(),
  } as ScenarioInput,
});

/** Level 11: the answers' deadline for the quick star. */
export const OSI_LEVEL = { quickMs: 30_000 };

/** Each friend asks for the class notes again and again, so the trouble shows more than once. */
function notesFlow(id: string, from: string, path: string, port?: number): NonNullable<ScenarioInput['flows']>[number] {
  return {
    id, from, to: 'web', transport: 'tcp', app: 'http', startMs: 1000, initialRtoMs: 1000, ...(port === undefined ? {} : { port }),
    http: { keepAlive: false, requests: [{ method: 'GET', path, atMs: 0, repeat: 8, everyMs: 5000 }] },
  } as NonNullable<ScenarioInput['flows']>[number];
}

LEVELS.push({
  id: 'osi-layers',
  title: 'level.osi.title',
  brief: 'level.osi.brief',
  objective: 'level.osi.objective',
  topics: ['T5'],
  role: { role: 'technician', node: null, flows: [] },
  speed: 0.5,
  deadlineMs: 45_000,
  stars: ['level.osi.star2', 'level.osi.star3'],
  layerQuiz: [
    { id: 'bob', prompt: 'level.osi.q.bob', flow: 'bob-notes', layer: 1, symptom: { drop: 'link-down' } },
    { id: 'carol', prompt: 'level.osi.q.carol', flow: 'carol-notes', layer: 3, symptom: { drop: 'ttl' } },
    { id: 'dave', prompt: 'level.osi.q.dave', flow: 'dave-notes', layer: 7, symptom: { httpStatus: 404 } },
    { id: 'erin', prompt: 'level.osi.q.erin', flow: 'erin-notes', layer: 4, symptom: { httpError: 'connection refused' } },
  ],
  scenario: {
    name: 'osi-layers',
    seed: 5,
    durationMs: 50_000,
    nodes: [
      { id: 'bob', kind: 'host' },
      { id: 'carol', kind: 'host' },
      { id: 'dave', kind: 'host' },
      { id: 'erin', kind: 'host' },
      { id: 'sw', kind: 'switch' },
      { id: 'r1', kind: 'router' },
      { id: 'r2', kind: 'router' },
      { id: 'web', kind: 'server', io: 'nonblocking', routes: [{ path: '/notes/', body: '<!doctype html><p>Class notes, week 5</p>\n' }] },
    ],
    links: [
      { id: 'bob-cable', a: 'bob', b: 'r1', bandwidthBps: 10_000_000, delayMs: 50 },
      { id: 'carol-sw', a: 'carol', b: 'sw', bandwidthBps: 10_000_000, delayMs: 50 },
      { id: 'dave-sw', a: 'dave', b: 'sw', bandwidthBps: 10_000_000, delayMs: 50 },
      { id: 'erin-sw', a: 'erin', b: 'sw', bandwidthBps: 10_000_000, delayMs: 50 },
      { id: 'sw-r1', a: 'sw', b: 'r1', bandwidthBps: 10_000_000, delayMs: 50 },
      { id: 'r1-r2', a: 'r1', b: 'r2', bandwidthBps: 10_000_000, delayMs: 50 },
      { id: 'r2-web', a: 'r2', b: 'web', bandwidthBps: 10_000_000, delayMs: 50 },
    ],
    // A mistyped static route: each router sends Carol's packets to the other, so replies to her circle until their TTL runs out.
    routes: [
      { node: 'r1', to: 'carol', via: 'r1-r2' },
      { node: 'r2', to: 'carol', via: 'r1-r2' },
    ],
    // Erin's bookmark has the wrong port: the web server listens on 80, nothing on 8080.
    flows: [
      notesFlow('bob-notes', 'bob', '/notes/'),
      notesFlow('carol-notes', 'carol', '/notes/'),
      notesFlow('dave-notes', 'dave', '/notes'),
      notesFlow('erin-notes', 'erin', '/notes/', 8080),
    ],
    // Bob's cable is unplugged.
    faults: [{ kind: 'link-down', link: 'bob-cable', atMs: 0 }],
  } as ScenarioInput,
});

/** Level 12: the chicken shop's frying time, the errands, and how soon after ordering both must be done. */
export const CALL_LEVEL = { fryMs: 3000, errandsMs: 2000, withinMs: 4000, pollMs: 500, modes: ['sync-blocking', 'async-blocking', 'sync-nonblocking', 'async-nonblocking'] as const };

LEVELS.push({
  id: 'sender-call',
  title: 'level.call.title',
  brief: 'level.call.brief',
  objective: 'level.call.objective',
  topics: ['T15', 'T14'],
  role: { role: 'sender', node: 'me', flows: CALL_LEVEL.modes.map((_, i) => `order${i + 1}`) },
  speed: 0.25,
  deadlineMs: 60_000,
  stars: ['level.call.star2', 'level.call.star3'],
  scenario: {
    name: 'sender-call',
    seed: 15,
    durationMs: 65_000,
    nodes: [
      { id: 'me', kind: 'host' },
      {
        id: 'shop',
        kind: 'server',
        io: 'nonblocking',
        routes: [{ path: '/chicken', delayMs: CALL_LEVEL.fryMs, contentType: 'text/plain; charset=utf-8', body: 'one fried chicken, to go\n' }],
      },
    ],
    links: [{ id: 'street', a: 'me', b: 'shop', bandwidthBps: 10_000_000, delayMs: 5 }],
    // One order per way of waiting; the player places whichever they choose, as often as they like.
    flows: CALL_LEVEL.modes.map((call, i) => ({
      id: `order${i + 1}`,
      from: 'me',
      to: 'shop',
      transport: 'tcp',
      app: 'http',
      startMs: MANUAL_START_MS,
      http: { call, workMs: CALL_LEVEL.errandsMs, pollIntervalMs: CALL_LEVEL.pollMs, requests: [{ method: 'GET', path: '/chicken' }] },
    })),
  } as ScenarioInput,
});

/** Level 13: the phone's processor speed, the pages, and how soon they must all be shown. */
export const CRYPTO_LEVEL = { phoneCpuSpeed: 0.02, pages: 10, withinMs: 1000 };

/** Alice's banking app fetching her account pages: over a new TLS session each, one session, or no TLS at all. */
function accountFlow(id: string, app: 'https' | 'http', keepAlive: boolean): NonNullable<ScenarioInput['flows']>[number] {
  return {
    id,
    from: 'phone',
    to: 'bank',
    transport: 'tcp',
    app,
    startMs: MANUAL_START_MS,
    ...(app === 'https' ? { tls: { serverName: 'bank.example' } } : {}),
    http: { host: 'bank.example', keepAlive, requests: [{ method: 'GET', path: '/account', atMs: 0, repeat: CRYPTO_LEVEL.pages, everyMs: 10 }] },
  } as NonNullable<ScenarioInput['flows']>[number];
}

LEVELS.push({
  id: 'sender-crypto',
  title: 'level.crypto.title',
  brief: 'level.crypto.brief',
  objective: 'level.crypto.objective',
  topics: ['T4', 'T3'],
  role: { role: 'sender', node: 'phone', flows: ['new-session', 'one-session', 'plain-http'] },
  speed: 0.5,
  deadlineMs: 40_000,
  stars: ['level.crypto.star2', 'level.crypto.star3'],
  scenario: {
    name: 'sender-crypto',
    seed: 4,
    durationMs: 45_000,
    nodes: [
      { id: 'root-ca', kind: 'ca', name: 'Trusty Root CA' },
      // An old phone: its processor does the TLS arithmetic 50 times slower than the machine the costs were measured on.
      { id: 'phone', kind: 'host', browser: 'strict', cpuSpeed: CRYPTO_LEVEL.phoneCpuSpeed },
      { id: 'isp', kind: 'router' },
      {
        id: 'bank',
        kind: 'server',
        io: 'nonblocking',
        certificate: { issuer: 'root-ca', subject: 'bank.example' },
        routes: [{ path: '/account', body: `<!doctype html><p>Balance: 1,234.56</p><table>${'<tr><td>card payment</td><td>-12.00</td></tr>'.repeat(30)}</table>\n` }],
      },
    ],
    links: [
      { id: 'mobile', a: 'phone', b: 'isp', bandwidthBps: 20_000_000, delayMs: 2 },
      { id: 'to-bank', a: 'isp', b: 'bank', bandwidthBps: 100_000_000, delayMs: 1 },
    ],
    flows: [accountFlow('new-session', 'https', false), accountFlow('one-session', 'https', true), accountFlow('plain-http', 'http', true)],
  } as ScenarioInput,
});

/** Level 14: the upload, how soon after Start it must be done, and what earns the stars. */
export const CC_LEVEL = { fileBytes: 600_000, withinMs: 12_000, fastMs: 9_000 };

LEVELS.push({
  id: 'sender-cc',
  title: 'level.cc.title',
  brief: 'level.cc.brief',
  objective: 'level.cc.objective',
  topics: ['T9', 'T6'],
  role: { role: 'sender', node: 'laptop', flows: ['upload'] },
  speed: 0.5,
  deadlineMs: 60_000,
  stars: ['level.cc.star2', 'level.cc.star3'],
  scenario: {
    name: 'sender-cc',
    // Random loss, not a full queue, cuts the window here (a 50-packet queue never fills at 2% loss).
    // With this seed the four congestion controls finish in the textbook order: NewReno (8.8 s, no
    // timeout), Reno (9.6 s, none), AIMD without slow start (13.2 s), Tahoe back to one segment at
    // every loss (14.6 s). The loss pattern does not depend on when the player starts.
    seed: 6,
    durationMs: 60_000,
    nodes: [
      { id: 'laptop', kind: 'host' },
      { id: 'isp', kind: 'router' },
      { id: 'server', kind: 'host' },
    ],
    links: [
      { id: 'lan', a: 'laptop', b: 'isp', bandwidthBps: 10_000_000, delayMs: 5, queuePackets: 100 },
      { id: 'uplink', a: 'isp', b: 'server', bandwidthBps: 2_000_000, delayMs: 50, queuePackets: 50, loss: { 'isp->server': 0.02 } },
    ],
    flows: [
      {
        id: 'upload',
        from: 'laptop',
        to: 'server',
        transport: 'tcp',
        app: 'bulk',
        bytes: CC_LEVEL.fileBytes,
        mss: 1000,
        cc: 'reno',
        choices: { cc: ['aimd', 'tahoe', 'reno', 'newreno'] },
        startMs: MANUAL_START_MS,
      },
    ],
  },
});

/** A level's number as the player sees it: its place in LEVELS, from 1. */
export function levelNumber(level: LevelDef): number {
  return LEVELS.indexOf(level) + 1;
}

export function levelById(id: string): LevelDef | undefined {
  return LEVELS.find((l) => l.id === id);
}
