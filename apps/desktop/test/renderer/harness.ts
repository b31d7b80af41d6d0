import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build as esbuild } from 'esbuild';
import { chromium, type Browser, type Page } from 'playwright-core';
import { build as viteBuild } from 'vite';
import type { AppEvent, Channel, MainHandlers } from '../../src/shared/ipc.js';
import { APP_HOST, APP_SCHEME, createRendererHandler } from '../../src/main/renderer-protocol.js';

const DESKTOP = resolve(import.meta.dirname, '..', '..');

/** What the harness needs of the desktop services: the main-process handlers and the deep-link entry. */
export interface ServicesLike {
  /** Partial: a channel without a handler answers INVALID_REQUEST, as an unregistered IPC channel fails. */
  handlers: Partial<MainHandlers>;
  openDeepLink?(url: string): void;
  close?(): Promise<void>;
}

export interface OpenRendererOptions {
  /**
   * The services, or a factory given the event sink (e.g.
   * `(deliver) => createDesktopServices({ emit: deliver, env })`); services made by a factory are
   * closed with the harness.
   */
  services:
    ServicesLike | ((deliver: (event: AppEvent) => void) => ServicesLike | Promise<ServicesLike>);
  viewport?: { width: number; height: number };
  /** Browser timezone, for the dates the screens show; default Europe/Istanbul. */
  timezoneId?: string;
}

export interface RendererHarness {
  page: Page;
  services: ServicesLike;
  /** Pushes a main → renderer event, in order; events before the page is ready are queued. */
  deliver(event: AppEvent): void;
  /** Resolves once every event delivered so far has reached the page. */
  delivered(): Promise<void>;
  /** Every channel call the page made, in order (requests as sent; secrets included, so never print them). */
  calls: Array<{ channel: Channel; request: unknown }>;
  close(): Promise<void>;
}

let built: Promise<string> | undefined;

/** Builds the renderer once per process into a temporary folder (test files run in parallel processes). */
export function buildRenderer(): Promise<string> {
  built ??= (async () => {
    const outDir = mkdtempSync(join(tmpdir(), 'eimza-renderer-'));
    process.once('exit', () => rmSync(outDir, { recursive: true, force: true }));
    // What ships: React's production build, not the development one vitest's NODE_ENV would pick.
    const nodeEnv = process.env.NODE_ENV;
    process.env.NODE_ENV = 'production';
    try {
      await viteBuild({
        configFile: join(DESKTOP, 'vite.config.ts'),
        mode: 'production',
        logLevel: 'warn',
        build: { outDir, emptyOutDir: true },
      });
    } finally {
      process.env.NODE_ENV = nodeEnv;
    }
    return outDir;
  })();
  return built;
}

let preloadSource: Promise<string> | undefined;

/**
 * The real preload surface as a page script: `createEimzaApi` from src/shared over a transport
 * whose invoke is the page binding and whose events come from `__eimzaDeliver`.
 */
export function preloadScript(): Promise<string> {
  preloadSource ??= esbuild({
    stdin: {
      contents: `
        import { createEimzaApi } from './eimza-api.ts';
        const listeners = new Set();
        window.__eimzaDeliver = (event) => { for (const listener of [...listeners]) listener(event); };
        window.eimza = Object.freeze(createEimzaApi({
          invoke: (channel, request) => window.__eimzaInvoke(channel, request),
          onEvent: (listener) => { listeners.add(listener); return () => listeners.delete(listener); },
        }));
      `,
      resolveDir: join(DESKTOP, 'src', 'shared'),
      loader: 'ts',
    },
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'chrome120',
    write: false,
  }).then((result) => result.outputFiles[0]!.text);
  return preloadSource;
}

/**
 * The built renderer on 127.0.0.1, every request answered by the main process's own app:// handler
 * (Chromium cannot be given a custom scheme here), so its CSP and headers are the app's.
 */
export async function serveRenderer(root: string): Promise<{ url: string; server: Server }> {
  const handle = createRendererHandler(root);
  const server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://127.0.0.1').pathname;
    void handle(new Request(`${APP_SCHEME}://${APP_HOST}${path}`, { method: request.method }))
      .then(async (answer) => {
        response.writeHead(answer.status, Object.fromEntries(answer.headers));
        response.end(Buffer.from(await answer.arrayBuffer()));
      })
      .catch(() => response.writeHead(500).end());
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('no address');
  return { url: `http://127.0.0.1:${address.port}/`, server };
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

/** Answers as Electron's IPC would: a structured, JSON-shaped copy, never a shared object. */
async function invoke(
  handlers: Partial<MainHandlers>,
  channel: string,
  request: unknown,
): Promise<unknown> {
  const handler = (
    handlers as Record<string, ((request: unknown) => Promise<unknown>) | undefined>
  )[channel];
  if (!handler)
    return { ok: false, error: { code: 'INVALID_REQUEST', message: `no handler for ${channel}` } };
  return JSON.parse(JSON.stringify(await handler(request))) as unknown;
}

/**
 * Opens the built renderer in Debian Chromium with `window.eimza` defined by the real preload API
 * over a page binding to `services.handlers`.
 */
export async function openRenderer(options: OpenRendererOptions): Promise<RendererHarness> {
  const [root, preload] = await Promise.all([buildRenderer(), preloadScript()]);
  const { url, server } = await serveRenderer(root);
  const browser = await launchChromium();
  const context = await browser.newContext({
    viewport: options.viewport ?? { width: 960, height: 900 },
    locale: 'tr-TR',
    timezoneId: options.timezoneId ?? 'Europe/Istanbul',
  });
  const page = await context.newPage();

  let ready = false;
  const queue: AppEvent[] = [];
  let chain: Promise<void> = Promise.resolve();
  const send = (event: AppEvent) => {
    chain = chain
      .then(() =>
        page.evaluate((e) => {
          (window as unknown as { __eimzaDeliver(event: unknown): void }).__eimzaDeliver(e);
        }, event),
      )
      .catch(() => undefined);
  };
  const deliver = (event: AppEvent): void => {
    const copy = JSON.parse(JSON.stringify(event)) as AppEvent;
    if (ready) send(copy);
    else queue.push(copy);
  };

  const owned = typeof options.services === 'function';
  const services =
    typeof options.services === 'function' ? await options.services(deliver) : options.services;
  const calls: RendererHarness['calls'] = [];
  await page.exposeBinding('__eimzaInvoke', (_source, channel: Channel, request: unknown) => {
    calls.push({ channel, request });
    return invoke(services.handlers, channel, request);
  });
  await page.addInitScript({ content: preload });
  await page.goto(url);
  await page.locator('#root > *').first().waitFor();
  ready = true;
  for (const event of queue.splice(0)) send(event);

  return {
    page,
    services,
    deliver,
    delivered: () => chain,
    calls,
    close: async () => {
      await chain;
      await browser.close();
      await new Promise<void>((done) => server.close(() => done()));
      if (owned) await services.close?.();
    },
  };
}

const AXE_SOURCE = readFileSync(
  createRequire(import.meta.url).resolve('axe-core/axe.min.js'),
  'utf8',
);

/** axe-core's violations on the page as `id (count): first target`, evaluated through DevTools so the CSP stands. */
export async function axeViolations(page: Page): Promise<string[]> {
  await page.evaluate(AXE_SOURCE);
  return page.evaluate(async () => {
    const axe = (
      window as unknown as {
        axe: {
          run(): Promise<{
            violations: { id: string; nodes: { target: unknown[] }[] }[];
          }>;
        };
      }
    ).axe;
    const result = await axe.run();
    return result.violations.map(
      (v) => `${v.id} (${v.nodes.length}): ${JSON.stringify(v.nodes[0]?.target)}`,
    );
  });
}

export const SCREENSHOTS = join(DESKTOP, '..', '..', 'docs', 'screenshots');
