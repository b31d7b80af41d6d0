#!/usr/bin/env node
// `npm start`: the main job on a fresh machine. Installs what is missing, provisions the
// SoftHSM2 demo tokens into the state folder (idempotent), then shows them through the
// `eimza` CLI, the piece that exists today.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bootstrap } from './bootstrap.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const tsx = join(root, 'node_modules', '.bin', 'tsx');

function step(args) {
  const result = spawnSync(tsx, args, { cwd: root, stdio: 'inherit', env: process.env });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

try {
  bootstrap('start');
} catch (error) {
  process.stderr.write(`${error.message}\n`);
  process.exit(1);
}

step(['packages/testpki/src/bin/token-init.ts']);
step(['apps/cli/src/main.ts', 'tokens']);
step(['apps/cli/src/main.ts', 'certs']);
process.stdout.write(
  '\nDemo tokens are ready (user PIN 123456, PUK 12345678: test values).\n' +
    'Try: npm run eimza -- sign-text --cert <id from above> --in README.md --out /tmp/readme.sig\n',
);
