import { rmSync } from 'node:fs';
import { join } from 'node:path';
import {
  OPENCRYPTOKI_MODULE_PATH,
  createTestTokens,
  openCryptokiOnlyEnv,
  startTestPki,
  type LockingTokenFixture,
  type OpenCryptokiToken,
  type RunningTestPki,
  type SoftHsmTokenSpec,
  type TestTokens,
} from '@eimza/testpki';
import { openTokenService, type TokenService } from '@eimza/token';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { createDesktopServices } from '../../src/services/index.js';
import type { AppEvent } from '../../src/shared/ipc.js';
import { openRenderer, type RendererHarness } from '../renderer/harness.js';
import { startApi, tempDir, type TestApi } from './api.js';

/** A live test PKI, the cards it certified, a token service over them, and the real API trusting it. */
export interface Stack {
  work: string;
  pki: RunningTestPki;
  tokens: TokenService;
  api: TestApi;
  /** Stops and removes everything, newest first (and releases the openCryptoki lock). */
  close(): Promise<void>;
}

export interface SoftHsmStack extends Stack {
  cards: TestTokens;
}

export interface LockingStack extends Stack {
  lockingToken: OpenCryptokiToken;
}

/** openCryptoki's soft token as the test's one card (label EIMZA-LOCK): its PIN and PUK really lock. */
export interface LockingCard {
  fixture: LockingTokenFixture;
  pin: string;
  puk: string;
  tckn: string;
  name: string;
}

type Step = () => unknown;

/**
 * Runs `build` with a list it pushes undo steps onto; the stack's close runs them newest first,
 * and so does a failed build before it rethrows (nothing is left running for the next file).
 */
async function buildStack<S>(
  build: (undo: Step[]) => Promise<S>,
): Promise<S & { close(): Promise<void> }> {
  const undo: Step[] = [];
  const close = async () => {
    for (const step of undo.splice(0).reverse()) await step();
  };
  try {
    return { ...(await build(undo)), close };
  } catch (error) {
    await close();
    throw error;
  }
}

async function startBase(name: string, undo: Step[]) {
  const work = tempDir(`eimza-desktop-${name}-`);
  undo.push(() => rmSync(work, { recursive: true, force: true }));
  const pki = await startTestPki();
  undo.push(() => pki.close());
  return { work, pki };
}

async function serve(
  name: string,
  base: { work: string; pki: RunningTestPki },
  tokens: TokenService,
  undo: Step[],
) {
  undo.push(() => tokens.close());
  const api = await startApi(base.work, base.pki.pki, name);
  undo.push(() => api.stop());
  return { ...base, tokens, api };
}

/**
 * SoftHSM2 cards made afresh for this file (SOFTHSM2_CONF points this process at them); without
 * `tokens`, testpki's two demo cards (Ahmet's RSA, Ayşe's EC).
 */
export function startSoftHsmStack(
  name: string,
  cards: { pin: string; puk?: string; tokens?: SoftHsmTokenSpec[] },
): Promise<SoftHsmStack> {
  return buildStack(async (undo) => {
    const base = await startBase(name, undo);
    const made = await createTestTokens({ pki: base.pki.pki, ...cards });
    undo.push(() => made.cleanup());
    process.env.SOFTHSM2_CONF = made.confPath;
    const tokens = await openTokenService({ explicitOnly: true, modulePaths: [made.modulePath] });
    return { ...(await serve(name, base, tokens, undo)), cards: made };
  });
}

/** The host-wide openCryptoki token, set up afresh under its lock (held until close). */
export function startLockingStack(name: string, card: LockingCard): Promise<LockingStack> {
  return buildStack(async (undo) => {
    const base = await startBase(name, undo);
    const { fixture, ...holder } = card;
    undo.push(() => fixture.release());
    const lockingToken = await fixture.setUp({ pki: base.pki.pki, label: 'EIMZA-LOCK', ...holder });
    const tokens = await openTokenService({
      explicitOnly: true,
      modulePaths: [OPENCRYPTOKI_MODULE_PATH],
      env: openCryptokiOnlyEnv(),
    });
    return { ...(await serve(name, base, tokens, undo)), lockingToken };
  });
}

export interface UiOptions {
  /** The card watcher's poll; the app's own default (1 s) when omitted. */
  watchIntervalMs?: number;
  /** Runs on every event the services push, before the page gets it. */
  onEvent?: (event: AppEvent) => void;
}

export type WithUi<S extends Stack> = S & { ui: RendererHarness; page: Page };

/**
 * The renderer in Chromium over the real desktop services on `stack` (state in `<work>/state`,
 * Turkish); closing it closes the stack too.
 */
export async function openDesktopUi<S extends Stack>(
  stack: S,
  options: UiOptions = {},
): Promise<WithUi<S>> {
  const { onEvent, watchIntervalMs } = options;
  try {
    const ui = await openRenderer({
      services: (deliver) =>
        createDesktopServices({
          env: {
            EIMZA_STATE_DIR: join(stack.work, 'state'),
            LANG: 'tr_TR.UTF-8',
            EIMZA_API_URL: stack.api.url,
          },
          emit: (event) => {
            onEvent?.(event);
            deliver(event);
          },
          tokens: stack.tokens,
          ...(watchIntervalMs === undefined ? {} : { watchIntervalMs }),
        }),
    });
    const close = async () => {
      await ui.close();
      await stack.close();
    };
    return { ...stack, ui, page: ui.page, close };
  } catch (error) {
    await stack.close();
    throw error;
  }
}

/**
 * The file's stack with the renderer on it, started before its tests and closed after them;
 * `use` takes what the tests need from it. Nothing starts when `skip` says why.
 */
export function useDesktopUi<S extends Stack>(
  start: () => Promise<S>,
  options: UiOptions & { skip?: string | undefined },
  use: (app: WithUi<S>) => void,
): void {
  let app: WithUi<S> | undefined;
  beforeAll(async () => {
    if (options.skip) return;
    app = await openDesktopUi(await start(), options);
    use(app);
  }, 240_000);
  afterAll(() => app?.close());
}
