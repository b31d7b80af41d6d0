#!/usr/bin/env node
// `npm test`: installs what is missing, typechecks, lints, runs every suite, and ends with
// the one summary line CI reads: `N passed, N failed, N skipped` over all suites.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bootstrap } from './bootstrap.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const resultsDir = join(root, 'test-results');
mkdirSync(resultsDir, { recursive: true });

function run(label, command, args) {
  process.stderr.write(`\n=== ${label}\n`);
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', env: process.env });
  return result.status === 0;
}

/** Counts from a vitest JSON report (the Jest-compatible format). */
function vitestCounts(file) {
  const report = JSON.parse(readFileSync(file, 'utf8'));
  const skippedNames = [];
  for (const suite of report.testResults ?? []) {
    for (const test of suite.assertionResults ?? []) {
      if (test.status === 'pending' || test.status === 'skipped' || test.status === 'todo') {
        skippedNames.push(test.fullName ?? test.title);
      }
    }
    // A file that fails to load has no assertions but must count as a failure.
    if ((suite.assertionResults ?? []).length === 0 && suite.status === 'failed') {
      report.numFailedTests = (report.numFailedTests ?? 0) + 1;
    }
  }
  return {
    passed: report.numPassedTests ?? 0,
    failed: report.numFailedTests ?? 0,
    skipped: (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0),
    skippedNames,
  };
}

try {
  bootstrap('test');
} catch (error) {
  process.stderr.write(`${error.message}\n`);
  process.exit(1);
}

const gates = [
  ['typecheck', 'npx', ['tsc', '-b']],
  ['lint', 'npx', ['eslint', '.']],
  ['format', 'npx', ['prettier', '--check', '.']],
];
const failedGates = gates
  .filter(([label, command, args]) => !run(label, command, args))
  .map(([l]) => l);

const vitestJson = join(resultsDir, 'vitest.json');
const vitestOk = run('vitest', 'npx', [
  'vitest',
  'run',
  '--reporter=default',
  '--reporter=json',
  `--outputFile.json=${vitestJson}`,
]);

const totals = { passed: 0, failed: 0, skipped: 0 };
const suites = [];
if (existsSync(vitestJson)) suites.push(['vitest', vitestCounts(vitestJson)]);
for (const [name, counts] of suites) {
  totals.passed += counts.passed;
  totals.failed += counts.failed;
  totals.skipped += counts.skipped;
  for (const skipped of counts.skippedNames)
    process.stdout.write(`skipped (${name}): ${skipped}\n`);
}
if (!vitestOk && totals.failed === 0) totals.failed += 1; // vitest itself failed (config, crash, unhandled error)
for (const gate of failedGates) process.stdout.write(`gate failed: ${gate}\n`);

process.stdout.write(
  `${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped\n`,
);
process.exit(totals.failed > 0 || failedGates.length > 0 ? 1 : 0);
