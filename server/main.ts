// `npm start`: one process on http://localhost:2567 (PORT to change) serving the browser client and
// the game server. Builds the client first when its build is missing or stale. Settings come from
// the environment (server/config.ts, README "Running the server").

import { join } from 'node:path';
import { buildServer } from './app.ts';
import { ensureClientBuilt } from './client-build.ts';
import { configFromEnv } from './config.ts';
import { createLogger } from './log.ts';

const config = configFromEnv();
const log = createLogger(config.logLevel);

process.on('unhandledRejection', (err) => log.error({ err }, 'unhandled rejection'));

await ensureClientBuilt(config.clientDir, join(config.clientDir, '..', 'shared'), log);
// Signals (Ctrl-C, SIGTERM) close every room first, so each session's results are written.
const game = await buildServer(config, log, { gracefulSignals: true });
await game.listen();
log.info(
  { port: config.port, host: config.host, dataDir: config.dataDir, redis: config.redisUrl !== undefined, publicAddress: config.publicAddress, monitor: config.monitorPassword !== undefined },
  `PacketPlay server listening on http://localhost:${config.port}`,
);
const students = game.joinAddresses();
log.info(
  { urls: students },
  students.length > 0
    ? `students on this network open ${students.join(' or ')}`
    : 'no network address other machines can reach was found: students cannot join from their own machines',
);
