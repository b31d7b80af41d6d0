import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build, type BuildOptions } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestTokens, TEST_TCKNS, type TestTokens } from '@eimza/testpki';

const repoRoot = join(import.meta.dirname, '..', '..', '..');
// ESM bundles of CommonJS dependencies need a `require`; pkcs11js (a native addon) stays outside the bundle.
const common: BuildOptions = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  external: ['pkcs11js'],
  banner: {
    js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
  },
  logLevel: 'error',
};

let dir: string;
let tokens: TestTokens;

beforeAll(async () => {
  tokens = await createTestTokens({
    tokens: [{ label: 'BUNDLED', keyType: 'ec-p256', tckn: TEST_TCKNS[1], name: 'AYŞE KAYA' }],
  });
  dir = mkdtempSync(join(tmpdir(), 'eimza-bundle-'));
  const entry = join(dir, 'entry.ts');
  writeFileSync(
    entry,
    `import { pino } from 'pino';
import { openTokenService } from '@eimza/token';
const lines: string[] = [];
const logger = pino({ level: 'debug' }, { write: (line: string) => void lines.push(line) });
const service = await openTokenService({ logger, explicitOnly: true, modulePaths: [process.argv[2]!] });
const [certificate] = await service.listCertificates();
const session = await service.openSigningSession(certificate!.id, process.argv[3]!);
const signature = await session.signData(new TextEncoder().encode('bundled'), { hash: 'SHA-256' });
await service.close();
const entryLine = lines.map((line) => JSON.parse(line)).find((line) => line.workerEntry);
console.log(JSON.stringify({ label: certificate!.tokenLabel, signatureBytes: signature.length, workerEntry: entryLine?.workerEntry }));
`,
  );
  symlinkSync(join(repoRoot, 'node_modules'), join(dir, 'node_modules'));
  await build({
    ...common,
    entryPoints: [entry],
    outfile: join(dir, 'app', 'main.mjs'),
    nodePaths: [join(repoRoot, 'node_modules')],
  });
  await build({
    ...common,
    entryPoints: [join(repoRoot, 'packages/token/src/worker/token-worker.ts')],
    outfile: join(dir, 'app', 'token-worker.js'),
  });
  writeFileSync(join(dir, 'app', 'package.json'), '{ "type": "module" }');
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  tokens?.cleanup();
});

describe('an esbuild bundle', () => {
  it('runs on plain node with token-worker.js shipped beside it', () => {
    const output = execFileSync(
      process.execPath,
      [join(dir, 'app', 'main.mjs'), tokens.modulePath, tokens.pin],
      {
        env: { ...process.env, SOFTHSM2_CONF: tokens.confPath, NODE_OPTIONS: '' },
        encoding: 'utf8',
      },
    );
    const result = JSON.parse(output.trim().split('\n').at(-1) ?? '{}') as {
      label: string;
      signatureBytes: number;
      workerEntry: string;
    };
    expect(result.label).toBe('BUNDLED');
    expect(result.signatureBytes).toBeGreaterThan(60);
    expect(result.workerEntry).toBe(`file://${join(dir, 'app', 'token-worker.js')}`);
  });
});
