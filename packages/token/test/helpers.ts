import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { createTestTokens, type CreateTestTokensOptions, type TestTokens } from '@eimza/testpki';
import { pino, type Logger } from 'pino';
import { openTokenService } from '../src/index.js';
import type { HashAlgorithm, TokenService, TokenServiceOptions } from '../src/index.js';

export interface TokenFixture {
  tokens: TestTokens;
  service: TokenService;
  /** Every log line the service wrote, as JSON text. */
  logs: string[];
  cleanup(): Promise<void>;
}

/** pino writing into an array, so tests can read what the layer logged. */
export function capturingLogger(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString('utf8'));
      done();
    },
  });
  return { logger: pino({ level: 'trace' }, destination), lines };
}

/**
 * Fresh SoftHSM2 tokens from the shared provisioning (@eimza/testpki) in a temp folder, this file's own
 * SOFTHSM2_CONF set before the module initialises, and a token service that loads only SoftHSM2.
 */
export async function tokenFixture(
  options: CreateTestTokensOptions = {},
  serviceOptions: TokenServiceOptions = {},
): Promise<TokenFixture> {
  const tokens = await createTestTokens(options);
  process.env.SOFTHSM2_CONF = tokens.confPath;
  const { logger, lines } = capturingLogger();
  const service = await openTokenService({
    explicitOnly: true,
    modulePaths: [tokens.modulePath],
    logger,
    ...serviceOptions,
  });
  return {
    tokens,
    service,
    logs: lines,
    cleanup: async () => {
      await service.close();
      tokens.cleanup();
    },
  };
}

export interface OpensslVerifyOptions {
  hash: HashAlgorithm;
  pss?: boolean;
}

/** `openssl dgst -verify` with the certificate's public key: true when OpenSSL accepts the signature. */
export function opensslVerify(
  certificateDer: Uint8Array,
  data: Uint8Array,
  signature: Uint8Array,
  options: OpensslVerifyOptions,
): boolean {
  const dir = mkdtempSync(join(tmpdir(), 'eimza-verify-'));
  try {
    const certPath = join(dir, 'cert.der');
    const pubPath = join(dir, 'pub.pem');
    writeFileSync(certPath, certificateDer);
    writeFileSync(join(dir, 'data'), data);
    writeFileSync(join(dir, 'sig'), signature);
    const pub = execFileSync('openssl', [
      'x509',
      '-inform',
      'DER',
      '-in',
      certPath,
      '-pubkey',
      '-noout',
    ]);
    writeFileSync(pubPath, pub);
    const digest = `-${options.hash.replace('-', '').toLowerCase()}`;
    const pss = options.pss
      ? ['-sigopt', 'rsa_padding_mode:pss', '-sigopt', 'rsa_pss_saltlen:digest']
      : [];
    try {
      execFileSync(
        'openssl',
        [
          'dgst',
          digest,
          '-verify',
          pubPath,
          ...pss,
          '-signature',
          join(dir, 'sig'),
          join(dir, 'data'),
        ],
        { stdio: 'pipe' },
      );
      return true;
    } catch {
      return false;
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
