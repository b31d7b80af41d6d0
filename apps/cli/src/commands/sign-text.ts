import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import type { HashAlgorithm } from '@eimza/token';
import { openTokens, type Context } from '../context.js';
import { CliError } from '../errors.js';
import { canSign } from '../format/certificate.js';
import { promptSecrets, stdinSecrets } from '../secrets.js';
import { selectCertificate } from '../select.js';
import { withPinStateOnError } from './pin-state-on-error.js';

export const HASH_CHOICES = ['sha256', 'sha384', 'sha512'] as const;
export type HashChoice = (typeof HASH_CHOICES)[number];

const HASHES: Record<HashChoice, HashAlgorithm> = {
  sha256: 'SHA-256',
  sha384: 'SHA-384',
  sha512: 'SHA-512',
};

export interface SignTextOptions {
  cert: string;
  in: string;
  out: string;
  hash: HashChoice;
  pinStdin?: boolean;
}

/**
 * `eimza sign-text`: a raw signature over the file's hash (PKCS#1 v1.5 for RSA, DER ECDSA for EC) that
 * `openssl dgst -verify` accepts. A tester's check that a token signs; CAdES comes later.
 */
export async function signTextCommand(ctx: Context, options: SignTextOptions): Promise<void> {
  const data = await readFile(options.in).catch(() => {
    throw new CliError('INPUT_READ_FAILED', { file: options.in });
  });
  const pinSource = options.pinStdin
    ? await stdinSecrets()
    : promptSecrets(ctx.t, Boolean(process.stdin.isTTY), 'signText.pinHint');
  const hash = HASHES[options.hash];

  const service = await openTokens(ctx);
  const certificate = selectCertificate(await service.listCertificates(), options.cert);
  if (!canSign(certificate)) throw new CliError('NOT_SIGNING_CAPABLE', { cert: certificate.id });
  const token = (await service.listTokens()).find((t) => t.serial === certificate.tokenSerial);
  const pin = token?.pinPad ? null : await pinSource.next('prompts.pin', 'pin');
  if (token?.pinPad) ctx.out.note(ctx.t('signText.usePinPad', { label: certificate.tokenLabel }));

  const signature = await withPinStateOnError(service, certificate.tokenSerial, async () => {
    const session = await service.openSigningSession(certificate.id, pin);
    try {
      return await session.signData(data, { hash, scheme: 'pkcs1' });
    } finally {
      await session.close();
    }
  });

  await writeFile(options.out, signature).catch(() => {
    throw new CliError('OUTPUT_WRITE_FAILED', { file: options.out });
  });
  const algorithm = certificate.keyAlgorithm.name === 'RSA' ? 'RSA-PKCS1-v1_5' : 'ECDSA';
  const digestHex = createHash(options.hash).update(data).digest('hex');
  if (ctx.out.json) {
    ctx.out.result({
      signature: {
        file: options.out,
        bytes: signature.length,
        algorithm,
        hash: hash,
        digestHex,
        certificateId: certificate.id,
        tokenSerial: certificate.tokenSerial,
      },
    });
    return;
  }
  ctx.out.line(
    ctx.out.style(
      'green',
      ctx.t('signText.done', {
        file: options.out,
        bytes: signature.length,
        algorithm,
        hash,
      }),
    ),
  );
  ctx.out.line(
    ctx.t('signText.verifyHint', { file: options.out, input: options.in, hash: options.hash }),
  );
}
