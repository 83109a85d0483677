import { defineConfig } from 'vitest/config';

// Four projects: unit (pure logic), integration (a real nats-server), e2e (headless Chromium
// against `switchboard serve`), faults (`npm run test:faults`). All but unit start real processes on
// random ports and spawn the built CLI: their globalSetup rebuilds dist/ first when a source is newer (global-build.ts).
const build = ['test/helpers/global-build.ts'];
// expect.poll waits for what a real process or page does next: 1 s (vitest's default) is too short
// on a loaded 2-core machine (a page still loading its file); a poll that passes returns at once.
const POLL = { timeout: 10_000, interval: 50 };
export default defineConfig({
  test: {
    projects: [
      { test: { name: 'unit', include: ['test/unit/**/*.test.ts'], environment: 'node' } },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          environment: 'node',
          globalSetup: build,
          testTimeout: 30_000,
          hookTimeout: 30_000,
          expect: { poll: POLL },
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          environment: 'node',
          globalSetup: build,
          testTimeout: 60_000,
          hookTimeout: 60_000,
          fileParallelism: false,
          expect: { poll: POLL },
        },
      },
      {
        // `npm run test:faults` (and .ci/run): kills, storms and hostile inputs, bounded to loopback
        // and to minutes; not part of `npm test`.
        test: {
          name: 'faults',
          include: ['test/faults/**/*.test.ts'],
          environment: 'node',
          globalSetup: build,
          testTimeout: 180_000,
          hookTimeout: 60_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
