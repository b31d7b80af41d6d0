// Signatures per second on SoftHSM2 through @eimza/token (worker thread, message passing) against raw pkcs11js
// C_Sign in a loop on the same tokens, in the same run. Writes bench/results/token-sign.json.
// Run: npx tsx bench/token-sign.ts
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import pkcs11js from 'pkcs11js';
import { createTestTokens, TEST_TCKNS } from '@eimza/testpki';
import { openTokenService, type SigningSession } from '@eimza/token';

const SECONDS_PER_RUN = 1;
// Raw and layer runs alternate, so load from other processes on the machine hits both alike.
const ROUNDS = 4;
const PIPELINE_DEPTH = 16;
const DIGEST = createHash('sha256').update('eimza token bench').digest();
const DIGEST_INFO = Buffer.concat([
  Buffer.from('3031300d060960864801650304020105000420', 'hex'),
  DIGEST,
]);

type KeyKind = 'rsa' | 'ec';
const LABELS: Record<KeyKind, string> = { rsa: 'BENCH-RSA', ec: 'BENCH-EC' };

interface Figures {
  layerPerSec: number;
  /** Many signDigest calls in flight at once: what the worker sustains when the caller does not wait for each. */
  layerPipelinedPerSec: number;
  rawPerSec: number;
  /** layerPerSec / rawPerSec: the layer as a caller uses it (one awaited signature at a time). */
  ratio: number;
  /** Process CPU microseconds per signature, both threads counted: what the layer costs on top of C_Sign. */
  layerCpuUsPerSignature: number;
  rawCpuUsPerSignature: number;
}

/** Runs `work` (which returns how many signatures it made) for about SECONDS_PER_RUN seconds; signatures/s. */
async function rate(work: () => Promise<number> | number): Promise<Measure> {
  await work(); // warm-up
  let count = 0;
  const cpuBefore = process.cpuUsage();
  const began = performance.now();
  while (performance.now() - began < SECONDS_PER_RUN * 1000) count += await work();
  const seconds = (performance.now() - began) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  return { perSec: count / seconds, cpuUsPerSignature: (cpu.user + cpu.system) / count };
}

/** Wall-clock rate, and CPU time of the whole process (all threads) per signature: the latter does not depend on load. */
interface Measure {
  perSec: number;
  cpuUsPerSignature: number;
}

/** A raw pkcs11js session on one token, beside the layer's worker (the library is shared; the worker initialised it). */
function rawSigner(
  modulePath: string,
  pin: string,
  kind: KeyKind,
): { run: () => number; close: () => void } {
  const p11 = new pkcs11js.PKCS11();
  p11.load(modulePath);
  try {
    p11.C_Initialize();
  } catch (error) {
    if ((error as Error).message !== 'CKR_CRYPTOKI_ALREADY_INITIALIZED') throw error;
  }
  const slot = p11
    .C_GetSlotList(true)
    .find((candidate) => p11.C_GetTokenInfo(candidate).label.trim() === LABELS[kind]);
  if (!slot) throw new Error(`${LABELS[kind]} not found`);
  const session = p11.C_OpenSession(slot, pkcs11js.CKF_SERIAL_SESSION);
  try {
    p11.C_Login(session, pkcs11js.CKU_USER, pin);
  } catch (error) {
    // The layer's session already logged this application in: login state is per token, not per session.
    if ((error as Error).message !== 'CKR_USER_ALREADY_LOGGED_IN') throw error;
  }
  p11.C_FindObjectsInit(session, [{ type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_PRIVATE_KEY }]);
  const [key] = p11.C_FindObjects(session, 1);
  p11.C_FindObjectsFinal(session);
  if (!key) throw new Error(`no key on ${LABELS[kind]}`);
  const mechanism = { mechanism: kind === 'rsa' ? pkcs11js.CKM_RSA_PKCS : pkcs11js.CKM_ECDSA };
  const data = kind === 'rsa' ? DIGEST_INFO : DIGEST;
  const out = Buffer.alloc(512);
  return {
    run: () => {
      for (let i = 0; i < 20; i++) {
        p11.C_SignInit(session, mechanism, key);
        p11.C_Sign(session, data, out);
      }
      return 20;
    },
    close: () => p11.C_CloseSession(session),
  };
}

const sequential = (session: SigningSession) => async () => {
  for (let i = 0; i < 20; i++) await session.signDigest(DIGEST, { hash: 'SHA-256' });
  return 20;
};
const pipelined = (session: SigningSession) => async () => {
  await Promise.all(
    Array.from({ length: PIPELINE_DEPTH }, () => session.signDigest(DIGEST, { hash: 'SHA-256' })),
  );
  return PIPELINE_DEPTH;
};
const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;
const meanOf = (measures: Measure[], field: keyof Measure) =>
  mean(measures.map((measure) => measure[field]));

const round = (value: number) => Math.round(value);

const tokens = await createTestTokens({
  tokens: [
    { label: LABELS.rsa, keyType: 'rsa2048', tckn: TEST_TCKNS[0], name: 'AHMET YILMAZ' },
    { label: LABELS.ec, keyType: 'ec-p256', tckn: TEST_TCKNS[1], name: 'AYŞE KAYA' },
  ],
});
try {
  process.env.SOFTHSM2_CONF = tokens.confPath;
  const service = await openTokenService({ explicitOnly: true, modulePaths: [tokens.modulePath] });
  const results = {} as Record<KeyKind, Figures>;
  try {
    const certificates = await service.listCertificates();
    for (const kind of ['rsa', 'ec'] as const) {
      const certificate = certificates.find((candidate) => candidate.tokenLabel === LABELS[kind]);
      if (!certificate) throw new Error(`no certificate on ${LABELS[kind]}`);
      const session = await service.openSigningSession(certificate.id, tokens.pin);
      const raw = rawSigner(tokens.modulePath, tokens.pin, kind);
      const rates = { layer: [] as Measure[], pipelined: [] as Measure[], raw: [] as Measure[] };
      for (let round = 0; round < ROUNDS; round++) {
        rates.raw.push(await rate(raw.run));
        rates.layer.push(await rate(sequential(session)));
        rates.pipelined.push(await rate(pipelined(session)));
      }
      raw.close();
      await session.close();
      results[kind] = {
        layerPerSec: round(meanOf(rates.layer, 'perSec')),
        layerPipelinedPerSec: round(meanOf(rates.pipelined, 'perSec')),
        rawPerSec: round(meanOf(rates.raw, 'perSec')),
        ratio: Number((meanOf(rates.layer, 'perSec') / meanOf(rates.raw, 'perSec')).toFixed(3)),
        layerCpuUsPerSignature: round(meanOf(rates.layer, 'cpuUsPerSignature')),
        rawCpuUsPerSignature: round(meanOf(rates.raw, 'cpuUsPerSignature')),
      };
    }
  } finally {
    await service.close();
  }

  const report = {
    ...results,
    node: process.version,
    cpus: availableParallelism(),
    cpuModel: cpus()[0]?.model ?? 'unknown',
    secondsPerRun: SECONDS_PER_RUN,
    rounds: ROUNDS,
    loadAverage: loadavg()[0],
    at: new Date().toISOString(),
  };
  const out = join(dirname(fileURLToPath(import.meta.url)), 'results', 'token-sign.json');
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify(report, null, 2)}\n`);
  for (const kind of ['rsa', 'ec'] as const) {
    const figures = results[kind];
    console.log(
      `${kind === 'rsa' ? 'RSA-2048 PKCS#1' : 'EC P-256 ECDSA '}: layer ${figures.layerPerSec}/s (pipelined ${figures.layerPipelinedPerSec}/s), raw pkcs11js ${figures.rawPerSec}/s, ratio ${figures.ratio}; CPU per signature ${figures.layerCpuUsPerSignature} µs layer vs ${figures.rawCpuUsPerSignature} µs raw`,
    );
  }
  console.log(`wrote ${out}`);
} finally {
  tokens.cleanup();
}
