#!/usr/bin/env node
// `npm start`: the demo on a fresh machine. Installs what is missing, provisions the SoftHSM2 demo
// tokens into the state folder (idempotent), then runs the API in the foreground: embedded SQLite,
// the portal pages, and the test PKI's OCSP/CRL/TSA in the same process. Once the API is ready it
// opens the desktop app pointed at it, where an Electron binary and a display exist (building it
// first if its sources changed); elsewhere it says why in one line and the CLI signs instead.
// Ctrl-C or SIGTERM stops everything it started.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { request } from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bootstrap } from './bootstrap.mjs';
import { displayAvailable, electronBinary, installElectronBinary } from './electron-binary.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const tsx = join(root, 'node_modules', '.bin', 'tsx');
const READY_TIMEOUT_MS = 60_000;

function step(args) {
  const result = spawnSync(tsx, args, {
    cwd: root,
    stdio: ['ignore', 'inherit', 'inherit'],
    env: process.env,
  });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

/** Resolves once GET /readyz answers 200; false if `stopped()` turns true or time runs out. */
async function waitReady(url, stopped) {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline && !stopped()) {
    const status = await new Promise((resolve) => {
      const req = request(`${url}readyz`, { timeout: 2000 }, (res) => {
        res.resume();
        resolve(res.statusCode);
      });
      req.on('error', () => resolve(0));
      req.on('timeout', () => req.destroy());
      req.end();
    });
    if (status === 200) return true;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return false;
}

try {
  bootstrap('start');
} catch (error) {
  process.stderr.write(`${error.message}\n`);
  process.exit(1);
}

step(['packages/testpki/src/bin/token-init.ts']);
step(['apps/cli/src/main.ts', 'tokens']);

const host = process.env.HOST?.trim() || '127.0.0.1';
const port = process.env.PORT?.trim() || '8080';
const portal = `http://${host}:${port}/`;
// The CLI talks to http://127.0.0.1:8080 unless told otherwise.
const apiFlag = portal === 'http://127.0.0.1:8080/' ? '' : ` --api ${portal.slice(0, -1)}`;
// One Node process (tsx as a loader, not a wrapper), so a signal reaches the server itself.
const api = spawn(process.execPath, ['--import', 'tsx', 'apps/api/src/server.ts'], {
  cwd: root,
  stdio: ['ignore', 'inherit', 'inherit'],
  env: { LOG_LEVEL: 'warn', ...process.env },
});
let exited = false;
let desktop;
api.on('exit', (code, signal) => {
  exited = true;
  if (desktop && desktop.exitCode === null && desktop.signalCode === null) desktop.kill('SIGTERM');
  process.exit(code ?? (signal ? 0 : 1));
});
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => {
    if (desktop && desktop.exitCode === null) desktop.kill('SIGTERM');
    if (!exited) api.kill(signal === 'SIGHUP' ? 'SIGTERM' : signal);
  });
}

if (await waitReady(portal, () => exited)) {
  process.stdout.write(
    `\neimza is running.\n` +
      `  Portal:       ${portal}\n` +
      `  SMS outbox:   ${portal}dev/sms-outbox (development only)\n` +
      `  API:          ${portal}api/v1 (OpenAPI: ${portal}api/v1/openapi.json)\n\n` +
      `Sign in on the portal with T.C. Kimlik No 10000000146 (AHMET YILMAZ, token EIMZA-RSA)\n` +
      `or 12345678950 (AYŞE KAYA, token EIMZA-EC), then sign the code it shows:\n` +
      `  npm run eimza -- sign --code <code>${apiFlag}\n` +
      `  npm run eimza -- tokens\n` +
      `Demo PIN 123456, PUK 12345678 (test values). Ctrl-C stops everything.\n\n`,
  );
  desktop = startDesktop(portal.slice(0, -1));
} else if (!exited) {
  process.stderr.write(`The API did not become ready at ${portal} in time; stopping it.\n`);
  api.kill('SIGTERM');
}

/** Newest modification time of the files under `dir` (0 when it does not exist). */
function newest(dir) {
  if (!existsSync(dir)) return 0;
  let latest = 0;
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) {
      latest = Math.max(latest, statSync(join(entry.parentPath, entry.name)).mtimeMs);
    }
  }
  return latest;
}

/** The desktop app needs building when an output is missing or older than any source it bundles. */
function desktopBuildNeeded() {
  const outputs = ['main/index.cjs', 'preload/index.cjs', 'renderer/index.html'].map((file) =>
    join(root, 'apps', 'desktop', 'dist', file),
  );
  if (!outputs.every((file) => existsSync(file))) return true;
  const built = Math.min(...outputs.map((file) => statSync(file).mtimeMs));
  const sources = [
    join(root, 'apps', 'desktop', 'src'),
    join(root, 'resources'),
    ...readdirSync(join(root, 'packages')).map((name) => join(root, 'packages', name, 'src')),
  ];
  return sources.some((dir) => newest(dir) > built);
}

/** Opens the desktop app on the running API, or says in one line why no window opens. */
function startDesktop(apiUrl) {
  let binary = electronBinary();
  // npm installs skip the binary (bootstrap.mjs); where the internet is reachable it comes now,
  // unless the user asked to skip it.
  if (binary.reason && !process.env.ELECTRON_SKIP_BINARY_DOWNLOAD && displayAvailable()) {
    if (installElectronBinary()) binary = electronBinary();
  }
  const reason =
    binary.reason ??
    (displayAvailable() ? undefined : 'no display (DISPLAY or WAYLAND_DISPLAY is not set)');
  if (reason) {
    process.stdout.write(`No desktop window: ${reason}. Sign with the eimza command above.\n`);
    return undefined;
  }
  if (desktopBuildNeeded()) {
    process.stdout.write('Building the desktop app…\n');
    const built = spawnSync(process.execPath, [join(root, 'apps', 'desktop', 'build.mjs')], {
      cwd: root,
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    if (built.status !== 0) {
      process.stdout.write(
        'No desktop window: its build failed. Sign with the eimza command above.\n',
      );
      return undefined;
    }
  }
  const child = spawn(binary.path, [join(root, 'apps', 'desktop')], {
    cwd: root,
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...process.env, EIMZA_API_URL: apiUrl },
  });
  process.stdout.write(
    `Desktop app:  opened (API ${apiUrl}). Closing it leaves the API running.\n`,
  );
  child.on('error', (error) =>
    process.stdout.write(
      `No desktop window: ${error.message}. Sign with the eimza command above.\n`,
    ),
  );
  return child;
}
