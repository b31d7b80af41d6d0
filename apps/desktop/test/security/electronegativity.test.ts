import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

// Doyensec's Electron static analyser over the desktop sources (main, preload, renderer, services).
// It cannot reach the network here to learn Electron's defaults, so it is told the installed version.
const ROOT = join(import.meta.dirname, '..', '..', '..', '..');
const BIN = join(ROOT, 'node_modules', '.bin', 'electronegativity');
const ELECTRON_VERSION = (
  JSON.parse(readFileSync(join(ROOT, 'node_modules', 'electron', 'package.json'), 'utf8')) as {
    version: string;
  }
).version;

interface Finding {
  check: string;
  severity: string;
  confidence: string;
  file: string;
  location: string;
}

const work = mkdtempSync(join(tmpdir(), 'eimza-electronegativity-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

// It waits for its (failing) release and translation downloads: the two scans run side by side.
async function scan(input: string, name: string): Promise<Finding[]> {
  const output = join(work, `${name}.csv`);
  await promisify(execFile)(BIN, ['-i', input, '-e', ELECTRON_VERSION, '-r', '-o', output], {
    timeout: 90_000,
  });
  return readFileSync(output, 'utf8')
    .split('\n')
    .slice(1)
    .map((line) => /^([A-Z_]+),"(\w+)","(\w+)","([^"]*)","([^"]*)"/.exec(line))
    .filter((match): match is RegExpExecArray => match !== null)
    .map(([, check, severity, confidence, file, location]) => ({
      check: check!,
      severity: severity!,
      confidence: confidence!,
      file: file!,
      location: location!,
    }));
}

describe.concurrent('electronegativity', () => {
  it('finds the usual HIGH issues in an insecure app (the scanner works here)', async () => {
    const bad = join(work, 'insecure');
    mkdirSync(bad);
    writeFileSync(
      join(bad, 'main.js'),
      "const { BrowserWindow } = require('electron');\n" +
        'const w = new BrowserWindow({ webPreferences: { nodeIntegration: true, contextIsolation: false } });\n' +
        "w.loadURL('https://example.com');\n",
    );
    const checks = (await scan(bad, 'insecure'))
      .filter((finding) => finding.severity === 'HIGH')
      .map((finding) => finding.check);
    expect(checks).toEqual(
      expect.arrayContaining(['CONTEXT_ISOLATION_JS_CHECK', 'LIMIT_NAVIGATION_GLOBAL_CHECK']),
    );
  }, 120_000);

  it('reports no HIGH finding on apps/desktop/src', async () => {
    const findings = await scan(join(ROOT, 'apps', 'desktop', 'src'), 'desktop');
    expect(findings.length).toBeGreaterThan(0);
    expect(findings.filter((finding) => finding.severity === 'HIGH')).toEqual([]);
  }, 120_000);
});
