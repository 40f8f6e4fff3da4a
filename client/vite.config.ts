// The browser game's build. `npm start` (the game server) builds it when stale with
// `vite build --config client/vite.config.ts` and serves client/dist; `npm run dev` serves it with hot
// reload and proxies the game server (HTTP matchmaking and the room WebSockets) under /colyseus, so
// the page and the server share one origin in development as they do in production.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const clientRoot = fileURLToPath(new URL('.', import.meta.url));
const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const gameServer = process.env.GAME_SERVER_URL ?? 'http://127.0.0.1:2567';

export default defineConfig({
  root: clientRoot,
  base: './',
  publicDir: false,
  server: {
    host: '127.0.0.1',
    port: Number(process.env.CLIENT_PORT ?? 5173),
    // The client imports the engine and the message schemas from ../shared.
    fs: { allow: [repoRoot] },
    proxy: {
      '/colyseus': {
        target: gameServer,
        ws: true,
        changeOrigin: true,
        rewrite: (path) => path.replace(/^\/colyseus/, ''),
      },
    },
  },
  preview: { host: '127.0.0.1', port: Number(process.env.CLIENT_PORT ?? 4173), strictPort: true },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // Phaser alone is about 1.2 MB minified; one chunk is what the game loads anyway.
    chunkSizeWarningLimit: 2500,
  },
});
