/**
 * Rewrites the "Figures" table of packages/bench/README.md from a run's results:
 *
 *   node packages/bench/dist/readme-table.js [results.json]   default results/latest.json
 *   node packages/bench/dist/readme-table.js --check          exit 1 if the README is out of date
 *
 * A full `npm run bench` does the same after writing results/latest.json.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { BENCH_DIR, RESULTS_DIR } from './procs.js';
import { extractFigures, figuresSection, writeReadmeFigures } from './readme-figures.js';

const { values, positionals } = parseArgs({
  options: { check: { type: 'boolean', default: false } },
  allowPositionals: true,
});
const results = positionals[0]
  ? resolve(process.env.INIT_CWD ?? process.cwd(), positionals[0])
  : join(RESULTS_DIR, 'latest.json');
const readme = join(BENCH_DIR, 'README.md');

if (values.check) {
  const same = extractFigures(readFileSync(readme, 'utf8')) === (await figuresSection(results));
  process.stdout.write(same ? 'README figures match\n' : `README figures differ from ${results}\n`);
  process.exit(same ? 0 : 1);
} else {
  const changed = await writeReadmeFigures(results, readme);
  process.stdout.write(`${readme}: ${changed ? 'figures rewritten' : 'already up to date'}\n`);
}
