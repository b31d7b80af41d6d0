import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestPki, createTestTokens, type TestPki, type TestTokens } from '@eimza/testpki';
import { isTokenError, openTokenService, type TokenService } from '@eimza/token';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import packageJson from '../../package.json' with { type: 'json' };
import { createDiagnosticsService, unusedBundlePath } from '../../src/services/diagnostics.js';
import type { DiagnosticsView, Language } from '../../src/shared/ipc.js';
import { startApi, tempDir, type TestApi } from '../support/api.js';

// The desktop diagnostics over SoftHSM2 tokens and the real API (and a closed port), and the support
// bundle read back by independent readers (unzip, Python's zipfile) and searched for the secrets.
const PIN = 'Tani-PIN-8642-xq';
const PUK = 'Tani-PUK-97531-zw';
const WRONG_PIN = 'Yanlis-PIN-2468-kv';

let pki: TestPki;
let tokens: TestTokens;
let service: TokenService;
let work: string;
let state: string;
let env: NodeJS.ProcessEnv;
let api: TestApi;
let language: Language = 'en';
let origin = '';

const diagnostics = () =>
  createDiagnosticsService({
    tokens: () => service,
    env,
    apiOrigin: () => origin,
    language: () => language,
  });

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function check(view: DiagnosticsView, area: string, text: RegExp) {
  const found = view.checks.find((c) => c.area === area && text.test(c.text));
  expect(found, `${area} ${text}: ${JSON.stringify(view.checks, null, 1)}`).toBeDefined();
  return found!;
}

beforeAll(async () => {
  work = tempDir('eimza-desktop-diagnostics-');
  pki = await createTestPki();
  tokens = await createTestTokens({
    pki,
    pin: PIN,
    puk: PUK,
    tokens: [
      {
        label: 'EIMZA-RSA',
        keyType: 'rsa2048',
        tckn: '10000000146',
        name: 'AHMET YILMAZ',
        ca: 'rsa',
      },
      {
        label: 'EIMZA-ESKI',
        keyType: 'ec-p256',
        tckn: '12345678950',
        name: 'AYSE KAYA',
        ca: 'ec',
        variant: 'expired',
      },
    ],
  });
  state = join(work, 'state');
  mkdirSync(join(state, 'logs'), { recursive: true });
  writeFileSync(
    join(state, 'logs', 'desktop.log'),
    '{"level":30,"msg":"desktop services started"}\n',
  );
  env = { EIMZA_STATE_DIR: state, SOFTHSM2_CONF: tokens.confPath, LANG: 'tr_TR.UTF-8' };
  service = await openTokenService({ explicitOnly: true, modulePaths: [tokens.modulePath], env });

  // The secrets pass through this process before the bundle is written: a signature with the right
  // PIN on one card, a wrong PIN on the other (SoftHSM2 then flags it COUNT_LOW).
  const certs = await service.listCertificates();
  const rsa = certs.find((c) => c.tokenLabel === 'EIMZA-RSA')!;
  const session = await service.openSigningSession(rsa.id, PIN);
  await session.signData(new TextEncoder().encode('deneme'), { hash: 'SHA-256' });
  await session.close();
  const old = certs.find((c) => c.tokenLabel === 'EIMZA-ESKI')!;
  const wrong = await service.openSigningSession(old.id, WRONG_PIN).catch((e: unknown) => e);
  expect(isTokenError(wrong) && wrong.code).toBe('PIN_INCORRECT');

  api = await startApi(work, pki, 'api');
}, 240_000);

afterAll(async () => {
  await service?.close();
  await api?.app.close();
  tokens?.cleanup();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('desktop diagnostics', () => {
  it('run: module, each token with its PIN state, certificate expiry, API and clock, in English', async () => {
    language = 'en';
    origin = api.url;
    const view = await diagnostics().run();
    expect(view.versions).toMatchObject({ eimza: packageJson.version, node: process.version });
    expect(check(view, 'module', /^Module loaded: softhsm2 /).status).toBe('OK');
    expect(check(view, 'token', /^Token EIMZA-RSA .*: PIN OK$/).status).toBe('OK');
    expect(check(view, 'token', /^Token EIMZA-ESKI .*: PIN Wrong tries recorded/)).toMatchObject({
      status: 'WARN',
      hint: 'Careful: wrong PIN tries recorded; do not guess',
    });
    expect(
      check(view, 'certificate', /^Certificate AHMET YILMAZ \(100\*{6}46\): valid/).status,
    ).toBe('OK');
    expect(
      check(view, 'certificate', /^Certificate AYSE KAYA \(123\*{6}50\): EXPIRED/),
    ).toMatchObject({
      status: 'FAIL',
      hint: 'Renew your certificate (Başvuru)',
    });
    expect(check(view, 'api', /^API reachable: .*\/healthz \(200, \d+ ms\)$/).status).toBe('OK');
    expect(check(view, 'clock', /^Clock agrees with the server/).status).toBe('OK');
    const readers = view.checks.find((c) => c.area === 'readers')!;
    if (readers.status === 'OK') {
      expect(readers.text).not.toContain('(below)');
      expect(readers.detail).toBeTruthy();
    }
    expect(JSON.parse(JSON.stringify(view))).toEqual(view);
  });

  it('run with the API down, in Turkish: the API check FAILs with the desktop hint', async () => {
    language = 'tr';
    origin = `http://127.0.0.1:${await closedPort()}`;
    const view = await diagnostics().run();
    expect(check(view, 'api', /^API'ye ulaşılamıyor: .*ECONNREFUSED/)).toMatchObject({
      status: 'FAIL',
      hint: "İnternet bağlantısını, Ayarlar'daki API adresini ve vekil sunucu (HTTPS_PROXY) ayarını kontrol edin",
    });
    expect(check(view, 'token', /^Kart EIMZA-RSA .*: PIN Tamam$/).status).toBe('OK');
    expect(view.checks.some((c) => c.area === 'clock')).toBe(false);
  });

  it('a bundle saved within the same second as earlier ones gets the next free name', () => {
    const folder = mkdtempSync(join(tmpdir(), 'eimza-bundle-names-'));
    try {
      const stamp = '20261125-064500Z';
      expect(unusedBundlePath(folder, stamp)).toBe(join(folder, `eimza-destek-${stamp}.zip`));
      writeFileSync(join(folder, `eimza-destek-${stamp}.zip`), '');
      writeFileSync(join(folder, `eimza-destek-${stamp}-2.zip`), '');
      expect(unusedBundlePath(folder, stamp)).toBe(join(folder, `eimza-destek-${stamp}-3.zip`));
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it('saveBundle: a readable zip in <stateDir>/support with no PIN, PUK or key in any byte', async () => {
    language = 'tr';
    origin = api.url;
    const { path, files } = await diagnostics().saveBundle();
    expect(path.startsWith(join(state, 'support', 'eimza-destek-'))).toBe(true);
    expect(path).toMatch(/eimza-destek-\d{8}-\d{6}Z\.zip$/);

    const listing = execFileSync('unzip', ['-l', path], { encoding: 'utf8' });
    for (const name of files) expect(listing).toContain(name);
    expect([...files].sort()).toEqual([
      'certificates.json',
      'doctor.json',
      'doctor.txt',
      'logs/desktop.log',
      'modules.json',
      'slots.json',
      'versions.json',
    ]);

    const script =
      'import json,sys,zipfile\nz=zipfile.ZipFile(sys.argv[1])\nassert z.testzip() is None\n' +
      'print(json.dumps({n: z.read(n).decode("utf-8") for n in z.namelist()}))';
    const entries = JSON.parse(
      execFileSync('python3', ['-c', script, path], { encoding: 'utf8' }),
    ) as Record<string, string>;
    expect(entries['doctor.txt']).toMatch(/Sertifika AYSE KAYA \(123\*{6}50\): SÜRESİ DOLMUŞ/);
    expect(entries['doctor.txt']).toContain('Özet:');
    expect(entries['slots.json']).toContain('EIMZA-ESKI');
    expect(entries['certificates.json']!.match(/BEGIN CERTIFICATE/g)).toHaveLength(2);
    expect(entries['logs/desktop.log']).toContain('desktop services started');
    expect(JSON.parse(entries['versions.json']!)).toMatchObject({
      eimza: packageJson.version,
      env: { EIMZA_STATE_DIR: state, SOFTHSM2_CONF: tokens.confPath },
    });

    const raw = readFileSync(path);
    for (const secret of [PIN, PUK, WRONG_PIN]) {
      expect(raw.includes(Buffer.from(secret, 'utf8')), `raw zip holds ${secret}`).toBe(false);
      for (const [name, text] of Object.entries(entries)) expect(text, name).not.toContain(secret);
    }
    for (const [name, text] of Object.entries(entries))
      expect(text, name).not.toContain('PRIVATE KEY');
  });

  it('saveBundle where the support folder cannot be made: BUNDLE_FAILED', async () => {
    const blocked = join(work, 'blocked-state');
    mkdirSync(blocked, { recursive: true });
    writeFileSync(join(blocked, 'support'), 'a file where the folder should be');
    const failing = createDiagnosticsService({
      tokens: () => service,
      env: { ...env, EIMZA_STATE_DIR: blocked },
      apiOrigin: () => api.url,
      language: () => 'en',
    });
    await expect(failing.saveBundle()).rejects.toMatchObject({
      name: 'DesktopError',
      code: 'BUNDLE_FAILED',
      detail: 'EEXIST',
    });
  });
});
