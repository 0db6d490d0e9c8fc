/**
 * Vitest's `test` options for a package whose tests start real processes (redis-server, a Cluster,
 * server executables): one file at a time, since two cores are shared, and time for a process to
 * start. `vitest.config.ts`: `defineConfig({ test: { ...REAL_PROCESS_TEST_OPTIONS } })`.
 */
export const REAL_PROCESS_TEST_OPTIONS = Object.freeze({
  include: ['test/**/*.test.ts'],
  testTimeout: 20_000,
  hookTimeout: 20_000,
  fileParallelism: false,
});
