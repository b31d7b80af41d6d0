#!/usr/bin/env node
// `npm start`: the demo on a fresh machine. Installs what is missing, provisions the SoftHSM2 demo
// tokens into the state folder (idempotent), then runs the API in the foreground: embedded SQLite,
// the portal pages, and the test PKI's OCSP/CRL/TSA in the same process. Ctrl-C or SIGTERM stops
// everything it started.
import { spawn, spawnSync } from 'node:child_process';
import { request } from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bootstrap } from './bootstrap.mjs';

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
api.on('exit', (code, signal) => {
  exited = true;
  process.exit(code ?? (signal ? 0 : 1));
});
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => {
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
} else if (!exited) {
  process.stderr.write(`The API did not become ready at ${portal} in time; stopping it.\n`);
  api.kill('SIGTERM');
}
