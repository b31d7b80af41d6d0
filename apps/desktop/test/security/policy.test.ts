import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The Electron security rules, checked over the sources that set them and over what the build
// emits (electronegativity covers the common ones; these pin down the rest and the exact values).
const DESKTOP = join(import.meta.dirname, '..', '..');
const SRC = join(DESKTOP, 'src');
const read = (...parts: string[]): string => readFileSync(join(SRC, ...parts), 'utf8');

function sourcesUnder(dir: string): string[] {
  return readdirSync(join(SRC, dir), { recursive: true, encoding: 'utf8' })
    .filter((file) => /\.tsx?$/.test(file) && !file.endsWith('.test.ts'))
    .map((file) => join(dir, file));
}

const main = read('main', 'index.ts');

describe('main process policy (src/main/index.ts)', () => {
  it('creates the window with isolation, sandbox and no Node, webview or spellcheck', () => {
    const options = /new BrowserWindow\(\{([\s\S]*?)\n {2}\}\);/.exec(main)?.[1] ?? '';
    for (const flag of [
      'contextIsolation: true',
      'sandbox: true',
      'nodeIntegration: false',
      'nodeIntegrationInWorker: false',
      'nodeIntegrationInSubFrames: false',
      'webSecurity: true',
      'allowRunningInsecureContent: false',
      'webviewTag: false',
      'spellcheck: false',
    ]) {
      expect(options, flag).toContain(flag);
    }
  });

  it('denies navigation, redirects, webviews, new windows, permissions and remote requests', () => {
    expect(main).toMatch(/'will-navigate', \(navigation\) => navigation\.preventDefault\(\)/);
    expect(main).toMatch(/'will-redirect', \(navigation\) => navigation\.preventDefault\(\)/);
    expect(main).toMatch(/'will-attach-webview', \(attach\) => attach\.preventDefault\(\)/);
    expect(main).toContain("setWindowOpenHandler(() => ({ action: 'deny' }))");
    expect(main).toMatch(/setPermissionRequestHandler\([^)]*\) => callback\(false\)\)/);
    expect(main).toContain('setPermissionCheckHandler(() => false)');
    expect(main).toMatch(/onBeforeRequest\([\s\S]*?'https:\/\/\*\/\*'[\s\S]*?cancel: true/);
  });

  it('registers app:// as a standard secure scheme that never bypasses the CSP', () => {
    const privileges = /registerSchemesAsPrivileged\(([\s\S]*?)\]\);/.exec(main)?.[1] ?? '';
    expect(privileges).toContain('scheme: APP_SCHEME');
    expect(privileges).toContain('standard: true');
    expect(privileges).toContain('secure: true');
    expect(privileges).not.toContain('bypassCSP');
    expect(main).toContain('ses.protocol.handle(APP_SCHEME, createRendererHandler(RENDERER_ROOT))');
  });

  it('loads only the app:// renderer, never a remote or file: URL', () => {
    expect(main).toContain('loadURL(RENDERER_URL)');
    expect(main).not.toMatch(/loadURL\((?!RENDERER_URL)/);
    expect(main).not.toMatch(/loadFile\(/);
  });

  it('registers every IPC handler through the sender check, and never logs a request', () => {
    const handles = main.match(/ipcMain\.handle\([^;]*;/g) ?? [];
    expect(handles).toEqual(['ipcMain.handle(channel, guardHandler(handler, trusted));']);
    expect(main).not.toMatch(/ipcMain\.on\(/);
    expect(main).toMatch(/isTrustedSender\(frameUrl, \{ scheme: APP_SCHEME, host: APP_HOST \}\)/);
    expect(read('main', 'ipc-guard.ts')).not.toMatch(/\blog(ger)?\.|console\./);
  });

  it('imports electron only in src/main and src/preload', () => {
    const elsewhere = [...sourcesUnder('services'), ...sourcesUnder('shared')].filter((file) =>
      /from 'electron'|require\('electron'\)/.test(read(file)),
    );
    expect(elsewhere).toEqual([]);
  });

  it('never opens external URLs or runs shell commands from the app', () => {
    const risky = [
      ...sourcesUnder('main'),
      ...sourcesUnder('preload'),
      ...sourcesUnder('services'),
    ].filter((file) => /shell\.openExternal|shell\.openPath|child_process/.test(read(file)));
    expect(risky).toEqual([]);
  });
});

describe('preload (src/preload/index.ts)', () => {
  const preload = read('preload', 'index.ts');

  it('exposes one object, window.eimza, built by createEimzaApi', () => {
    expect(preload.match(/exposeInMainWorld\(/g)).toHaveLength(1);
    expect(preload).toMatch(/exposeInMainWorld\(\s*'eimza',\s*createEimzaApi\(/);
    expect(preload).not.toMatch(/exposeInIsolatedWorld|webFrame|window\.\w+\s*=/);
  });

  it('hands the renderer payloads only, never ipcRenderer or an IPC event', () => {
    expect(preload).toMatch(
      /invoke: \(channel, request\) => ipcRenderer\.invoke\(channel, request\)/,
    );
    expect(preload).toMatch(
      /ipcRenderer\.on\(EVENT_CHANNEL, \(_event: IpcRendererEvent, payload: AppEvent\) =>\s*relay\.deliver\(payload\)/,
    );
    const code = preload.replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '');
    const uses = [...code.matchAll(/ipcRenderer(\.\w+)?/g)].map((match) => match[0]);
    expect(uses.sort()).toEqual(['ipcRenderer', 'ipcRenderer.invoke', 'ipcRenderer.on']);
  });
});

describe('the build output', () => {
  let out: string;

  beforeAll(() => {
    out = mkdtempSync(join(tmpdir(), 'eimza-desktop-build-'));
    execFileSync(process.execPath, [join(DESKTOP, 'build.mjs'), '--outdir', out], {
      stdio: 'pipe',
    });
  }, 120_000);

  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('emits main (with the token worker beside it), preload, card catalogue and renderer', () => {
    for (const file of [
      'main/index.cjs',
      'main/token-worker.js',
      'main/package.json',
      'preload/index.cjs',
      'resources/cards.json',
      'renderer/index.html',
    ]) {
      expect(() => readFileSync(join(out, file)), file).not.toThrow();
    }
  });

  it('keeps electron and the native PKCS#11 binding out of the main bundle', () => {
    const bundle = readFileSync(join(out, 'main', 'index.cjs'), 'utf8');
    expect(bundle).toContain('require("electron")');
    expect(bundle).toContain('require("pkcs11js")');
    expect(bundle).not.toMatch(/\bimport\.meta\b/);
  });

  it('makes a preload that requires nothing but electron (what a sandboxed preload may load)', () => {
    const bundle = readFileSync(join(out, 'preload', 'index.cjs'), 'utf8');
    const required = [...bundle.matchAll(/require\("([^"]+)"\)/g)].map((match) => match[1]);
    expect(required).toEqual(['electron']);
  });

  it('ships a renderer page with a strict CSP, no inline script or style and nothing remote', () => {
    const html = readFileSync(join(out, 'renderer', 'index.html'), 'utf8');
    const csp =
      /<meta\s+http-equiv="Content-Security-Policy"\s+content="([^"]+)"/i.exec(html)?.[1] ?? '';
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toMatch(/unsafe-|\*|https?:/);
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/i);
    expect(html).not.toMatch(/<style|\sstyle="|\son[a-z]+=/i);
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//i);
  });
});
