// `npm run bench:verify`: validations/s of detached CAdES-BES signatures (RSA-2048 and EC P-256,
// a distinct signer certificate per signature, CA certificates and revocation answers warm),
// against the raw crypto.verify rate of the same key type and `openssl cms -verify` as one
// process per signature. Writes bench/results/verify.json.
import { spawnSync } from 'node:child_process';
import {
  X509Certificate,
  createHash,
  createPublicKey,
  generateKeyPair,
  generateKeyPairSync,
  sign as nodeSign,
  verify as nodeVerify,
  type JsonWebKeyInput,
  type PublicKeyInput,
  type KeyObject,
} from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { startTestPki } from '@eimza/testpki';
import { RevocationCache, TrustStore, keySigner, signCades, validateCades } from '@eimza/cades';

const here = dirname(fileURLToPath(import.meta.url));
const CONTENT = new TextEncoder().encode(
  'Kullanıcı servislerine elektronik imzalı olarak girme işlemini onaylıyorum. '.repeat(14),
);
/**
 * Distinct signer certificates per key type. Issuing through @peculiar/x509 takes 20-50 ms a
 * certificate here, so a few hundred keep the whole run under three minutes.
 */
const SIGNATURES = Number(process.env.BENCH_SIGNATURES ?? 200);
/**
 * Distinct key pairs among those certificates; by default one per certificate. The validator
 * keeps KeyObjects per SubjectPublicKeyInfo (a returning signer's card has the same key), and
 * the warm-up pass imports every signer's key: in the timed loop every signer is a returning
 * one whatever BENCH_KEYS is. The price of a first-time signer shows in coldKeyFloorPerSec.
 */
const KEYS = Math.min(SIGNATURES, Number(process.env.BENCH_KEYS ?? SIGNATURES));
const MEASURE_MS = Number(process.env.BENCH_MEASURE_MS ?? 2000);
const OPENSSL_RUNS = 30;

type KeyType = 'rsa' | 'ec';

interface Fixture {
  signatures: Uint8Array[];
  anchorsPem: string[];
}

interface WorkerInput extends Fixture {
  measureMs: number;
}

/** Runs `fn` repeatedly for about `ms` and returns calls per second. */
async function rate(ms: number, fn: (i: number) => unknown): Promise<number> {
  let n = 0;
  const start = performance.now();
  let now = start;
  while (now - start < ms) {
    for (let k = 0; k < 64; k++) await fn(n++);
    now = performance.now();
  }
  return n / ((now - start) / 1000);
}

/**
 * Rates of `fns` measured in rotating 200 ms slices, so that a change in the machine's load
 * (other processes) weighs on all alike and their ratios stay meaningful.
 */
async function interleavedRates(
  totalMs: number,
  fns: readonly ((i: number) => unknown)[],
): Promise<number[]> {
  const count = fns.map(() => 0);
  const time = fns.map(() => 0);
  for (let slice = 0; time.reduce((a, b) => a + b, 0) < totalMs; slice++) {
    const which = slice % fns.length;
    const fn = fns[which]!;
    const start = performance.now();
    let now = start;
    let n = count[which]!;
    while (now - start < 200) {
      for (let k = 0; k < 32; k++) await fn(n++);
      now = performance.now();
    }
    count[which] = n;
    time[which]! += now - start;
  }
  return count.map((n, i) => (n / time[i]!) * 1000);
}

/** A validation function over the fixture, after one warm-up pass that fills the caches. */
async function warmValidator(f: Fixture): Promise<(i: number) => Promise<unknown>> {
  const trust = TrustStore.fromPem(f.anchorsPem);
  const cache = new RevocationCache();
  const revocation = { mode: 'require' as const, cache };
  // Warm-up: fetches every signer's OCSP answer once and lets the JIT settle.
  for (const cms of f.signatures) {
    const r = await validateCades({ cms, content: CONTENT, trust, revocation });
    if (r.indication !== 'TOTAL_PASSED') {
      throw new Error(`bench fixture does not validate: ${JSON.stringify(r.checks)}`);
    }
  }
  const sigs = f.signatures;
  return (i) => validateCades({ cms: sigs[i % sigs.length]!, content: CONTENT, trust, revocation });
}

if (!isMainThread) {
  // Warm up first, then wait for the start signal, so that all workers measure together.
  const input = workerData as WorkerInput;
  const validate = await warmValidator(input);
  parentPort!.once('message', async () => {
    parentPort!.postMessage(await rate(input.measureMs, validate));
  });
  parentPort!.postMessage('ready');
} else {
  await main();
}

function newKeyPair(type: KeyType): Promise<{ publicKey: KeyObject; privateKey: KeyObject }> {
  return new Promise((resolve, reject) => {
    const done = (err: Error | null, publicKey: KeyObject, privateKey: KeyObject): void =>
      err ? reject(err) : resolve({ publicKey, privateKey });
    if (type === 'rsa') generateKeyPair('rsa', { modulusLength: 2048 }, done);
    else generateKeyPair('ec', { namedCurve: 'P-256' }, done);
  });
}

/** What one validation must do in OpenSSL, captured while signing the fixture. */
interface FloorInput {
  /** The signer's key in the form the validator imports (RSA: PKCS#1 DER; EC: JWK). */
  signerKey: PublicKeyInput | JsonWebKeyInput;
  /** The same key imported and used once, as the validator's per-SPKI cache holds it. */
  warmKey: KeyObject;
  signedAttributes: Uint8Array;
  signature: Uint8Array;
  certificate: X509Certificate;
  certificateDer: Uint8Array;
}

/**
 * The crypto floor of one validation, with no parsing or checks at all: the two hashes (content
 * and signer certificate), the signer's signature and the certificate's signature under the
 * (warm) issuing-CA key. With `coldKey` the signer's key is imported anew each time and
 * verifies for the first time (a first-time signer); without, it is the cached KeyObject, as
 * for every validation of the timed loop, so cadesPerSec can never exceed that floor.
 */
function floorVerifier(
  inputs: readonly FloorInput[],
  caKey: KeyObject,
  coldKey: boolean,
): (i: number) => boolean {
  return (i) => {
    const f = inputs[i % inputs.length]!;
    createHash('sha256').update(CONTENT).digest();
    createHash('sha256').update(f.certificateDer).digest();
    const key = coldKey ? createPublicKey(f.signerKey) : f.warmKey;
    return (
      nodeVerify('sha256', f.signedAttributes, key, f.signature) && f.certificate.verify(caKey)
    );
  };
}

function rawVerifier(type: KeyType): () => boolean {
  const { publicKey, privateKey } =
    type === 'rsa'
      ? generateKeyPairSync('rsa', { modulusLength: 2048 })
      : generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const data = new Uint8Array(220).fill(7);
  const sig = nodeSign('sha256', data, privateKey as KeyObject);
  return () => nodeVerify('sha256', data, publicKey, sig);
}

async function workerRate(f: Fixture, threads: number): Promise<number> {
  const workers = Array.from(
    { length: threads },
    () =>
      // Workers do not inherit the tsx loader: register it, then load this file.
      new Worker(
        `import('tsx/esm/api').then((m) => { m.register(); return import(${JSON.stringify(import.meta.url)}); });`,
        { eval: true, workerData: { ...f, measureMs: MEASURE_MS } satisfies WorkerInput },
      ),
  );
  await Promise.all(workers.map((w) => new Promise((r) => w.once('message', r))));
  const results = await Promise.all(
    workers.map(
      (w) =>
        new Promise<number>((resolve, reject) => {
          w.once('message', (v: number) => resolve(v));
          w.once('error', reject);
          w.postMessage('go');
        }),
    ),
  );
  await Promise.all(workers.map((w) => w.terminate()));
  return results.reduce((a, b) => a + b, 0);
}

function opensslRate(f: Fixture, caPem: string): number {
  const dir = mkdtempSync(join(tmpdir(), 'eimza-bench-'));
  try {
    writeFileSync(join(dir, 'content.bin'), CONTENT);
    writeFileSync(join(dir, 'trust.pem'), [...f.anchorsPem, caPem].join('\n'));
    const runs = Math.min(OPENSSL_RUNS, f.signatures.length);
    for (let i = 0; i < runs; i++) writeFileSync(join(dir, `s${i}.der`), f.signatures[i]!);
    const start = performance.now();
    for (let i = 0; i < runs; i++) {
      const r = spawnSync(
        'openssl',
        [
          'cms',
          '-verify',
          '-binary',
          '-inform',
          'DER',
          '-in',
          `s${i}.der`,
          '-content',
          'content.bin',
          '-CAfile',
          'trust.pem',
          '-purpose',
          'any',
          '-out',
          '/dev/null',
        ],
        { cwd: dir, stdio: 'pipe' },
      );
      if (r.status !== 0) throw new Error(`openssl cms -verify failed: ${r.stderr.toString()}`);
    }
    return runs / ((performance.now() - start) / 1000);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function describeCaKey(alg: KeyAlgorithm): string {
  const a = alg as KeyAlgorithm & { namedCurve?: string; modulusLength?: number };
  return a.namedCurve ? `EC ${a.namedCurve}` : `RSA-${a.modulusLength ?? '?'}`;
}

async function main(): Promise<void> {
  const t0 = performance.now();
  const running = await startTestPki();
  const { pki } = running;
  const anchorsPem = pki.anchors().map((a) => a.pem);
  const results: Record<string, unknown> = {};
  try {
    for (const type of ['rsa', 'ec'] as const) {
      const setup = performance.now();
      // Asynchronous: RSA key generation then runs on every core.
      const keys = await Promise.all(Array.from({ length: KEYS }, () => newKeyPair(type)));
      const signatures: Uint8Array[] = [];
      const floorInputs: FloorInput[] = [];
      for (let i = 0; i < SIGNATURES; i++) {
        const k = keys[i % KEYS]!;
        const cert = await pki.issueSigner({
          publicKey: new Uint8Array(k.publicKey.export({ format: 'der', type: 'spki' })),
          ca: type,
          tckn: '10000000146',
          name: `BENCH SIGNER ${i}`,
        });
        const signer = keySigner(k.privateKey);
        let signed: { signedAttributes: Uint8Array; signature: Uint8Array } | undefined;
        signatures.push(
          await signCades({
            content: CONTENT,
            certificate: cert.der,
            chain: [cert.chain[0]!.der],
            sign: async (digest, hash, request) => {
              const signature = await signer(digest, hash, request);
              signed = { signedAttributes: request.signedAttributes, signature };
              return signature;
            },
          }),
        );
        const signerKey: PublicKeyInput | JsonWebKeyInput =
          type === 'rsa'
            ? {
                key: k.publicKey.export({ format: 'der', type: 'pkcs1' }),
                format: 'der',
                type: 'pkcs1',
              }
            : { key: k.publicKey.export({ format: 'jwk' }), format: 'jwk' };
        const warmKey = createPublicKey(signerKey);
        nodeVerify('sha256', signed!.signedAttributes, warmKey, signed!.signature);
        floorInputs.push({
          signerKey,
          warmKey,
          ...signed!,
          certificate: new X509Certificate(cert.der),
          certificateDer: cert.der,
        });
      }
      const caPem = pki.issuingCa(type).pem;
      const fixture: Fixture = { signatures, anchorsPem };
      console.log(
        `${type}: ${SIGNATURES} certificates and signatures in ${((performance.now() - setup) / 1000).toFixed(1)} s`,
      );

      const caKey = new X509Certificate(pki.issuingCa(type).der).publicKey;
      const floor = floorVerifier(floorInputs, caKey, false);
      const coldFloor = floorVerifier(floorInputs, caKey, true);
      if (!floor(0) || !coldFloor(0)) throw new Error('crypto floor inputs do not verify');
      const [cadesPerSec = 0, rawVerifyPerSec = 0, cryptoFloorPerSec = 0, coldKeyFloorPerSec = 0] =
        await interleavedRates(4 * MEASURE_MS, [
          await warmValidator(fixture),
          rawVerifier(type),
          floor,
          coldFloor,
        ]);
      const opensslCmsPerSec = opensslRate(fixture, caPem);
      const threads = Number(process.env.BENCH_THREADS ?? availableParallelism());
      const workerCadesPerSec = await workerRate(fixture, threads);
      results[type] = {
        cadesPerSec: Math.round(cadesPerSec),
        rawVerifyPerSec: Math.round(rawVerifyPerSec),
        ratio: Number((cadesPerSec / rawVerifyPerSec).toFixed(3)),
        cryptoFloorPerSec: Math.round(cryptoFloorPerSec),
        // The highest ratio any validator doing the same cryptography could reach in this run.
        floorRatio: Number((cryptoFloorPerSec / rawVerifyPerSec).toFixed(3)),
        // The same with a new signer key every time (import and OpenSSL's first-use setup).
        coldKeyFloorPerSec: Math.round(coldKeyFloorPerSec),
        coldKeyFloorRatio: Number((coldKeyFloorPerSec / rawVerifyPerSec).toFixed(3)),
        opensslCmsPerSec: Math.round(opensslCmsPerSec),
        workerCadesPerSec: Math.round(workerCadesPerSec),
        workerThreads: threads,
        distinctCertificates: SIGNATURES,
        distinctKeys: KEYS,
        // The certificate signature is checked with the issuing CA's key, not the signer's.
        issuingCaKey: describeCaKey(pki.issuingCa(type).x509.publicKey.algorithm),
      };
      console.log(type, results[type]);
    }
  } finally {
    await running.close();
  }
  const out = {
    ...results,
    node: process.version,
    cpus: availableParallelism(),
    at: new Date().toISOString(),
    seconds: Number(((performance.now() - t0) / 1000).toFixed(1)),
  };
  mkdirSync(join(here, 'results'), { recursive: true });
  writeFileSync(join(here, 'results', 'verify.json'), JSON.stringify(out, null, 2) + '\n');
  console.log(JSON.stringify(out, null, 2));
}
