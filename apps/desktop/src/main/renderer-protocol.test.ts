import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CONTENT_SECURITY_POLICY,
  RENDERER_URL,
  createRendererHandler,
  resolveRendererFile,
} from './renderer-protocol.js';

let root: string;
let outside: string;

beforeAll(() => {
  const base = mkdtempSync(join(tmpdir(), 'eimza-renderer-'));
  root = join(base, 'renderer');
  mkdirSync(join(root, 'assets'), { recursive: true });
  writeFileSync(join(root, 'index.html'), '<!doctype html><title>eimza</title>');
  writeFileSync(join(root, 'assets', 'app.js'), 'console.log(1)');
  outside = join(base, 'secret.txt');
  writeFileSync(outside, 'not for the renderer');
});

afterAll(() => rmSync(join(root, '..'), { recursive: true, force: true }));

describe('resolveRendererFile', () => {
  it('maps app://eimza paths into the renderer folder', () => {
    expect(resolveRendererFile(root, RENDERER_URL)).toBe(join(root, 'index.html'));
    expect(resolveRendererFile(root, 'app://eimza/')).toBe(join(root, 'index.html'));
    expect(resolveRendererFile(root, 'app://eimza/assets/app.js?v=1#x')).toBe(
      join(root, 'assets', 'app.js'),
    );
  });

  it.each([
    'app://eimza/../secret.txt',
    'app://eimza/%2e%2e/secret.txt',
    'app://eimza/assets/..%2f..%2fsecret.txt',
    'app://eimza/..%5csecret.txt',
    'app://eimza/%00index.html',
    'app://eimza/%E0%A4%A',
    'app://other/index.html',
    'file:///etc/passwd',
    'https://eimza/index.html',
    'not a url',
  ])('refuses %s', (url) => {
    const file = resolveRendererFile(root, url);
    expect(file === undefined || file.startsWith(root)).toBe(true);
    if (file) expect(file).not.toBe(outside);
  });

  it('refuses encoded traversal the URL parser leaves in place', () => {
    expect(resolveRendererFile(root, 'app://eimza/assets/..%2f..%2fsecret.txt')).toBeUndefined();
    expect(resolveRendererFile(root, 'app://eimza/..%5csecret.txt')).toBeUndefined();
  });
});

describe('createRendererHandler', () => {
  const handler = () => createRendererHandler(root);

  it('serves files with their type and the CSP header', async () => {
    const page = await handler()(new Request(RENDERER_URL));
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await page.text()).toContain('<title>eimza</title>');

    const script = await handler()(new Request('app://eimza/assets/app.js'));
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
  });

  it('answers 404 with the CSP for missing files and paths outside the root', async () => {
    for (const url of [
      'app://eimza/missing.js',
      'app://eimza/%2e%2e/secret.txt',
      'app://eimza/assets',
    ]) {
      const answer = await handler()(new Request(url));
      expect(answer.status).toBe(404);
      expect(answer.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    }
  });

  it('refuses anything but GET and HEAD', async () => {
    const answer = await handler()(new Request(RENDERER_URL, { method: 'POST', body: 'x' }));
    expect(answer.status).toBe(405);
  });
});

describe('CONTENT_SECURITY_POLICY', () => {
  it('allows only the app itself and nothing inline, evaluated or remote', () => {
    expect(CONTENT_SECURITY_POLICY).toContain("default-src 'none'");
    expect(CONTENT_SECURITY_POLICY).toContain("script-src 'self'");
    expect(CONTENT_SECURITY_POLICY).toContain("connect-src 'none'");
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-|\*|https?:/);
  });
});
