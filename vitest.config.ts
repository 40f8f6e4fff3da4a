import { defineConfig } from 'vitest/config';

// `npm test`: the engine's unit and property tests, and (once it exists) the game server's
// integration tests. Server tests bind real ports, so their files run one at a time. Browser tests
// (test/e2e) and the Redis scale-out test have their own commands: they need Chromium / redis-server.
export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 30_000,
    exclude: ['**/node_modules/**', 'test/e2e/**', 'test/redis/**'],
    projects: [
      { test: { name: 'engine', include: ['test/engine/**/*.test.ts', 'test/scenario/**/*.test.ts', 'test/tools/**/*.test.ts'] } },
      { test: { name: 'server', include: ['test/server/**/*.test.ts'], fileParallelism: false } },
      { test: { name: 'client', include: ['test/client/**/*.test.ts'], environment: 'node' } },
    ],
  },
});
