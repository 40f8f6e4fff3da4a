import { defineConfig } from 'vitest/config';

// `npm run test:redis`: the scale-out test. It starts a real redis-server (Debian package
// `redis-server`, on port 6390) and two game server processes (ports 2582 and 2583), so it is not
// part of `npm test`.
export default defineConfig({
  test: {
    root: new URL('../..', import.meta.url).pathname,
    include: ['test/redis/**/*.test.ts'],
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
