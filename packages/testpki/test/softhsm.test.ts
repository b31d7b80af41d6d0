import { execFileSync } from 'node:child_process';
import { X509Certificate, createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  SOFTHSM_MODULE_PATH,
  createTestTokens,
  provisionSoftHsmTokens,
  type ProvisionedSoftHsmToken,
  type SoftHsmTokenSpec,
  type TestTokens,
} from '../src/index.js';

const TOKENS: SoftHsmTokenSpec[] = [
  { label: 'EIMZA-RSA', keyType: 'rsa2048', tckn: '10000000146', name: 'AHMET YILMAZ', ca: 'rsa' },
  { label: 'EIMZA-EC', keyType: 'ec-p256', tckn: '12345678950', name: 'AYŞE KAYA', ca: 'ec' },
  { label: 'EIMZA-P384', keyType: 'ec-p384', tckn: '98765432150', name: 'MEHMET DEMİR', ca: 'ec' },
];

let tokens: TestTokens;
let work: string;

function pkcs11Tool(args: string[]): string {
  return execFileSync('pkcs11-tool', ['--module', SOFTHSM_MODULE_PATH, ...args], {
    env: { ...process.env, ...tokens.env },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

function token(label: string): ProvisionedSoftHsmToken {
  const found = tokens.tokens.find((candidate) => candidate.label === label);
  if (!found) throw new Error(`no token ${label}`);
  return found;
}

/** Section of `pkcs11-tool -O` output for one object kind. */
function objectBlock(listing: string, header: string): string {
  const start = listing.indexOf(header);
  expect(start, `${header} in listing`).toBeGreaterThanOrEqual(0);
  const next = listing.slice(start + header.length).search(/^\S.*Object;/mu);
  return next === -1 ? listing.slice(start) : listing.slice(start, start + header.length + next);
}

/** Signs `data` on the token with pkcs11-tool and verifies it with openssl against the certificate's key. */
function signOnTokenAndVerify(provisioned: ProvisionedSoftHsmToken, data: Buffer): string {
  const dataPath = join(work, `${provisioned.label}.data`);
  const digestPath = join(work, `${provisioned.label}.sha256`);
  const signaturePath = join(work, `${provisioned.label}.sig`);
  const publicKeyPath = join(work, `${provisioned.label}.pub.pem`);
  writeFileSync(dataPath, data);
  writeFileSync(digestPath, createHash('sha256').update(data).digest());
  const publicKey = new X509Certificate(provisioned.certificate.der).publicKey;
  writeFileSync(publicKeyPath, publicKey.export({ type: 'spki', format: 'pem' }));
  const rsa = provisioned.keyType === 'rsa2048';
  // SoftHSM2 has no CKM_ECDSA_SHA256: hash here, sign the digest with raw ECDSA.
  const mechanism = rsa
    ? ['-m', 'SHA256-RSA-PKCS', '-i', dataPath]
    : ['-m', 'ECDSA', '-i', digestPath, '--signature-format', 'openssl'];
  pkcs11Tool([
    '--slot',
    provisioned.slotId,
    '--login',
    '--pin',
    tokens.pin,
    '--sign',
    '--id',
    provisioned.ckaId,
    ...mechanism,
    '-o',
    signaturePath,
  ]);
  return execFileSync(
    'openssl',
    ['dgst', '-sha256', '-verify', publicKeyPath, '-signature', signaturePath, dataPath],
    {
      encoding: 'utf8',
    },
  ).trim();
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'eimza-softhsm-test-'));
  tokens = await createTestTokens({ tokens: TOKENS });
});

afterAll(() => {
  tokens?.cleanup();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('provisionSoftHsmTokens', () => {
  it('writes its own softhsm2.conf and leaves the process environment alone', () => {
    const conf = readFileSync(tokens.confPath, 'utf8');
    expect(conf).toContain(`directories.tokendir = ${join(tokens.dir, 'tokens')}`);
    expect(conf).toContain('objectstore.backend = file');
    expect(conf).toContain('log.level = ERROR');
    expect(tokens.env.SOFTHSM2_CONF).toBe(tokens.confPath);
    expect(process.env.SOFTHSM2_CONF).not.toBe(tokens.confPath);
  });

  it('reports each token with its certificate for the requested holder', () => {
    expect(tokens.tokens.map((t) => t.label)).toEqual(['EIMZA-RSA', 'EIMZA-EC', 'EIMZA-P384']);
    for (const [index, spec] of TOKENS.entries()) {
      const made = tokens.tokens[index] as ProvisionedSoftHsmToken;
      expect(made.created).toBe(true);
      expect(made.keyType).toBe(spec.keyType);
      expect(made.ckaId).toMatch(/^[0-9a-f]{40}$/u);
      expect(made.slotId).toMatch(/^\d+$/u);
      expect(made.certificate.subject).toContain(`serialNumber=${spec.tckn}`);
      expect(made.certificate.subject).toContain(`CN=${spec.name}`);
      const certificate = new X509Certificate(made.certificate.der);
      expect(certificate.serialNumber.toLowerCase()).toContain(made.certificate.serialNumberHex);
      expect(certificate.publicKey.asymmetricKeyType).toBe(
        spec.keyType === 'rsa2048' ? 'rsa' : 'ec',
      );
    }
  });

  it('shows the tokens to pkcs11-tool (OpenSC) under their labels', () => {
    const listing = pkcs11Tool(['--list-token-slots']);
    for (const made of tokens.tokens) {
      expect(listing).toContain(`token label        : ${made.label}`);
      expect(listing).toContain(`serial num         : ${made.tokenSerial}`);
    }
  });

  it('keeps a sensitive, never-extractable private key beside its public key and certificate, under one CKA_ID', () => {
    for (const made of tokens.tokens) {
      const listing = pkcs11Tool(['--slot', made.slotId, '-O', '--login', '--pin', tokens.pin]);
      const privateKey = objectBlock(listing, 'Private Key Object;');
      expect(privateKey).toMatch(
        /Access:\s+sensitive, always sensitive, never extractable, local/u,
      );
      expect(privateKey).toMatch(/Usage:\s+sign\n/u);
      expect(privateKey).toContain(`ID:         ${made.ckaId}`);
      expect(privateKey).toContain(`label:      ${made.keyLabel}`);
      const publicKey = objectBlock(listing, 'Public Key Object;');
      expect(publicKey).toContain(`ID:         ${made.ckaId}`);
      const certificate = objectBlock(listing, 'Certificate Object;');
      expect(certificate).toContain(`ID:         ${made.ckaId}`);
      expect(certificate).toContain(`label:      ${made.keyLabel}`);
      expect(listing.match(/Object;/gu)).toHaveLength(3);
    }
  });

  it('signs on the RSA token; openssl verifies with the certificate key', () => {
    expect(signOnTokenAndVerify(token('EIMZA-RSA'), Buffer.from('e-imza RSA test'))).toBe(
      'Verified OK',
    );
  });

  it('signs on the EC P-256 and P-384 tokens (raw ECDSA over SHA-256); openssl verifies', () => {
    expect(signOnTokenAndVerify(token('EIMZA-EC'), Buffer.from('e-imza EC test'))).toBe(
      'Verified OK',
    );
    expect(signOnTokenAndVerify(token('EIMZA-P384'), Buffer.from('e-imza P-384 test'))).toBe(
      'Verified OK',
    );
  });

  it('a signature over other data does not verify', () => {
    const made = token('EIMZA-RSA');
    signOnTokenAndVerify(made, Buffer.from('original'));
    writeFileSync(join(work, `${made.label}.data`), 'tampered');
    expect(() =>
      execFileSync(
        'openssl',
        [
          'dgst',
          '-sha256',
          '-verify',
          join(work, `${made.label}.pub.pem`),
          '-signature',
          join(work, `${made.label}.sig`),
          join(work, `${made.label}.data`),
        ],
        { stdio: 'pipe' },
      ),
    ).toThrow();
  });

  it('is idempotent: a second run keeps every token, key and certificate', async () => {
    const again = await provisionSoftHsmTokens({
      dir: tokens.dir,
      pki: tokens.pki,
      pin: tokens.pin,
      puk: tokens.puk,
      tokens: TOKENS,
    });
    expect(again.tokens.map((t) => t.created)).toEqual([false, false, false]);
    for (const [index, made] of again.tokens.entries()) {
      const first = tokens.tokens[index] as ProvisionedSoftHsmToken;
      expect(made.slotId).toBe(first.slotId);
      expect(made.tokenSerial).toBe(first.tokenSerial);
      expect(made.ckaId).toBe(first.ckaId);
      expect(made.certificate.serialNumberHex).toBe(first.certificate.serialNumberHex);
      expect(Buffer.from(made.certificate.der).equals(Buffer.from(first.certificate.der))).toBe(
        true,
      );
    }
    const listing = pkcs11Tool([
      '--slot',
      token('EIMZA-EC').slotId,
      '-O',
      '--login',
      '--pin',
      tokens.pin,
    ]);
    expect(listing.match(/Object;/gu)).toHaveLength(3);
  });

  it('refuses a token label that exists with another key type', async () => {
    await expect(
      provisionSoftHsmTokens({
        dir: tokens.dir,
        pki: tokens.pki,
        pin: tokens.pin,
        puk: tokens.puk,
        tokens: [
          { label: 'EIMZA-RSA', keyType: 'ec-p256', tckn: '10000000146', name: 'AHMET YILMAZ' },
        ],
      }),
    ).rejects.toThrow(/holds a rsa2048 key, not the requested ec-p256/u);
  });

  it('says to install softhsm2 when softhsm2-util cannot be found', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'eimza-softhsm-nopath-'));
    const path = process.env.PATH;
    process.env.PATH = '/nonexistent';
    try {
      await expect(
        provisionSoftHsmTokens({
          dir,
          pki: tokens.pki,
          pin: tokens.pin,
          puk: tokens.puk,
          tokens: [
            { label: 'EIMZA-NEW', keyType: 'ec-p256', tckn: '10000000146', name: 'AHMET YILMAZ' },
          ],
        }),
      ).rejects.toThrow(
        'softhsm2-util was not found: install softhsm2 (apt-get install softhsm2).',
      );
    } finally {
      process.env.PATH = path;
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('rejects labels longer than a PKCS#11 token label', async () => {
    await expect(
      provisionSoftHsmTokens({
        dir: tokens.dir,
        pki: tokens.pki,
        pin: tokens.pin,
        puk: tokens.puk,
        tokens: [
          { label: 'X'.repeat(33), keyType: 'ec-p256', tckn: '10000000146', name: 'AHMET YILMAZ' },
        ],
      }),
    ).rejects.toThrow(/1 to 32 bytes/u);
  });
});
