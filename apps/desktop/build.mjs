// Builds the desktop app into dist/: the main process (dist/main/index.cjs, CommonJS as Electron's
// main entry expects, with the token layer's worker beside it), the sandboxed preload
// (dist/preload/index.cjs, self-contained: a sandboxed preload can require only 'electron'), the
// card catalogue, then the renderer with Vite (dist/renderer).
//   node build.mjs [--outdir DIR] [--skip-renderer]
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');

// Native PKCS#11 bindings cannot be bundled; electron-builder rebuilds them for Electron's ABI.
const NATIVE = ['pkcs11js', 'graphene-pk11'];

// The workspace packages locate files relative to `import.meta.url` (the token worker beside the
// bundle). CommonJS has none, so it is defined from __filename. Inside an installed app the bundle
// sits in app.asar, but the worker must start from the unpacked copy (asarUnpack in
// electron-builder.yml): worker threads cannot read from the archive.
const IMPORT_META_URL =
  "const __eimzaImportMetaUrl = require('node:url').pathToFileURL(" +
  "__filename.replace(/app\\.asar([\\\\/])/, 'app.asar.unpacked$1')).href;";

const common = {
  bundle: true,
  platform: 'node',
  target: 'node22',
  logLevel: 'warning',
  legalComments: 'none',
  absWorkingDir: root,
};

/** The main-process bundle: `entry` → `<outdir>/index.cjs`. */
export function buildMain(entry, outdir) {
  return build({
    ...common,
    entryPoints: { index: entry },
    outdir,
    outExtension: { '.js': '.cjs' },
    format: 'cjs',
    external: ['electron', ...NATIVE],
    define: { 'import.meta.url': '__eimzaImportMetaUrl' },
    banner: { js: IMPORT_META_URL },
  });
}

/**
 * The token layer's PKCS#11 worker, an ES module like the CLI's, with a package.json saying so
 * beside it: in an installed app it runs from app.asar.unpacked, where no other package.json is.
 */
export async function buildTokenWorker(outdir) {
  const result = await build({
    ...common,
    entryPoints: {
      'token-worker': join(root, 'packages', 'token', 'src', 'worker', 'token-worker.ts'),
    },
    outdir,
    format: 'esm',
    external: NATIVE,
    banner: {
      js: "import { createRequire as __eimzaCreateRequire } from 'node:module';\nconst require = __eimzaCreateRequire(import.meta.url);",
    },
  });
  writeFileSync(join(outdir, 'package.json'), '{ "type": "module" }\n');
  return result;
}

function buildPreload(outdir) {
  return build({
    ...common,
    entryPoints: { index: join(here, 'src', 'preload', 'index.ts') },
    outdir,
    outExtension: { '.js': '.cjs' },
    format: 'cjs',
    target: 'chrome130',
    external: ['electron'],
  });
}

function buildRenderer(outdir) {
  const vite = spawnSync(
    process.execPath,
    [
      join(root, 'node_modules', 'vite', 'bin', 'vite.js'),
      'build',
      '--outDir',
      outdir,
      '--emptyOutDir',
    ],
    { cwd: here, stdio: 'inherit' },
  );
  if (vite.status !== 0) process.exit(vite.status ?? 1);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { values } = parseArgs({
    options: { outdir: { type: 'string' }, 'skip-renderer': { type: 'boolean' } },
  });
  const outdir = values.outdir ?? join(here, 'dist');
  await buildMain(join(here, 'src', 'main', 'index.ts'), join(outdir, 'main'));
  await buildTokenWorker(join(outdir, 'main'));
  await buildPreload(join(outdir, 'preload'));
  mkdirSync(join(outdir, 'resources'), { recursive: true });
  copyFileSync(join(root, 'resources', 'cards.json'), join(outdir, 'resources', 'cards.json'));
  if (!values['skip-renderer']) buildRenderer(join(outdir, 'renderer'));
}
