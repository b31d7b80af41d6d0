import { join } from 'node:path';
import {
  OPENCRYPTOKI_MODULE_PATH,
  acquireOpenCryptokiLock,
  ensureOpenCryptokiToken,
  openCryptokiUnavailableReason,
  startTestPki,
  type ReleaseLock,
  type RunningTestPki,
} from '@eimza/testpki';
import { openTokenService, type TokenService } from '@eimza/token';
import type { FastifyInstance } from 'fastify';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createDesktopServices } from '../../src/services/index.js';
import { createSession, sessionState, startApi, tempDir } from '../support/api.js';
import { axeViolations, openRenderer, SCREENSHOTS, type RendererHarness } from './harness.js';

// A PIN that really locks needs openCryptoki's soft token (SoftHSM2 never locks); the token is
// host-wide, so the openCryptoki lock is held for the whole file.
const AHMET = '10000000146';
const PIN = '123456';
const PUK = '12345678';
const WRONG = '999999';

const unavailable = openCryptokiUnavailableReason();
const title = (name: string) => (unavailable ? `${name} (skipped: ${unavailable})` : name);

let release: ReleaseLock | undefined;
let pki: RunningTestPki;
let tokens: TokenService;
let api: { app: FastifyInstance; url: string };
let ui: RendererHarness;
let page: Page;

beforeAll(async () => {
  if (unavailable) return;
  release = await acquireOpenCryptokiLock();
  pki = await startTestPki();
  await ensureOpenCryptokiToken({
    pki: pki.pki,
    label: 'EIMZA-LOCK',
    pin: PIN,
    puk: PUK,
    tckn: AHMET,
    name: 'AHMET YILMAZ',
  });
  const env = { ...process.env };
  delete env.EIMZA_PKCS11_MODULE;
  tokens = await openTokenService({
    explicitOnly: true,
    modulePaths: [OPENCRYPTOKI_MODULE_PATH],
    env,
  });
  const work = tempDir('eimza-renderer-lock-');
  api = await startApi(work, pki.pki, 'lock');
  ui = await openRenderer({
    services: (deliver) =>
      createDesktopServices({
        env: { EIMZA_STATE_DIR: join(work, 'state'), LANG: 'tr_TR.UTF-8', EIMZA_API_URL: api.url },
        emit: deliver,
        tokens,
        watchIntervalMs: 500,
      }),
  });
  page = ui.page;
}, 240_000);

afterAll(async () => {
  await ui?.close();
  await tokens?.close();
  await api?.app.close();
  await pki?.close();
  await release?.();
});

async function signWith(pin: string): Promise<void> {
  await page.getByLabel("Kartınızın PIN'i").fill(pin);
  await page.getByRole('button', { name: 'İmzala', exact: true }).last().click();
}

it.skipIf(unavailable)(
  title(
    'wrong PINs: "yanlış deneme", then SON DENEME HAKKI, then locked; the PUK unlock on the same page, then signed',
  ),
  async () => {
    const session = await createSession(api.url, { purpose: 'login', tckn: AHMET });
    await page.getByLabel('Doğrulama kodu (15 hane)').fill(session.verificationCode);
    await page.getByRole('button', { name: 'İleri' }).click();
    await page.getByRole('radio', { name: 'AHMET YILMAZ' }).waitFor();

    await signWith(WRONG);
    await page.getByText('Daha önce yanlış deneme yapıldı').waitFor();
    await signWith(WRONG);
    await page.getByText('SON DENEME HAKKI').waitFor();
    await page.getByRole('heading', { name: 'PIN', exact: true }).scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(SCREENSHOTS, 'desktop-pin-last-try.png'), fullPage: true });
    expect(await axeViolations(page)).toEqual([]);

    await signWith(WRONG);
    await page.getByRole('heading', { name: 'PIN kilitli' }).waitFor();
    expect(await page.getByLabel("Kartınızın PIN'i").count()).toBe(0);
    expect(await axeViolations(page)).toEqual([]);

    await page.getByLabel('PUK', { exact: true }).fill(PUK);
    await page.getByLabel('Yeni PIN', { exact: true }).fill(PIN);
    await page.getByLabel('Yeni PIN (tekrar)').fill(PIN);
    await page.getByRole('button', { name: 'Kilidi çöz' }).click();
    await page.getByLabel("Kartınızın PIN'i").waitFor();
    expect(await page.getByText('SON DENEME HAKKI').count()).toBe(0);

    await signWith(PIN);
    await page.getByRole('heading', { name: 'İmzalandı' }).waitFor({ timeout: 30_000 });
    expect(await sessionState(api.app, session)).toMatchObject({ state: 'signed' });
    const unlocks = ui.calls.filter((c) => c.channel === 'pin:unlock');
    expect(unlocks).toHaveLength(1);
    expect(await page.content()).not.toContain(PUK);
  },
);
