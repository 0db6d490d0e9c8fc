import { defineConfig } from 'vitest/config';
import { REAL_PROCESS_TEST_OPTIONS } from '@vip-presence/test-kit';

export default defineConfig({ test: { ...REAL_PROCESS_TEST_OPTIONS } });
