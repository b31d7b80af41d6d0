// Revocation of the whole path (issuing CAs and the TSA, not only the signer), the OCSP
// nonce, and revocations that a time-stamp proves came after the signature. Against a live
// test PKI of its own: the last tests revoke the issuing CAs and the TSA.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KeyAlgorithmName, SignerVariant, SignerWithKey } from '@eimza/testpki';
import type { Report } from '@eimza/protocol';
import {
  RevocationCache,
  TrustStore,
  keySigner,
  signCades,
  validateCades,
  type ValidateCadesOptions,
} from '../src/index.js';
import { expectOutcome, startLivePki, type LivePki } from './validate-support.js';

const CONTENT = new TextEncoder().encode('Başvuru formundaki bilgilerin doğruluğunu onaylıyorum.');

let live: LivePki;
let trust: TrustStore;

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
  delete live.blocked;
  live.pki.setOcspNonceMode('echo');
}

function newSigner(
  keyAlgorithm: KeyAlgorithmName,
  variant: SignerVariant = 'valid',
  revokedAt?: Date,
): Promise<SignerWithKey> {
  return live.pki.issueSignerWithKey({
    ca: keyAlgorithm.startsWith('ec') ? 'ec' : 'rsa',
    keyAlgorithm,
    tckn: '10000000146',
    name: 'AHMET YILMAZ',
    variant,
    ...(revokedAt ? { revokedAt } : {}),
  });
}

function sign(s: SignerWithKey, timestamp = false): Promise<Uint8Array> {
  return signCades({
    content: CONTENT,
    certificate: s.certificate.der,
    chain: [s.certificate.chain[0]!.der],
    sign: keySigner(s.privateKey),
    ...(timestamp ? { timestamp: { url: live.pki.urls.tsa } } : {}),
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

const detailOf = (r: Report, name: string): string =>
  r.checks.find((c) => c.name === name)?.detail ?? '';

const rootOf = (alg: KeyAlgorithmName): string => (alg.startsWith('ec') ? 'root-ec' : 'root-rsa');

describe.each([['rsa2048'], ['ec-p256']] as const)('path revocation with %s', (alg) => {
  it('checks the issuing CA with its root (OCSP), besides the signer', async () => {
    reset();
    const before = live.requests.ocsp;
    const r = await validate(await sign(await newSigner(alg)));
    expectOutcome(r, 'TOTAL_PASSED');
    expect(detailOf(r, 'revocation')).toMatch(
      /^signer certificate: OCSP good .*; CA certificate ".*NES Sertifika Hizmet Sağlayıcısı.*": OCSP good from .*\/ocsp\/root-/,
    );
    expect(live.requests.ocsp - before).toBe(2);
  });

  it('is TRY_LATER when only the issuing CA status is unreachable; soft-fail passes', async () => {
    reset();
    const cms = await sign(await newSigner(alg));
    live.blocked = (path) => path.includes(rootOf(alg));
    const r = await validate(cms);
    expectOutcome(r, 'INDETERMINATE', 'TRY_LATER');
    expect(detailOf(r, 'revocation')).toMatch(/^CA certificate ".*": no revocation information/);
    const soft = await validate(cms, {
      revocation: { mode: 'soft-fail', cache: new RevocationCache() },
    });
    expectOutcome(soft, 'TOTAL_PASSED');
    expect(detailOf(soft, 'revocation')).toMatch(/CA certificate .*soft-fail/);
    reset();
  });
});

describe('OCSP nonce', () => {
  it('requires the nonce by default: a response without it is not used', async () => {
    reset();
    const cms = await sign(await newSigner('rsa2048'));
    live.pki.setOcspNonceMode('omit');
    live.crl = 'down';
    const r = await validate(cms);
    expectOutcome(r, 'INDETERMINATE', 'TRY_LATER');
    expect(detailOf(r, 'revocation')).toMatch(
      /OCSP response does not echo the request nonce \(required\)/,
    );

    // The CRL then answers, and the detail says why OCSP was not used.
    live.crl = 'up';
    const viaCrl = await validate(cms);
    expectOutcome(viaCrl, 'TOTAL_PASSED');
    expect(viaCrl.revocation).toMatchObject({ source: 'crl', status: 'good' });
    expect(detailOf(viaCrl, 'revocation')).toMatch(/OCSP: OCSP response does not echo/);

    const optional = await validate(cms, {
      revocation: { mode: 'require', cache: new RevocationCache(), ocspNonce: 'optional' },
    });
    expectOutcome(optional, 'TOTAL_PASSED');
    expect(optional.revocation).toMatchObject({ source: 'ocsp', status: 'good' });
    expect(detailOf(optional, 'revocation')).toMatch(/no nonce echoed; accepted/);
    reset();
  });

  it('refuses a wrong nonce even when the nonce is optional', async () => {
    reset();
    const cms = await sign(await newSigner('ec-p256'));
    live.pki.setOcspNonceMode('corrupt');
    live.crl = 'down';
    for (const ocspNonce of ['require', 'optional'] as const) {
      const r = await validate(cms, {
        revocation: { mode: 'require', cache: new RevocationCache(), ocspNonce },
      });
      expectOutcome(r, 'INDETERMINATE', 'TRY_LATER');
      expect(detailOf(r, 'revocation')).toMatch(/nonce differs from the request nonce/);
    }
    reset();
  });
});

describe('revocation and the signature time-stamp', () => {
  it('passes a signer revoked after the time-stamp genTime, and reports the revocation', async () => {
    reset();
    const s = await newSigner('rsa2048');
    const stamped = await sign(s, true);
    const plain = await sign(s);
    // Revocation times are whole seconds: wait until one lies strictly after genTime.
    await new Promise((r) => setTimeout(r, 1100));
    expect(live.pki.revoke(s.certificate.serialHex, new Date(), 'keyCompromise')).toBe(true);

    const r = await validate(stamped);
    expectOutcome(r, 'TOTAL_PASSED');
    expect(r.revocation).toMatchObject({ source: 'ocsp', status: 'revoked' });
    expect(Date.parse(r.revocation!.revokedAt!)).toBeGreaterThan(Date.parse(r.timestamp!.genTime));
    expect(detailOf(r, 'revocation')).toMatch(
      /signer certificate: revoked at .*after the time-stamp's genTime .*existed before the revocation/,
    );
    // Without a time-stamp nothing proves the signature came first.
    expectOutcome(await validate(plain), 'TOTAL_FAILED', 'REVOKED');
  });

  it('fails a signer revoked before the time-stamp genTime', async () => {
    reset();
    const s = await newSigner('ec-p256', 'revoked', new Date(Date.now() - 60_000));
    const r = await validate(await sign(s, true));
    expectOutcome(r, 'TOTAL_FAILED', 'REVOKED');
    expect(r.revocation).toMatchObject({ status: 'revoked' });
    expect(detailOf(r, 'revocation')).toMatch(/^signer certificate: revoked at/);
  });

  it('checks the TSA certificate: unreachable → TRY_LATER (soft-fail passes)', async () => {
    reset();
    const cms = await sign(await newSigner('rsa2048'), true);
    const ok = await validate(cms);
    expectOutcome(ok, 'TOTAL_PASSED');
    expect(detailOf(ok, 'timestamp')).toMatch(/TSA certificate: OCSP good .*root-ec/);
    // The TSA is issued by the EC root; the RSA signer's path does not touch it.
    live.blocked = (path) => path.includes('root-ec');
    const r = await validate(cms);
    expectOutcome(r, 'INDETERMINATE', 'TRY_LATER');
    expect(r.checks.at(-1)).toMatchObject({ name: 'timestamp', passed: false });
    expect(detailOf(r, 'timestamp')).toMatch(
      /time-stamp not usable: TSA certificate: no revocation/,
    );
    const soft = await validate(cms, {
      revocation: { mode: 'soft-fail', cache: new RevocationCache() },
    });
    expectOutcome(soft, 'TOTAL_PASSED');
    reset();
  });
});

// These revoke infrastructure certificates of the shared PKI: they run last.
describe('revoked infrastructure', () => {
  it('refuses the time-stamp of a revoked TSA certificate, and with it the proof of time', async () => {
    reset();
    const s = await newSigner('rsa2048');
    const cms = await sign(s, true);
    await new Promise((r) => setTimeout(r, 1100));
    live.pki.revokeEntity('tsa', new Date());
    const r = await validate(cms);
    expectOutcome(r, 'TOTAL_FAILED', 'REVOKED');
    expect(r.checks.find((c) => c.name === 'revocation')?.passed).toBe(true);
    expect(r.checks.at(-1)).toMatchObject({ name: 'timestamp', passed: false });
    expect(detailOf(r, 'timestamp')).toMatch(
      /^time-stamp not usable: TSA certificate: revoked at .*\(ocsp\)$/,
    );
    // A signer revoked after genTime is no longer saved by that time-stamp.
    live.pki.revoke(s.certificate.serialHex, new Date());
    const after = await validate(cms);
    expectOutcome(after, 'TOTAL_FAILED', 'REVOKED');
    expect(detailOf(after, 'revocation')).toMatch(/^signer certificate: revoked at/);
  });

  it('fails every signature of a revoked issuing CA as REVOKED, over OCSP and over the CRL', async () => {
    reset();
    const rsa = await sign(await newSigner('rsa2048'));
    const ec = await sign(await newSigner('ec-p256'));
    live.pki.revokeEntity('ca-rsa', new Date(Date.now() - 60_000), 'cACompromise');
    live.pki.revokeEntity('ca-ec', new Date(Date.now() - 60_000));
    for (const cms of [rsa, ec]) {
      const r = await validate(cms);
      expectOutcome(r, 'TOTAL_FAILED', 'REVOKED');
      // The signer itself is fine: the report's revocation is the signer's.
      expect(r.revocation).toMatchObject({ source: 'ocsp', status: 'good' });
      expect(detailOf(r, 'revocation')).toMatch(/^CA certificate ".*": revoked at .*\(ocsp\)$/);
    }
    live.ocsp = 'down';
    const viaCrl = await validate(rsa);
    expectOutcome(viaCrl, 'TOTAL_FAILED', 'REVOKED');
    expect(detailOf(viaCrl, 'revocation')).toMatch(/CA certificate ".*": revoked at .*\(crl\)/);
    reset();
  });
});

// RFC 6960 4.2.2.2.1: the RSA responder of this PKI carries no id-pkix-ocsp-nocheck but the CRL
// of its CA; the EC responder keeps nocheck. The last test revokes the RSA responder.
describe('delegated OCSP responder without id-pkix-ocsp-nocheck', () => {
  let checked: LivePki;

  beforeAll(async () => {
    checked = await startLivePki({ checkedOcspResponders: ['rsa'] });
  });

  afterAll(async () => {
    await checked?.close();
  });

  function checkedSigner(ca: 'rsa' | 'ec', variant: SignerVariant = 'valid') {
    return checked.pki.issueSignerWithKey({
      ca,
      tckn: '10000000146',
      name: 'AHMET YILMAZ',
      variant,
    });
  }

  function signChecked(s: SignerWithKey): Promise<Uint8Array> {
    return signCades({
      content: CONTENT,
      certificate: s.certificate.der,
      chain: [s.certificate.chain[0]!.der],
      sign: keySigner(s.privateKey),
    });
  }

  function validateChecked(cms: Uint8Array, cache = new RevocationCache()): Promise<Report> {
    return validateCades({
      cms,
      content: CONTENT,
      trust: TrustStore.fromPem(checked.pki.anchors().map((a) => a.pem)),
      revocation: { mode: 'require', cache },
    });
  }

  it('checks the responder on its CA CRL once, then answers from the cache', async () => {
    const cms = await signChecked(await checkedSigner('rsa'));
    const cache = new RevocationCache();
    const before = { ...checked.requests };
    const r = await validateChecked(cms, cache);
    expectOutcome(r, 'TOTAL_PASSED');
    expect(r.revocation).toMatchObject({ source: 'ocsp', status: 'good' });
    expect(detailOf(r, 'revocation')).toMatch(
      /^signer certificate: OCSP good from .*\/ocsp\/rsa, nonce echoed, responder certificate not revoked \(CRL from .*\/crl\/rsa\.crl: not listed\); CA certificate/,
    );
    expect(checked.requests.crl - before.crl).toBe(1);

    const warm = { ...checked.requests };
    expectOutcome(await validateChecked(cms, cache), 'TOTAL_PASSED');
    expect(checked.requests).toEqual(warm);
  });

  it('fetches no CRL for a responder with id-pkix-ocsp-nocheck', async () => {
    const before = checked.requests.crl;
    const r = await validateChecked(await signChecked(await checkedSigner('ec')));
    expectOutcome(r, 'TOTAL_PASSED');
    expect(detailOf(r, 'revocation')).not.toMatch(/responder certificate/);
    expect(checked.requests.crl).toBe(before);
  });

  it('refuses the OCSP answer when the responder CRL is unreachable (TRY_LATER)', async () => {
    const cms = await signChecked(await checkedSigner('rsa'));
    checked.crl = 'down';
    try {
      const r = await validateChecked(cms);
      expectOutcome(r, 'INDETERMINATE', 'TRY_LATER');
      expect(detailOf(r, 'revocation')).toMatch(
        /^signer certificate: no revocation information: OCSP responder revocation unknown: CRL .*\/crl\/rsa\.crl: HTTP 503.*; CRL .*HTTP 503/,
      );
    } finally {
      checked.crl = 'up';
    }
  });

  it('refuses the answers of a revoked responder: the signer CRL decides', async () => {
    const good = await signChecked(await checkedSigner('rsa'));
    const revoked = await signChecked(await checkedSigner('rsa', 'revoked'));
    checked.pki.revokeEntity('ocsp-rsa', new Date(Date.now() - 60_000));

    const r = await validateChecked(good);
    expectOutcome(r, 'TOTAL_PASSED');
    expect(r.revocation).toMatchObject({ source: 'crl', status: 'good' });
    expect(detailOf(r, 'revocation')).toMatch(
      /^signer certificate: CRL from .*\/crl\/rsa\.crl: not listed \(OCSP: OCSP responder certificate revoked at .*Z \(CRL from .*\/crl\/rsa\.crl: revoked\)\)/,
    );

    const bad = await validateChecked(revoked);
    expectOutcome(bad, 'TOTAL_FAILED', 'REVOKED');
    expect(bad.revocation).toMatchObject({ source: 'crl', status: 'revoked' });

    // No CRL at all: the revoked responder's 'good' must not pass either.
    checked.crl = 'down';
    try {
      const down = await validateChecked(good);
      expectOutcome(down, 'INDETERMINATE', 'TRY_LATER');
    } finally {
      checked.crl = 'up';
    }
  });
});
