// The HTTP side of the server (docs/protocol.md, "HTTP routes"): health, the addresses students
// open, the built-in scenario list, results downloads for the host, the browser client, and — only
// with a password — the Colyseus monitor.

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { replayScenario } from '../../shared/scenario/replay.ts';
import express, { type Application, type Request, type Response } from 'express';
import { basicAuth, matchMaker } from '@colyseus/core';
import { monitor } from '@colyseus/monitor';
import { isJoinCode } from '../rooms/join-code.ts';
import { builtinScenarios } from '../scenarios/classroom-scenarios.ts';
import type { SessionStore } from '../persistence/session-store.ts';
import { CSV_TABLES, resultsCsv, type CsvTable } from '../persistence/results-format.ts';
import { tickStats } from '../metrics.ts';

export interface RouteOptions {
  store: SessionStore;
  clientDist: string;
  monitorPassword: string | undefined;
  /** The page addresses students open (join-addresses.ts), worked out once the server listens. */
  joinAddresses: () => string[];
}

const NOT_BUILT_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>PacketPlay server</title></head>
<body><h1>PacketPlay</h1><p>The game server is running, but the browser client is not built yet.</p>
<p>게임 서버는 실행 중이지만 브라우저 클라이언트가 아직 빌드되지 않았습니다.</p></body></html>
`;

/** The host token, from `Authorization: Bearer …` or (for a plain download link) `?token=`. */
function tokenOf(req: Request): string | undefined {
  const auth = req.headers.authorization;
  if (typeof auth === 'string' && auth.startsWith('Bearer ')) return auth.slice(7).trim();
  const q = req.query.token;
  return typeof q === 'string' && q.length > 0 && q.length <= 200 ? q : undefined;
}

export function mountRoutes(app: Application, opts: RouteOptions): void {
  app.disable('x-powered-by');

  app.get('/healthz', (_req, res) => {
    res.set('cache-control', 'no-store');
    res.json({ status: 'ok', rooms: matchMaker.stats.local.roomCount, clients: matchMaker.stats.local.ccu, ticks: tickStats() });
  });

  app.get('/api/join-addresses', (_req, res) => {
    res.set('cache-control', 'no-store');
    res.json({ urls: opts.joinAddresses() });
  });

  app.get('/api/scenarios', (_req, res) => {
    res.json(
      builtinScenarios().map((b) => ({
        id: b.id,
        name: b.name,
        description: b.description,
        i18n: b.i18n,
        seats: b.seats,
        nodes: b.scenario.nodes.length,
        flows: b.scenario.flows.length,
        durationMs: b.scenario.durationMs,
      })),
    );
  });

  /** A session's code and host token from a request for its results, or null once the answer says what is missing. */
  const hostRequest = (req: Request, res: Response): { code: string; token: string } | null => {
    res.set('cache-control', 'no-store');
    const code = String(req.params.code ?? '').toUpperCase();
    if (!isJoinCode(code)) {
      res.status(404).json({ error: 'not a join code' });
      return null;
    }
    const token = tokenOf(req);
    if (token === undefined) {
      res.status(401).set('www-authenticate', 'Bearer').json({ error: 'the host token is required (Authorization: Bearer <token>)' });
      return null;
    }
    return { code, token };
  };

  const results = (format: 'json' | 'csv') => (req: Request, res: Response) => {
    const asked = hostRequest(req, res);
    if (asked === null) return;
    const { code, token } = asked;
    const found = opts.store.lookup(code, token);
    if (!found.ok) {
      res.status(found.status).json({ error: found.status === 404 ? `no session with code ${code}` : 'that is not the host token of this session' });
      return;
    }
    if (format === 'json') {
      res.attachment(`packetplay-${code}.json`).json(found.results);
      return;
    }
    const table = (req.query.table ?? 'players') as string;
    if (!(CSV_TABLES as readonly string[]).includes(table)) {
      res.status(400).json({ error: `table must be one of ${CSV_TABLES.join(', ')}` });
      return;
    }
    res
      .type('text/csv; charset=utf-8')
      .attachment(`packetplay-${code}-${table}.csv`)
      // A byte-order mark so spreadsheet programs read Korean names as UTF-8.
      .send('\ufeff' + resultsCsv(found.results, table as CsvTable));
  };
  app.get('/api/sessions/:code/results.json', results('json'));
  // A round of the session as a scenario file that plays it again (docs/scenario.md, "Replays").
  app.get('/api/sessions/:code/replay.json', (req: Request, res: Response) => {
    const asked = hostRequest(req, res);
    if (asked === null) return;
    const { code, token } = asked;
    const roundParam = req.query.round;
    const round = roundParam === undefined ? undefined : Number(roundParam);
    if (round !== undefined && !(Number.isSafeInteger(round) && round >= 1)) {
      res.status(400).json({ error: 'round must be a round number (1, 2, ...)' });
      return;
    }
    const found = opts.store.lookupReplay(code, token, round);
    if (!found.ok) {
      const what = found.status === 403 ? 'that is not the host token of this session' : round === undefined ? `no session with code ${code}` : `session ${code} has no round ${round}`;
      res.status(found.status).json({ error: what });
      return;
    }
    const file = replayScenario(found.replay.source, found.replay);
    if (file === null) {
      res.status(404).json({ error: `round ${found.replay.round} of session ${code} has not run yet: there is nothing to replay` });
      return;
    }
    res.attachment(`packetplay-${code}-round${found.replay.round}.json`).json(file);
  });
  app.get('/api/sessions/:code/results.csv', results('csv'));

  if (opts.monitorPassword !== undefined) {
    app.use('/monitor', monitor({ use: [basicAuth({ users: { admin: opts.monitorPassword } })] }) as unknown as express.RequestHandler);
  }

  if (existsSync(join(opts.clientDist, 'index.html'))) {
    app.use(express.static(opts.clientDist, { index: 'index.html', maxAge: '1h', setHeaders: noCacheHtml }));
  } else {
    app.get('/', (_req, res) => {
      res.type('html').send(NOT_BUILT_PAGE);
    });
  }
}

/** index.html must never be cached, or a rebuilt client would not reach the class. */
function noCacheHtml(res: Response, path: string): void {
  if (path.endsWith('.html')) res.setHeader('cache-control', 'no-cache');
}
