import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import i18next from 'i18next';
import { afterAll, describe, expect, it } from 'vitest';
import { renderCheck, reportJson, reportLines, writeBundle, type Findings } from '../src/index.js';

// Rendering with the shared locale files through i18next, and the bundle read back by Python's zipfile.
const locales = join(import.meta.dirname, '..', '..', '..', 'resources', 'locales');
const resource = (lang: string) =>
  JSON.parse(readFileSync(join(locales, `${lang}.json`), 'utf8')) as Record<string, unknown>;

function translator(lng: 'tr' | 'en') {
  const instance = i18next.createInstance();
  void instance.init({
    lng,
    fallbackLng: 'en',
    initAsync: false,
    resources: { tr: { translation: resource('tr') }, en: { translation: resource('en') } },
    interpolation: { escapeValue: false },
  });
  return instance.t.bind(instance);
}

const findings: Findings = {
  versions: { eimza: '0.1.0', node: 'v20.20.0', os: 'linux 6.1', arch: 'x64' },
  checks: [
    {
      area: 'system',
      status: 'OK',
      key: 'doctor.system',
      params: { eimza: '0.1.0', node: 'v20.20.0', os: 'linux 6.1', arch: 'x64' },
    },
    {
      area: 'token',
      status: 'FAIL',
      key: 'doctor.token',
      params: { label: 'KART', serial: 'S1', module: 'softhsm2', pin: 'locked' },
      hint: 'doctor.hints.pinLocked',
    },
    {
      area: 'clock',
      status: 'WARN',
      key: 'doctor.clockSkew',
      params: { seconds: 300 },
      hint: 'doctor.hints.clock',
    },
  ],
  modules: [],
  tokens: [],
  certificates: [],
  readers: { tool: 'opensc-tool -l', output: '# Detected readers\nReader 0' },
};

const work = mkdtempSync(join(tmpdir(), 'eimza-diagnostics-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('rendering', () => {
  it('localises the finding and the PIN state; the desktop context picks the desktop hint', () => {
    const en = translator('en');
    const check = findings.checks[1]!;
    expect(renderCheck(en, check)).toEqual({
      message: 'Token KART (S1, softhsm2): PIN LOCKED',
      hint: 'PIN locked: unlock it with the PUK using `eimza pin unlock`',
    });
    expect(renderCheck(en, check, { context: 'desktop' }).hint).toBe(
      'PIN locked: unlock it with the PUK (Certificate operations → Unlock PIN)',
    );
    // No desktop variant: the plain text.
    expect(renderCheck(en, findings.checks[2]!, { context: 'desktop' }).hint).toBe(
      renderCheck(en, findings.checks[2]!).hint,
    );
    expect(renderCheck(translator('tr'), check).message).toBe(
      'Kart KART (S1, softhsm2): PIN KİLİTLİ',
    );
  });

  it('lines: status column, hints, the reader listing and the summary', () => {
    const lines = reportLines(translator('en'), findings);
    expect(lines).toEqual([
      'OK    eimza 0.1.0, Node v20.20.0, linux 6.1 (x64)',
      'FAIL  Token KART (S1, softhsm2): PIN LOCKED',
      '      → PIN locked: unlock it with the PUK using `eimza pin unlock`',
      "WARN  The computer's clock is 300 s off the server's",
      "      → Fix the computer's clock (automatic time); signing times still follow the server's clock",
      '',
      'opensc-tool -l:',
      '  # Detected readers',
      '  Reader 0',
      '',
      'Summary: 1 OK, 1 WARN, 1 FAIL',
    ]);
  });

  it('JSON keeps the stable key beside the message', () => {
    const json = reportJson(translator('en'), findings) as {
      checks: Array<Record<string, unknown>>;
    };
    expect(json.checks[2]).toMatchObject({
      key: 'doctor.clockSkew',
      message: "The computer's clock is 300 s off the server's",
      hint: "Fix the computer's clock (automatic time); signing times still follow the server's clock",
    });
  });
});

describe('writeBundle', () => {
  it('writes a zip with the report, versions, listings and the tail of each log', async () => {
    const state = join(work, 'state');
    mkdirSync(join(state, 'logs'), { recursive: true });
    writeFileSync(join(state, 'logs', 'eimza.log'), `${'x'.repeat(300 * 1024)}\nlast line\n`);
    writeFileSync(join(state, 'logs', 'notes.txt'), 'not a log');
    const path = join(work, 'bundle.zip');
    const env = { EIMZA_STATE_DIR: state, LANG: 'tr_TR.UTF-8', SECRET_TOKEN: 'do-not-copy' };
    const files = await writeBundle(path, translator('tr'), findings, env);
    const script =
      'import json,sys,zipfile\nz=zipfile.ZipFile(sys.argv[1])\nassert z.testzip() is None\n' +
      'print(json.dumps({n: z.read(n).decode("utf-8") for n in z.namelist()}))';
    const entries = JSON.parse(
      execFileSync('python3', ['-c', script, path], { encoding: 'utf8' }),
    ) as Record<string, string>;
    expect(Object.keys(entries)).toEqual(files);
    expect(files.sort()).toEqual([
      'certificates.json',
      'doctor.json',
      'doctor.txt',
      'logs/eimza.log',
      'modules.json',
      'slots.json',
      'versions.json',
    ]);
    expect(entries['doctor.txt']).toContain('Özet: 1 TAMAM, 1 UYARI, 1 HATA');
    expect(JSON.parse(entries['versions.json']!)).toMatchObject({
      eimza: '0.1.0',
      env: { EIMZA_STATE_DIR: state, LANG: 'tr_TR.UTF-8' },
    });
    expect(entries['versions.json']).not.toContain('do-not-copy');
    expect(entries['logs/eimza.log']!.length).toBe(256 * 1024);
    expect(entries['logs/eimza.log']).toMatch(/last line\n$/);
  });

  it('rejects when the file cannot be written', async () => {
    await expect(
      writeBundle(join(work, 'missing', 'dir', 'bundle.zip'), translator('en'), findings, {}),
    ).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
