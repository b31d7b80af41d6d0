import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestPki, lockingTokenFixture, type OpenCryptokiToken } from '@eimza/testpki';
import { baseEnv, buildCli, runCli, tempDir, type CliResult } from './harness.js';

// SoftHSM2 never locks a PIN; openCryptoki's soft token does (three wrong tries), so the lock flow runs there.
const lockingToken = lockingTokenFixture();
const { unavailable } = lockingToken;
const PIN = '246810';
const PUK = '13579135';
const WRONG = '999000';
const NEW_PIN = '864200';

let cli: { binary: string; cleanup: () => void };
let token: OpenCryptokiToken;
let work: string;
let env: NodeJS.ProcessEnv;

function eimza(args: string[], input?: string): Promise<CliResult> {
  // openCryptoki alone: loading it next to SoftHSM2 in one process is not what this test is about.
  return runCli(cli.binary, ['--no-discovery', '--module', token.modulePath, ...args], env, input);
}

function sign(pin: string): Promise<CliResult> {
  const input = join(work, 'in.txt');
  writeFileSync(input, 'kilit denemesi');
  const certId = `${token.tokenSerial}:${token.ckaId}`;
  return eimza(
    ['sign-text', '--cert', certId, '--in', input, '--out', join(work, 'out.sig'), '--pin-stdin'],
    `${pin}\n`,
  );
}

beforeAll(async () => {
  if (unavailable) return;
  cli = buildCli();
  work = tempDir('eimza-cli-lock-');
  env = baseEnv({ EIMZA_STATE_DIR: join(work, 'state') });
  token = await lockingToken.setUp({
    pki: await createTestPki(),
    label: 'EIMZA-CLI-LOCK',
    pin: PIN,
    puk: PUK,
    tckn: '10000000146',
    name: 'AHMET YILMAZ',
  });
});

afterAll(async () => {
  await lockingToken.release();
  cli?.cleanup();
});

describe.skipIf(unavailable !== undefined)(
  `PIN lockout on openCryptoki${unavailable ? ` (skipped: ${unavailable})` : ''}`,
  () => {
    it('counts down with the token flags, locks, refuses the right PIN with exit 4, and unlocks with the PUK', async () => {
      const first = await sign(WRONG);
      expect(first.code).toBe(3);
      expect(first.stderr).toContain('kalan deneme hakkı azaldı');

      const second = await sign(WRONG);
      expect(second.code).toBe(3);
      expect(second.stderr).toContain('son deneme hakkınız kaldı');

      const third = await sign(WRONG);
      expect([3, 4]).toContain(third.code);
      expect(third.stderr).toContain('PIN kilitli: `eimza pin unlock` ile PUK kullanarak açın');

      const rightButLocked = await sign(PIN);
      expect(rightButLocked.code).toBe(4);
      expect(rightButLocked.stderr).toContain('PIN kilitli');

      const listed = await eimza(['--json', 'tokens']);
      const state = JSON.parse(listed.stdout) as {
        tokens: { serial: string; userPinStatus: string }[];
      };
      expect(state.tokens.find((t) => t.serial === token.tokenSerial)?.userPinStatus).toBe(
        'locked',
      );

      const change = await eimza(['pin', 'change', '--stdin'], `${PIN}\n${NEW_PIN}\n`);
      expect(change.code).toBe(4);

      const unlocked = await eimza(['pin', 'unlock', '--stdin'], `${PUK}\n${NEW_PIN}\n`);
      expect(unlocked.stderr).toBe('');
      expect(unlocked.code).toBe(0);
      expect((await sign(NEW_PIN)).code).toBe(0);

      for (const result of [first, second, third, rightButLocked, change, unlocked]) {
        expect(result.stdout + result.stderr).not.toContain(WRONG);
        expect(result.stdout + result.stderr).not.toContain(PIN);
        expect(result.stdout + result.stderr).not.toContain(PUK);
      }
    });
  },
);
