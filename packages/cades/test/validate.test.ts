import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KeyAlgorithmName, SignerVariant, SignerWithKey } from '@eimza/testpki';
import type { Report } from '@eimza/protocol';
import { keySigner, signCades } from '../src/index.js';
import {
  CHECK_NAMES,
  RevocationCache,
  TrustStore,
  normaliseTckn,
  validateCades,
  type ValidateCadesOptions,
} from '../src/index.js';
import { opensslCmsSign } from './support/openssl.js';
import {
  ATTR,
  decodeTree,
  encodeTree,
  oidBytes,
  resign,
  sha256,
  signedDataOf,
  signerInfoOf,
  startLivePki,
  type LivePki,
  expectOutcome,
} from './validate-support.js';

const CONTENT = new TextEncoder().encode(
  'Kullanıcı servislerine elektronik imzalı olarak girme işlemini onaylıyorum. 311827272188648',
);
const TCKN = '10000000146';

let live: LivePki;
let trust: TrustStore;
const signers = new Map<string, Promise<SignerWithKey>>();

function signer(
  keyAlgorithm: KeyAlgorithmName,
  variant: SignerVariant = 'valid',
): Promise<SignerWithKey> {
  const key = `${keyAlgorithm}/${variant}`;
  let s = signers.get(key);
  if (!s) {
    s = live.pki.issueSignerWithKey({
      ca: keyAlgorithm.startsWith('ec') ? 'ec' : 'rsa',
      keyAlgorithm,
      tckn: TCKN,
      name: 'AHMET YILMAZ',
      variant,
    });
    signers.set(key, s);
  }
  return s;
}

async function sign(
  s: SignerWithKey,
  opts: {
    detached?: boolean;
    timestamp?: boolean;
    rsaScheme?: 'pss';
    chain?: boolean;
    signingTime?: Date;
  } = {},
): Promise<Uint8Array> {
  return signCades({
    content: CONTENT,
    certificate: s.certificate.der,
    chain: opts.chain === false ? [] : [s.certificate.chain[0]!.der],
    sign: keySigner(s.privateKey),
    detached: opts.detached ?? true,
    ...(opts.rsaScheme ? { rsaScheme: opts.rsaScheme } : {}),
    ...(opts.signingTime ? { signingTime: opts.signingTime } : {}),
    ...(opts.timestamp ? { timestamp: { url: live.pki.urls.tsa } } : {}),
  });
}

function validate(cms: Uint8Array, extra: Partial<ValidateCadesOptions> = {}): Promise<Report> {
  return validateCades({
    cms,
    content: CONTENT,
    trust,
    revocation: { mode: 'require', cache: new RevocationCache() },
    ...extra,
  });
}

function flipByte(b: Uint8Array, offset: number): Uint8Array {
  const copy = new Uint8Array(b);
  copy[offset] = copy[offset]! ^ 0x01;
  return copy;
}

function openssl(args: string[], dir: string): void {
  execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
}

beforeAll(async () => {
  live = await startLivePki();
  trust = TrustStore.fromPem(live.pki.anchors().map((a) => a.pem));
});

afterAll(async () => {
  await live?.close();
});

function reset(): void {
  live.ocsp = 'up';
  live.crl = 'up';
}

describe.each([
  ['RSA-2048', 'rsa2048'],
  ['EC P-256', 'ec-p256'],
] as const)('validateCades with %s', (_label, alg) => {
  it('passes a detached CAdES-BES, names the signer, lists every check in order', async () => {
    reset();
    const s = await signer(alg);
    const r = await validate(await sign(s));
    expectOutcome(r, 'TOTAL_PASSED');
    expect(r.checks.map((c) => c.name)).toEqual([...CHECK_NAMES]);
    expect(r.signer).toMatchObject({
      tckn: TCKN,
      name: 'AHMET YILMAZ',
      certificateSerial: s.certificate.serialHex,
    });
    expect(r.signer?.keyAlgorithm).toBe(alg === 'rsa2048' ? 'RSA-2048' : 'EC P-256');
    expect(r.chain).toHaveLength(3);
    expect(r.revocation).toMatchObject({ source: 'ocsp', status: 'good' });
    expect(r.signingTime).toMatch(/^\d{4}-/);
  });

  it('passes an attached signature without separate content, and with expectedContent', async () => {
    reset();
    const cms = await sign(await signer(alg), { detached: false });
    expectOutcome(
      await validateCades({ cms, trust, expectedContent: CONTENT, revocation: { mode: 'off' } }),
      'TOTAL_PASSED',
    );
  });

  it("passes OpenSSL's own openssl cms -sign -cades signature (interop)", async () => {
    reset();
    const s = await signer(alg);
    const cms = opensslCmsSign({
      certPem: s.certificate.pem,
      keyPem: s.privateKeyPem,
      content: CONTENT,
      chainPems: [s.certificate.chain[0]!.pem],
    });
    expectOutcome(await validate(cms), 'TOTAL_PASSED');
  });

  it('fails wrong content with HASH_FAILURE and a different expectedContent with SIGNED_DATA_NOT_FOUND', async () => {
    reset();
    const cms = await sign(await signer(alg));
    expectOutcome(
      await validate(cms, { content: new TextEncoder().encode('other') }),
      'TOTAL_FAILED',
      'HASH_FAILURE',
    );
    expectOutcome(
      await validate(cms, { expectedContent: new TextEncoder().encode('other') }),
      'INDETERMINATE',
      'SIGNED_DATA_NOT_FOUND',
    );
    const noContent = await validateCades({ cms, trust, revocation: { mode: 'off' } });
    expectOutcome(noContent, 'INDETERMINATE', 'SIGNED_DATA_NOT_FOUND');
  });

  it('fails a tampered signature value and a tampered signed attribute with SIG_CRYPTO_FAILURE', async () => {
    reset();
    const cms = await sign(await signer(alg));
    const root = decodeTree(cms);
    const si = signerInfoOf(root);
    const sig = si.children!.find((c) => c.tag === 0x04)!;
    sig.value = flipByte(sig.value!, sig.value!.length - 2);
    expectOutcome(await validate(encodeTree(root)), 'TOTAL_FAILED', 'SIG_CRYPTO_FAILURE');

    const root2 = decodeTree(cms);
    const attrs = signerInfoOf(root2).children!.find((c) => c.tag === 0xa0)!;
    const st = attrs.children!.find((a) => oidBytes(a) === ATTR.signingTime)!;
    const time = st.children![1]!.children![0]!;
    time.value = new Uint8Array(time.value!);
    time.value[time.value.length - 2] = time.value[time.value.length - 2] === 0x30 ? 0x31 : 0x30;
    expectOutcome(await validate(encodeTree(root2)), 'TOTAL_FAILED', 'SIG_CRYPTO_FAILURE');
  });

  it('refuses a missing signingCertificateV2 and a wrong certificate hash (SIG_CONSTRAINTS_FAILURE)', async () => {
    reset();
    const s = await signer(alg);
    const cms = await sign(s);
    const missing = resign(cms, s.privateKey, 'sha256', (attrs) =>
      attrs.filter((a) => oidBytes(a) !== ATTR.signingCertificateV2),
    );
    const r1 = await validate(missing);
    expectOutcome(r1, 'INDETERMINATE', 'SIG_CONSTRAINTS_FAILURE');
    expect(r1.checks.at(-1)?.detail).toMatch(/signingCertificateV2/);
    const wrong = resign(cms, s.privateKey, 'sha256', (attrs) =>
      attrs.map((a) => {
        if (oidBytes(a) !== ATTR.signingCertificateV2) return a;
        const essCertId = a.children![1]!.children![0]!.children![0]!.children![0]!;
        const hashNode = essCertId.children!.find((c) => c.tag === 0x04)!;
        hashNode.value = sha256(hashNode.value!);
        return a;
      }),
    );
    const r2 = await validate(wrong);
    expectOutcome(r2, 'INDETERMINATE', 'SIG_CONSTRAINTS_FAILURE');
    expect(r2.checks.at(-1)?.detail).toMatch(/hash does not match/);
  });

  it('fails an expired and a not yet valid signer certificate', async () => {
    reset();
    expectOutcome(
      await validate(await sign(await signer(alg, 'expired'))),
      'TOTAL_FAILED',
      'EXPIRED',
    );
    expectOutcome(
      await validate(await sign(await signer(alg, 'notYetValid'))),
      'TOTAL_FAILED',
      'NOT_YET_VALID',
    );
  });

  it('finds no chain for an untrusted root', async () => {
    reset();
    expectOutcome(
      await validate(await sign(await signer(alg, 'untrusted'))),
      'INDETERMINATE',
      'NO_CERTIFICATE_CHAIN_FOUND',
    );
  });

  it('completes the chain from the configured intermediates when the CMS carries only the signer', async () => {
    reset();
    const s = await signer(alg);
    const cms = await sign(s, { chain: false });
    expectOutcome(await validate(cms), 'INDETERMINATE', 'NO_CERTIFICATE_CHAIN_FOUND');
    const withIntermediates = TrustStore.fromPem(
      live.pki.anchors().map((a) => a.pem),
      [s.certificate.chain[0]!.pem],
    );
    expectOutcome(await validate(cms, { trust: withIntermediates }), 'TOTAL_PASSED');
  });

  it('reports a revoked signer via OCSP, and via the CRL when OCSP is down', async () => {
    reset();
    const s = await signer(alg, 'revoked');
    const cms = await sign(s);
    const r = await validate(cms);
    expectOutcome(r, 'TOTAL_FAILED', 'REVOKED');
    expect(r.revocation).toMatchObject({ source: 'ocsp', status: 'revoked' });
    expect(r.revocation?.revokedAt).toBe(s.certificate.revocation!.date.toISOString());
    live.ocsp = 'down';
    const r2 = await validate(cms);
    expectOutcome(r2, 'TOTAL_FAILED', 'REVOKED');
    expect(r2.revocation).toMatchObject({ source: 'crl', status: 'revoked' });
    reset();
  });

  it('falls back to the CRL for a good certificate; TRY_LATER when both are down, soft-fail passes', async () => {
    reset();
    const cms = await sign(await signer(alg));
    live.ocsp = 'down';
    const r = await validate(cms);
    expectOutcome(r, 'TOTAL_PASSED');
    expect(r.revocation).toMatchObject({ source: 'crl', status: 'good' });
    live.crl = 'down';
    expectOutcome(await validate(cms), 'INDETERMINATE', 'TRY_LATER');
    const soft = await validate(cms, {
      revocation: { mode: 'soft-fail', cache: new RevocationCache() },
    });
    expectOutcome(soft, 'TOTAL_PASSED');
    expect(soft.checks.find((c) => c.name === 'revocation')?.detail).toMatch(/soft-fail/);
    reset();
  });

  it('refuses an OCSP answer from a responder the CA did not authorise', async () => {
    reset();
    const cms = await sign(await signer(alg));
    live.ocsp = 'rogue';
    live.crl = 'down';
    const r = await validate(cms);
    expectOutcome(r, 'INDETERMINATE', 'TRY_LATER');
    expect(r.checks.find((c) => c.name === 'revocation')?.detail).toMatch(
      /not authorised|responder certificate not found/,
    );
    reset();
  });

  it('requires nonRepudiation, and configured policy OIDs and QcCompliance', async () => {
    reset();
    expectOutcome(
      await validate(await sign(await signer(alg, 'noNonRepudiation'))),
      'INDETERMINATE',
      'CHAIN_CONSTRAINTS_FAILURE',
    );
    const cms = await sign(await signer(alg));
    expectOutcome(
      await validate(cms, {
        policy: { requiredPolicyOids: ['2.16.792.1.2.1.1.5.7.1.1'], requireQcCompliance: true },
      }),
      'TOTAL_PASSED',
    );
    const r = await validate(cms, { policy: { requiredPolicyOids: ['1.2.3.4.5'] } });
    expectOutcome(r, 'INDETERMINATE', 'CHAIN_CONSTRAINTS_FAILURE');
  });

  it('passes a CAdES-T time-stamp and reports it; fails an imprint that belongs to another signature', async () => {
    reset();
    const s = await signer(alg);
    const a = await sign(s, { timestamp: true });
    const r = await validate(a);
    expectOutcome(r, 'TOTAL_PASSED');
    expect(r.timestamp?.tsa).toMatch(/CN=/);
    expect(Math.abs(Date.parse(r.timestamp!.genTime) - Date.now())).toBeLessThan(120_000);

    // A different signing time makes a different signature value (RSA PKCS#1 v1.5 is deterministic).
    const b = await sign(s, { timestamp: true, signingTime: new Date(Date.now() - 5000) });
    const rootA = decodeTree(a);
    const rootB = decodeTree(b);
    const siA = signerInfoOf(rootA);
    const siB = signerInfoOf(rootB);
    siA.children![siA.children!.length - 1] = siB.children![siB.children!.length - 1]!;
    const outside = await validate(b, { timestampWindowSeconds: 1 });
    expectOutcome(outside, 'INDETERMINATE', 'SIG_CONSTRAINTS_FAILURE');
    expect(outside.checks.at(-1)?.detail).toMatch(/not within 1 s/);

    // After the signer certificate expires, the time-stamp still proves it was valid.
    const afterExpiry = new Date(s.certificate.notAfter.getTime() + 24 * 3600_000);
    const late = { now: afterExpiry, revocation: { mode: 'off' as const } };
    expectOutcome(await validate(a, late), 'TOTAL_PASSED');
    expectOutcome(await validate(await sign(s), late), 'TOTAL_FAILED', 'EXPIRED');

    const swapped = await validate(encodeTree(rootA));
    expectOutcome(swapped, 'TOTAL_FAILED', 'HASH_FAILURE');
    expect(swapped.checks.at(-1)).toMatchObject({ name: 'timestamp', passed: false });
  });
});

describe('validateCades algorithm constraints and variants', () => {
  it('refuses SHA-1 and RSA-1024 with SIG_CONSTRAINTS_FAILURE', async () => {
    reset();
    const s = await signer('rsa2048');
    const dir = mkdtempSync(join(tmpdir(), 'eimza-sha1-'));
    try {
      writeFileSync(join(dir, 'c.pem'), s.certificate.pem);
      writeFileSync(join(dir, 'k.pem'), s.privateKeyPem);
      writeFileSync(join(dir, 'ca.pem'), s.certificate.chain[0]!.pem);
      writeFileSync(join(dir, 'in.bin'), CONTENT);
      openssl(
        [
          'cms',
          '-sign',
          '-cades',
          '-binary',
          '-md',
          'sha1',
          '-signer',
          'c.pem',
          '-inkey',
          'k.pem',
          '-certfile',
          'ca.pem',
          '-in',
          'in.bin',
          '-outform',
          'DER',
          '-out',
          's.der',
        ],
        dir,
      );
      const r = await validate(new Uint8Array(readFileSync(join(dir, 's.der'))));
      expectOutcome(r, 'INDETERMINATE', 'SIG_CONSTRAINTS_FAILURE');
      expect(r.checks.at(-1)?.detail).toMatch(/sha1/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const weak = await signer('rsa1024');
    const r = await validate(await sign(weak));
    expectOutcome(r, 'INDETERMINATE', 'SIG_CONSTRAINTS_FAILURE');
    expect(r.checks.at(-1)?.detail).toMatch(/1024/);
  });

  it('passes RSA-PSS and EC P-384', async () => {
    reset();
    expectOutcome(
      await validate(await sign(await signer('rsa2048'), { rsaScheme: 'pss' })),
      'TOTAL_PASSED',
    );
    const p384 = await validate(await sign(await signer('ec-p384')));
    expectOutcome(p384, 'TOTAL_PASSED');
    expect(p384.signer?.keyAlgorithm).toBe('EC P-384');
  });

  it('answers from the revocation cache until nextUpdate without asking again', async () => {
    reset();
    const cms = await sign(await signer('rsa2048'));
    const cache = new RevocationCache();
    expectOutcome(await validate(cms, { revocation: { mode: 'require', cache } }), 'TOTAL_PASSED');
    live.ocsp = 'down';
    live.crl = 'down';
    const before = live.requests.ocsp + live.requests.crl;
    const r = await validate(cms, { revocation: { mode: 'require', cache } });
    expectOutcome(r, 'TOTAL_PASSED');
    expect(r.checks.find((c) => c.name === 'revocation')?.detail).toMatch(/cached/);
    expect(live.requests.ocsp + live.requests.crl).toBe(before);
    const later = new Date(Date.now() + 30 * 24 * 3600_000);
    expectOutcome(
      await validate(cms, { revocation: { mode: 'require', cache }, now: later }),
      'INDETERMINATE',
      'TRY_LATER',
    );
    reset();
  });

  it('enforces the signer count, the size limit and strict DER', async () => {
    reset();
    const cms = await sign(await signer('rsa2048'));
    expectOutcome(await validate(cms, { maxSize: 100 }), 'TOTAL_FAILED', 'FORMAT_FAILURE');
    expectOutcome(await validate(cms, { signerCount: 2 }), 'TOTAL_FAILED', 'FORMAT_FAILURE');
    const trailing = new Uint8Array([...cms, 0]);
    expectOutcome(await validate(trailing), 'TOTAL_FAILED', 'FORMAT_FAILURE');
    const indefinite = new Uint8Array(cms);
    indefinite[1] = 0x80;
    expectOutcome(await validate(indefinite), 'TOTAL_FAILED', 'FORMAT_FAILURE');
    const sd = signedDataOf(decodeTree(cms));
    expect(sd.children!.length).toBeGreaterThan(3);
  });

  it('enforces basicConstraints cA, keyCertSign and pathLen on CA certificates (OpenSSL-made chains)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'eimza-chain-'));
    try {
      const ext = (name: string, body: string): void =>
        writeFileSync(join(dir, `${name}.ext`), body);
      ext('root', 'basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n');
      ext(
        'root0',
        'basicConstraints=critical,CA:TRUE,pathlen:0\nkeyUsage=critical,keyCertSign,cRLSign\n',
      );
      ext('ca', 'basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n');
      ext(
        'notca',
        'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,keyCertSign,digitalSignature\n',
      );
      ext(
        'nosign',
        'basicConstraints=critical,CA:TRUE\nkeyUsage=critical,digitalSignature,cRLSign\n',
      );
      ext('ee', 'basicConstraints=CA:FALSE\nkeyUsage=critical,nonRepudiation,digitalSignature\n');
      const key = (n: string): void =>
        openssl(
          [
            'genpkey',
            '-algorithm',
            'EC',
            '-pkeyopt',
            'ec_paramgen_curve:P-256',
            '-out',
            `${n}.key`,
          ],
          dir,
        );
      const root = (n: string): void => {
        key(n);
        openssl(
          [
            'req',
            '-x509',
            '-key',
            `${n}.key`,
            '-subj',
            `/CN=${n}`,
            '-days',
            '2',
            '-out',
            `${n}.pem`,
            '-extensions',
            'v3',
            '-config',
            `${n}.cnf`,
          ],
          dir,
        );
      };
      const issue = (n: string, issuer: string, e: string): void => {
        key(n);
        openssl(['req', '-new', '-key', `${n}.key`, '-subj', `/CN=${n}`, '-out', `${n}.csr`], dir);
        openssl(
          [
            'x509',
            '-req',
            '-in',
            `${n}.csr`,
            '-CA',
            `${issuer}.pem`,
            '-CAkey',
            `${issuer}.key`,
            '-set_serial',
            String(Date.now() % 1e9),
            '-days',
            '1',
            '-extfile',
            `${e}.ext`,
            '-out',
            `${n}.pem`,
          ],
          dir,
        );
      };
      for (const [n, e] of [
        ['r', 'root'],
        ['r0', 'root0'],
      ] as const) {
        writeFileSync(
          join(dir, `${n}.cnf`),
          `[req]\ndistinguished_name=dn\n[dn]\n[v3]\n${readFileSync(join(dir, `${e}.ext`), 'utf8')}`,
        );
        root(n);
      }
      const chainCase = async (rootName: string, caExt: string): Promise<Report> => {
        const ca = `${rootName}-${caExt}`;
        issue(ca, rootName, caExt);
        issue(`${ca}-ee`, ca, 'ee');
        openssl(
          [
            'cms',
            '-sign',
            '-cades',
            '-binary',
            '-md',
            'sha256',
            '-signer',
            `${ca}-ee.pem`,
            '-inkey',
            `${ca}-ee.key`,
            '-certfile',
            `${ca}.pem`,
            '-in',
            'in.bin',
            '-outform',
            'DER',
            '-out',
            `${ca}.der`,
          ],
          dir,
        );
        return validateCades({
          cms: new Uint8Array(readFileSync(join(dir, `${ca}.der`))),
          content: CONTENT,
          trust: TrustStore.fromPem([
            readFileSync(join(dir, 'r.pem'), 'utf8'),
            readFileSync(join(dir, 'r0.pem'), 'utf8'),
          ]),
          revocation: { mode: 'off' },
        });
      };
      writeFileSync(join(dir, 'in.bin'), CONTENT);
      expectOutcome(await chainCase('r', 'ca'), 'TOTAL_PASSED');
      const notCa = await chainCase('r', 'notca');
      expectOutcome(notCa, 'INDETERMINATE', 'CHAIN_CONSTRAINTS_FAILURE');
      expect(notCa.checks.at(-1)?.detail).toMatch(/not a CA/);
      const noSign = await chainCase('r', 'nosign');
      expectOutcome(noSign, 'INDETERMINATE', 'CHAIN_CONSTRAINTS_FAILURE');
      expect(noSign.checks.at(-1)?.detail).toMatch(/keyCertSign/);
      const pathLen = await chainCase('r0', 'ca');
      expectOutcome(pathLen, 'INDETERMINATE', 'CHAIN_CONSTRAINTS_FAILURE');
      expect(pathLen.checks.at(-1)?.detail).toMatch(/pathLenConstraint 0/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('validates every signer when the configured count allows two', async () => {
    reset();
    const a = await signer('rsa2048');
    const b = await signer('ec-p256');
    const dir = mkdtempSync(join(tmpdir(), 'eimza-two-'));
    try {
      for (const [n, s] of [
        ['a', a],
        ['b', b],
      ] as const) {
        writeFileSync(join(dir, `${n}.pem`), s.certificate.pem);
        writeFileSync(join(dir, `${n}.key`), s.privateKeyPem);
      }
      writeFileSync(
        join(dir, 'chain.pem'),
        a.certificate.chain[0]!.pem + b.certificate.chain[0]!.pem,
      );
      writeFileSync(join(dir, 'in.bin'), CONTENT);
      openssl(
        [
          'cms',
          '-sign',
          '-cades',
          '-binary',
          '-md',
          'sha256',
          '-signer',
          'a.pem',
          '-inkey',
          'a.key',
          '-signer',
          'b.pem',
          '-inkey',
          'b.key',
          '-certfile',
          'chain.pem',
          '-in',
          'in.bin',
          '-outform',
          'DER',
          '-out',
          's.der',
        ],
        dir,
      );
      const cms = new Uint8Array(readFileSync(join(dir, 's.der')));
      expectOutcome(await validate(cms), 'TOTAL_FAILED', 'FORMAT_FAILURE');
      const both = await validate(cms, { signerCount: 2 });
      expectOutcome(both, 'TOTAL_PASSED');
      expect(both.checks.filter((c) => c.name.endsWith('(signer 2)'))).toHaveLength(
        CHECK_NAMES.length - 1,
      );
      const root = decodeTree(cms);
      const sd = signedDataOf(root);
      const second = sd.children![sd.children!.length - 1]!.children![1]!;
      const sig = second.children!.find((c) => c.tag === 0x04)!;
      sig.value = flipByte(sig.value!, 10);
      const tampered = await validate(encodeTree(root), { signerCount: 2 });
      expectOutcome(tampered, 'TOTAL_FAILED', 'SIG_CRYPTO_FAILURE');
      expect(tampered.checks.at(-1)?.name).toBe('signature (signer 2)');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('loads anchors from a directory (TrustStore.fromDirectory)', async () => {
    reset();
    const dir = mkdtempSync(join(tmpdir(), 'eimza-anchors-'));
    try {
      live.pki.anchors().forEach((a, i) => writeFileSync(join(dir, `anchor-${i}.pem`), a.pem));
      writeFileSync(join(dir, 'README.txt'), 'not a certificate');
      const fromDir = TrustStore.fromDirectory(dir);
      expect(fromDir.anchors).toHaveLength(live.pki.anchors().length);
      expectOutcome(
        await validate(await sign(await signer('ec-p256')), { trust: fromDir }),
        'TOTAL_PASSED',
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('normalises TCKN prefixes', () => {
    expect(normaliseTckn('10000000146')).toBe('10000000146');
    expect(normaliseTckn('TCKN10000000146')).toBe('10000000146');
    expect(normaliseTckn('TCKN:10000000146')).toBe('10000000146');
    expect(normaliseTckn('IDCTR-10000000146')).toBe('10000000146');
    expect(normaliseTckn('PNOTR-10000000146')).toBe('10000000146');
  });
});
