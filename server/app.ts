// Builds the game server: Colyseus with the classroom room, the WebSocket transport with its
// message-size limit, in-process presence or Redis when scaled out, the session store, and the HTTP
// routes on the same port.

import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { defineRoom, defineServer, type Server } from '@colyseus/core';
import { Encoder } from '@colyseus/schema';
import { WebSocketTransport } from '@colyseus/ws-transport';
import type { Logger } from 'pino';
import { LIMITS, ROOM_NAME } from '../shared/messages/classroom-messages.ts';
import type { ServerConfig } from './config.ts';
import { setServerContext } from './context.ts';
import { joinAddresses } from './http/join-addresses.ts';
import { mountRoutes } from './http/routes.ts';
import { colyseusLogger } from './log.ts';
import { SessionStore } from './persistence/session-store.ts';
import { ClassroomRoom } from './rooms/classroom-room.ts';
import { selectLeastBusyProcess } from './rooms/placement.ts';

export interface GameServer {
  server: Server;
  store: SessionStore;
  config: ServerConfig;
  listen(): Promise<void>;
  /** The port actually bound (useful when the configured port is 0: any free port). */
  boundPort(): number;
  /** The page addresses students open (http/join-addresses.ts). */
  joinAddresses(): string[];
  /** Close every room (results are written), the transport and the store; the process may exit afterwards. */
  close(): Promise<void>;
}

export async function buildServer(config: ServerConfig, log: Logger, opts: { gracefulSignals?: boolean } = {}): Promise<GameServer> {
  // A full state of a busy room is larger than schema's 8 KB default buffer.
  Encoder.BUFFER_SIZE = 256 * 1024;
  const store = new SessionStore(join(config.dataDir, 'packetplay.sqlite'));
  setServerContext({ store, log, maxRooms: config.maxRooms });

  let presence;
  let driver;
  if (config.redisUrl !== undefined) {
    const { RedisPresence } = await import('@colyseus/redis-presence');
    const { RedisDriver } = await import('@colyseus/redis-driver');
    presence = new RedisPresence(config.redisUrl);
    driver = new RedisDriver(config.redisUrl);
  }

  // Both run only once the server exists (on a request, or after listen).
  const boundPort = (): number => {
    const address = (server.transport as unknown as { server?: { address(): AddressInfo | string | null } }).server?.address();
    return typeof address === 'object' && address !== null ? address.port : config.port;
  };
  const studentAddresses = (): string[] => joinAddresses({ host: config.host, port: boundPort(), publicAddress: config.publicAddress });
  const server = defineServer({
    rooms: { [ROOM_NAME]: defineRoom(ClassroomRoom) },
    transport: new WebSocketTransport({ maxPayload: LIMITS.messageBytes, pingInterval: 3000, pingMaxRetries: 3 }),
    express: (app) => mountRoutes(app, { store, clientDist: join(config.clientDir, 'dist'), monitorPassword: config.monitorPassword, joinAddresses: studentAddresses }),
    presence,
    driver,
    // Only scaled out does placement matter; one process places every room on itself.
    ...(config.redisUrl !== undefined ? { selectProcessIdToCreateRoom: selectLeastBusyProcess } : {}),
    publicAddress: config.publicAddress,
    logger: colyseusLogger(log),
    greet: false,
    gracefullyShutdown: opts.gracefulSignals ?? false,
  });
  server.onShutdown(() => store.close());

  return {
    server,
    store,
    config,
    listen: () => server.listen(config.port, config.host),
    boundPort,
    joinAddresses: studentAddresses,
    close: async () => {
      await server.gracefullyShutdown(false);
      store.close();
    },
  };
}
