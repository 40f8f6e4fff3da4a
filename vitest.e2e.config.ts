import { defineConfig } from 'vitest/config';

// `npm run test:e2e`: the browser game in real headless Chromium (the Debian `chromium` package,
// driven by playwright-core; never a downloaded browser). One file at a time: each starts its own
// servers on fixed ports, and software rendering is slow enough without two browsers at once.
export default defineConfig({
  test: {
    include: ['test/e2e/**/*.test.ts'],
    globalSetup: ['test/e2e/global-setup.ts'],
    fileParallelism: false,
    testTimeout: 180_000,
    hookTimeout: 120_000,
  },
});
