import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SOFTHSM_MODULE_PATH, writeSoftHsmConf } from '@eimza/testpki';
import { openTokenService, type TokenService } from '@eimza/token';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY } from '../../src/main/renderer-protocol.js';
import { createDesktopServices, type DesktopServices } from '../../src/services/index.js';
import {
  buildRenderer,
  launchChromium,
  preloadScript,
  serveRenderer,
} from '../renderer/harness.js';

// The built renderer as Electron serves it: every request answered by the main process's app://
// handler (here behind a loopback HTTP adapter, since Chromium cannot be given a custom scheme),
// with its CSP header, the real preload surface over the real services. Nothing may be blocked.
let work: string;
let tokens: TokenService;
let services: DesktopServices;
let server: Server;
let url: string;
let browser: Browser;
let page: Page;
const problems: string[] = [];

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'eimza-renderer-csp-'));
  const { confPath } = writeSoftHsmConf(join(work, 'softhsm'));
  process.env.SOFTHSM2_CONF = confPath;
  tokens = await openTokenService({ explicitOnly: true, modulePaths: [SOFTHSM_MODULE_PATH] });
  services = await createDesktopServices({
    emit: () => undefined,
    env: { EIMZA_STATE_DIR: join(work, 'state'), LANG: 'tr_TR.UTF-8' },
    tokens,
  });

  ({ url, server } = await serveRenderer(await buildRenderer()));

  browser = await launchChromium();
  page = await browser.newPage();
  page.on('console', (message) => {
    // Chromium's tab UI asks for /favicon.ico on its own; Electron windows have no tab to show it.
    if (message.type() === 'error' && !message.location().url.endsWith('/favicon.ico')) {
      problems.push(`console: ${message.text()} (${message.location().url})`);
    }
  });
  page.on('pageerror', (error) => problems.push(`page: ${error.message}`));
  await page.exposeBinding('__eimzaInvoke', (_source, channel: string, request: unknown) => {
    const handler = (services.handlers as Record<string, (r: unknown) => Promise<unknown>>)[
      channel
    ];
    return handler!(request).then((answer) => JSON.parse(JSON.stringify(answer)) as unknown);
  });
  await page.addInitScript({
    content: `window.__violations = [];
      document.addEventListener('securitypolicyviolation', (event) =>
        window.__violations.push(event.violatedDirective + ' ' + event.blockedURI));`,
  });
  await page.addInitScript({ content: await preloadScript() });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await new Promise((done) => (server ? server.close(done) : done(undefined)));
  await services?.close();
  await tokens?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

const violations = (): Promise<string[]> =>
  page.evaluate(() => (globalThis as unknown as { __violations: string[] }).__violations);

describe('the renderer under the app:// handler’s CSP', () => {
  it('loads and draws the start screen with nothing blocked and no errors', async () => {
    const answer = await page.goto(url);
    expect(answer?.headers()['content-security-policy']).toBe(CONTENT_SECURITY_POLICY);
    await page.locator('#root > *').first().waitFor();
    await expect.poll(() => page.locator('input').count()).toBeGreaterThan(0);
    expect(await violations()).toEqual([]);
    expect(problems).toEqual([]);
  });

  it('blocks inline script and remote requests (the policy bites)', async () => {
    const outcome = await page.evaluate(async () => {
      const scope = globalThis as unknown as { __inline?: boolean };
      const script = document.createElement('script');
      script.textContent = 'globalThis.__inline = true;';
      document.body.appendChild(script);
      const fetched = await fetch('https://example.com/').then(
        () => true,
        () => false,
      );
      return { inline: scope.__inline === true, fetched };
    });
    expect(outcome).toEqual({ inline: false, fetched: false });
    const blocked = await violations();
    expect(blocked.some((entry) => entry.startsWith('script-src'))).toBe(true);
    expect(blocked.some((entry) => entry.startsWith('connect-src'))).toBe(true);
  });
});
