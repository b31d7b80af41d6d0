import { defineConfig } from 'vitest/config';

// Every test file runs in its own process: PKCS#11 modules keep process-wide state
// (SOFTHSM2_CONF is read once at C_Initialize), so files must not share one.
export default defineConfig({
  test: {
    include: [
      'packages/*/src/**/*.test.ts',
      'packages/*/test/**/*.test.ts',
      'apps/*/src/**/*.test.ts',
      'apps/*/test/**/*.test.ts',
      'test/**/*.test.ts',
    ],
    pool: 'forks',
    isolate: true,
    testTimeout: 60_000,
    hookTimeout: 120_000,
    maxWorkers: 2,
  },
});
