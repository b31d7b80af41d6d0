import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  SOFTHSM_MODULE_PATH,
  createTestTokens,
  startTestPki,
  type RunningTestPki,
  type TestTokens,
} from '@eimza/testpki';
import { _electron, type ElectronApplication, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { displayAvailable, electronBinary } from '../../../../scripts/electron-binary.mjs';
import type { AppEvent, EimzaApi, SigningSnapshot } from '../../src/shared/ipc.js';
import { createSession, sessionState, startApi } from '../support/api.js';

// The packaged shape of the app (dist/ built by build.mjs, started by the real Electron binary)
// against SoftHSM2 tokens and the real API. Where the binary or a display is missing they skip
// and say why; CI runs them on Windows, macOS and Linux (xvfb-run).
const DESKTOP = join(import.meta.dirname, '..', '..');
const binary = electronBinary();
const skipReason =
  binary.reason ?? (displayAvailable() ? undefined : 'no display (DISPLAY/WAYLAND_DISPLAY unset)');
const skipped = skipReason !== undefined;
const why = skipped ? ` (skipped: ${skipReason})` : '';
// The test PKI provisions SoftHSM2 tokens where Debian/Ubuntu install it; elsewhere the signing
// test skips (the launch and deep-link tests still run).
const softHsm = existsSync(SOFTHSM_MODULE_PATH);
const signingWhy = skipped
  ? why
  : softHsm
    ? ''
    : ` (skipped: SoftHSM2 is not installed at ${SOFTHSM_MODULE_PATH})`;

const AHMET = '10000000146';
const PIN = 'Electron-PIN-2468';
const PUK = 'Electron-PUK-1357';

/** What the page sees: the preload's API and the events the test collects. */
type PageGlobals = { eimza: EimzaApi; __events: AppEvent[] };

let pki: RunningTestPki;
let tokens: TestTokens | undefined;
let api: Awaited<ReturnType<typeof startApi>>;
let work: string;

beforeAll(async () => {
  if (skipped) return;
  execFileSync(process.execPath, [join(DESKTOP, 'build.mjs')], { stdio: 'pipe' });
  work = mkdtempSync(join(tmpdir(), 'eimza-electron-'));
  pki = await startTestPki();
  if (softHsm) {
    tokens = await createTestTokens({
      pki: pki.pki,
      pin: PIN,
      puk: PUK,
      tokens: [
        { label: 'EIMZA-RSA', keyType: 'rsa2048', tckn: AHMET, name: 'AHMET YILMAZ', ca: 'rsa' },
      ],
    });
  }
  api = await startApi(work, pki.pki, 'electron');
}, 240_000);

afterAll(async () => {
  await api?.app.close();
  await pki?.close();
  tokens?.cleanup();
  if (work) rmSync(work, { recursive: true, force: true });
});

function appEnv(stateDir: string): NodeJS.ProcessEnv {
  return {
    ...process.env,
    EIMZA_STATE_DIR: stateDir,
    EIMZA_API_URL: api.url,
    ...(tokens ? { EIMZA_PKCS11_MODULE: tokens.modulePath, SOFTHSM2_CONF: tokens.confPath } : {}),
    LANG: 'tr_TR.UTF-8',
  };
}

async function launch(
  stateDir: string,
  extraArgs: string[] = [],
): Promise<{ app: ElectronApplication; page: Page }> {
  const app = await _electron.launch({
    executablePath: binary.path!,
    args: [DESKTOP, ...extraArgs],
    env: appEnv(stateDir) as Record<string, string>,
    timeout: 60_000,
  });
  const page = await app.firstWindow();
  await page.waitForLoadState('domcontentloaded');
  return { app, page };
}

function snapshot(page: Page): Promise<SigningSnapshot> {
  return page.evaluate(async () => {
    const answer = await (globalThis as unknown as PageGlobals).eimza.signing.snapshot();
    if (!answer.ok) throw new Error(answer.error.code);
    return answer.value;
  });
}

describe('the Electron app', () => {
  it.skipIf(skipped)(
    `launches one sandboxed window from app://eimza with only window.eimza exposed${why}`,
    async () => {
      const state = mkdtempSync(join(tmpdir(), 'eimza-electron-state-'));
      const { app, page } = await launch(state);
      try {
        expect(page.url()).toBe('app://eimza/index.html');
        expect(app.windows()).toHaveLength(1);
        const surface = await page.evaluate(() => {
          const scope = globalThis as unknown as Record<string, unknown>;
          return {
            eimza: Object.keys(scope.eimza as object).sort(),
            require: typeof scope.require,
            process: typeof scope.process,
            ipcRenderer: typeof scope.ipcRenderer,
          };
        });
        expect(surface).toEqual({
          eimza: [
            'app',
            'diagnostics',
            'onEvent',
            'origins',
            'pin',
            'settings',
            'signing',
            'tokens',
          ],
          require: 'undefined',
          process: 'undefined',
          ipcRenderer: 'undefined',
        });
        const info = await page.evaluate(() =>
          (globalThis as unknown as PageGlobals).eimza.app.info(),
        );
        expect(info).toMatchObject({ ok: true, value: { stateDir: state } });
        // Navigation and new windows are refused.
        await page.evaluate(() => {
          globalThis.open('https://example.com/');
          globalThis.location.href = 'https://example.com/';
        });
        await new Promise((resolve) => setTimeout(resolve, 500));
        expect(app.windows()).toHaveLength(1);
        expect(page.url()).toBe('app://eimza/index.html');
      } finally {
        await app.close();
        rmSync(state, { recursive: true, force: true });
      }
    },
    120_000,
  );

  it.skipIf(skipped)(
    `opens with an eimza:// link, and a second launch hands its link to the running window${why}`,
    async () => {
      const state = mkdtempSync(join(tmpdir(), 'eimza-electron-state-'));
      const first = await createSession(api.url, { purpose: 'login', tckn: AHMET });
      const link = (code: string): string =>
        `eimza://sign?code=${code}&api=${encodeURIComponent(api.url)}`;
      const { app, page } = await launch(state, [link(first.verificationCode)]);
      try {
        // The renderer takes the first launch's link and starts signing with it.
        await expect
          .poll(async () => (await snapshot(page)).verificationCode, { timeout: 30_000 })
          .toBe(first.verificationCode);

        await page.evaluate(() => {
          const scope = globalThis as unknown as PageGlobals;
          scope.__events = [];
          scope.eimza.onEvent((event) => scope.__events.push(event));
        });
        const second = await createSession(api.url, { purpose: 'login', tckn: AHMET });
        const exit = await new Promise<number | null>((resolve, reject) => {
          const child = spawn(binary.path!, [DESKTOP, link(second.verificationCode)], {
            env: appEnv(state),
            stdio: 'ignore',
          });
          child.once('error', reject);
          child.once('exit', resolve);
        });
        expect(exit).toBe(0);
        await expect
          .poll(
            () =>
              page.evaluate(() =>
                (globalThis as unknown as PageGlobals).__events.flatMap((event) =>
                  event.type === 'deep-link' ? [event.link.code] : [],
                ),
              ),
            { timeout: 30_000 },
          )
          .toContain(second.verificationCode);
        expect(app.windows()).toHaveLength(1);
      } finally {
        await app.close();
        rmSync(state, { recursive: true, force: true });
      }
    },
    120_000,
  );

  it.skipIf(skipped || !softHsm)(
    `signs a login challenge with the SoftHSM2 token through the preload API${signingWhy}`,
    async () => {
      const state = mkdtempSync(join(tmpdir(), 'eimza-electron-state-'));
      const session = await createSession(api.url, { purpose: 'login', tckn: AHMET });
      const { app, page } = await launch(state);
      try {
        const started = await page.evaluate(
          async ([code, apiOrigin]) => {
            const answer = await (globalThis as unknown as PageGlobals).eimza.signing.start({
              code: code!,
              apiOrigin: apiOrigin!,
            });
            if (!answer.ok) throw new Error(`${answer.error.code}: ${answer.error.message}`);
            return answer.value;
          },
          [session.verificationCode, api.url],
        );
        expect(started).toMatchObject({ step: 'choosing', choices: { signer: 'matched' } });
        const certificateId = started.choices!.preselectedId ?? started.choices!.usable[0]!.id;
        const signed = await page.evaluate(
          async ([id, pin]) => {
            const answer = await (globalThis as unknown as PageGlobals).eimza.signing.sign({
              certificateId: id!,
              pin: pin!,
            });
            if (!answer.ok) throw new Error(`${answer.error.code}: ${answer.error.message}`);
            return answer.value;
          },
          [certificateId, PIN],
        );
        expect(signed).toMatchObject({
          step: 'done',
          result: { state: 'signed', signer: { tckn: AHMET } },
        });
        expect(await sessionState(api.app, session)).toMatchObject({ state: 'signed' });
      } finally {
        await app.close();
        rmSync(state, { recursive: true, force: true });
      }
    },
    120_000,
  );
});
