import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { assertChromium } from '@vip-presence/test-kit';

/**
 * Builds the package (ESM for the webpack test, the IIFE for the others) from the current
 * sources, and checks what the tests need from outside this package.
 */
export default function setup(): void {
  assertChromium();
  try {
    createRequire(import.meta.url).resolve('@vip-presence/server');
  } catch {
    throw new Error(
      '@vip-presence/server is not built: run "npm run build -w @vip-presence/server"',
    );
  }
  const root = fileURLToPath(new URL('../../../', import.meta.url));
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], {
    cwd: root,
    stdio: 'inherit',
  });
  execFileSync(process.execPath, ['support/bundle.mjs'], { cwd: root, stdio: 'inherit' });
}
