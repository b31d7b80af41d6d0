import { createHash } from 'node:crypto';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import pkcs11js from 'pkcs11js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestTokens, TEST_TCKNS, type TestTokens } from '@eimza/testpki';
import { openTokenService, type TokenService } from '../src/index.js';
import { capturingLogger } from './helpers.js';

// Many RSA-2048 signatures: long enough to measure, the same work on the main thread and in the worker.
const SIGNATURES = 300;
const DIGEST = createHash('sha256').update('event loop').digest();
const DIGEST_INFO = Buffer.concat([
  Buffer.from('3031300d060960864801650304020105000420', 'hex'),
  DIGEST,
]);

let tokens: TestTokens;
let service: TokenService;
let mainThreadMs: number;

/** The control: the same C_Sign loop on the calling thread blocks its event loop for the whole run. */
function signOnMainThread(): number {
  const p11 = new pkcs11js.PKCS11();
  p11.load(tokens.modulePath);
  p11.C_Initialize();
  try {
    const slot = p11
      .C_GetSlotList(true)
      .find((candidate) => p11.C_GetTokenInfo(candidate).label.trim() === 'LOOP-RSA');
    if (!slot) throw new Error('LOOP-RSA not found');
    const session = p11.C_OpenSession(slot, pkcs11js.CKF_SERIAL_SESSION);
    p11.C_Login(session, pkcs11js.CKU_USER, tokens.pin);
    p11.C_FindObjectsInit(session, [{ type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_PRIVATE_KEY }]);
    const [key] = p11.C_FindObjects(session, 1);
    p11.C_FindObjectsFinal(session);
    if (!key) throw new Error('no private key');
    const began = performance.now();
    for (let i = 0; i < SIGNATURES; i++) {
      p11.C_SignInit(session, { mechanism: pkcs11js.CKM_RSA_PKCS }, key);
      p11.C_Sign(session, DIGEST_INFO, Buffer.alloc(256));
    }
    return performance.now() - began;
  } finally {
    p11.C_Finalize();
    p11.close();
  }
}

beforeAll(async () => {
  tokens = await createTestTokens({
    tokens: [{ label: 'LOOP-RSA', keyType: 'rsa2048', tckn: TEST_TCKNS[0], name: 'AHMET YILMAZ' }],
  });
  process.env.SOFTHSM2_CONF = tokens.confPath;
  mainThreadMs = signOnMainThread();
  service = await openTokenService({
    explicitOnly: true,
    modulePaths: [tokens.modulePath],
    logger: capturingLogger().logger,
  });
});

afterAll(async () => {
  await service?.close();
  tokens?.cleanup();
});

describe('PKCS#11 work runs off the calling thread', () => {
  it('keeps the event loop ticking while the worker signs', async () => {
    expect(mainThreadMs).toBeGreaterThan(100);
    const [certificate] = await service.listCertificates();
    if (!certificate) throw new Error('no certificate');
    const session = await service.openSigningSession(certificate.id, tokens.pin);

    const delay = monitorEventLoopDelay({ resolution: 5 });
    let ticks = 0;
    const ticker = setInterval(() => ticks++, 5);
    delay.enable();
    const began = performance.now();
    await Promise.all(
      Array.from({ length: SIGNATURES }, () => session.signDigest(DIGEST, { hash: 'SHA-256' })),
    );
    const workerMs = performance.now() - began;
    delay.disable();
    clearInterval(ticker);
    await session.close();

    const maxDelayMs = delay.max / 1e6;
    console.log(
      `${SIGNATURES} RSA signatures: main thread blocked ${mainThreadMs.toFixed(0)} ms; through the worker ${workerMs.toFixed(0)} ms with max event-loop delay ${maxDelayMs.toFixed(1)} ms and ${ticks} timer ticks`,
    );
    // The batch ran long enough to notice a stall, yet the loop never stalled for more than a small part of it
    // (signing on this thread would stall it for the whole batch, as the control shows). Bounds are relative:
    // other test processes share the two cores and add scheduling jitter.
    expect(workerMs).toBeGreaterThan(100);
    expect(maxDelayMs).toBeLessThan(Math.min(mainThreadMs, workerMs) / 4);
    expect(ticks).toBeGreaterThan(workerMs / 5 / 3);
  });
});
