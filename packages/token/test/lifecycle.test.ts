import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestTokens, TEST_TCKNS, type TestTokens } from '@eimza/testpki';

let tokens: TestTokens;

beforeAll(async () => {
  tokens = await createTestTokens({
    tokens: [{ label: 'LIFECYCLE', keyType: 'ec-p256', tckn: TEST_TCKNS[1], name: 'AYŞE KAYA' }],
  });
});

afterAll(() => {
  tokens?.cleanup();
});

describe('process lifetime', () => {
  it('lets a program that forgets close() end by itself, finalising the modules on the way out', () => {
    const started = Date.now();
    const result = spawnSync(
      process.execPath,
      [
        '--import',
        'tsx',
        join(import.meta.dirname, 'fixtures', 'forgotten-close.ts'),
        tokens.modulePath,
      ],
      {
        env: { ...process.env, SOFTHSM2_CONF: tokens.confPath },
        encoding: 'utf8',
        timeout: 30_000,
      },
    );
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('{"tokens":["LIFECYCLE"]}');
    expect(result.stdout).toContain('token service closed');
    expect(Date.now() - started).toBeLessThan(30_000);
  });
});
