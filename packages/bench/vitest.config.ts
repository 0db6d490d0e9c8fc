import { defineConfig } from 'vitest/config';

// Fast checks of the bench's own code: no processes (the benchmark itself is `npm run bench`).
export default defineConfig({ test: { include: ['test/**/*.test.ts'] } });
