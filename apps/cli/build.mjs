// Bundles the CLI into dist/: one ESM file per entry point, workspace packages inlined, native PKCS#11 bindings
// left to node_modules (they cannot be bundled).
import { build } from 'esbuild';
import { chmodSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');

// The token layer starts its PKCS#11 worker from `token-worker.js` beside its own module, which in the bundle is
// dist/eimza.js: so the worker is a second entry point written next to it.
const entryPoints = {
  eimza: join(here, 'src', 'main.ts'),
  'token-worker': join(root, 'packages', 'token', 'src', 'worker', 'token-worker.ts'),
};
// Tests build into their own folder (`--outdir`) so that parallel test files never run a half-written bundle.
const { values } = parseArgs({ options: { outdir: { type: 'string' } } });
const outdir = values.outdir ?? join(here, 'dist');

await build({
  entryPoints,
  outdir,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  external: ['pkcs11js', 'graphene-pk11'],
  // Bundled CommonJS dependencies (pino, commander) call require(); ESM output has none of its own.
  banner: {
    js: "#!/usr/bin/env node\nimport { createRequire as __eimzaCreateRequire } from 'node:module';\nconst require = __eimzaCreateRequire(import.meta.url);",
  },
  logLevel: 'warning',
  legalComments: 'none',
  absWorkingDir: root,
});
chmodSync(join(outdir, 'eimza.js'), 0o755);
