import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { arch, platform, release } from 'node:os';
import type { CertificateInfo, ModuleReport, TokenInfo } from '@eimza/token';
import { openTokens, type Context } from '../../context.js';
import { keyAlgorithmLabel, maskTckn, validity } from '../../format/certificate.js';
import { pinStatus } from '../../format/pin-state.js';
import packageJson from '../../../package.json' with { type: 'json' };

export type CheckStatus = 'OK' | 'WARN' | 'FAIL';

/** One line of the doctor's report; `key`/`params` are localised when printed, so JSON stays stable. */
export interface Check {
  area: 'system' | 'module' | 'pcscd' | 'readers' | 'token' | 'certificate' | 'api' | 'clock';
  status: CheckStatus;
  key: string;
  params: Record<string, string | number>;
  /** i18n key of what to do about a WARN or FAIL. */
  hint?: string;
}

export interface DoctorFindings {
  versions: { eimza: string; node: string; os: string; arch: string };
  checks: Check[];
  modules: ModuleReport[];
  tokens: TokenInfo[];
  /** Public data only: what the certificate itself shows anyone it is sent to. */
  certificates: Array<Record<string, unknown>>;
  readers: { tool: string; output: string } | null;
}

/** Skew against the server's clock beyond which signing times and certificate checks may disagree. */
const CLOCK_SKEW_WARN_MS = 60_000;

export async function collectFindings(ctx: Context, apiUrl: string): Promise<DoctorFindings> {
  const checks: Check[] = [];
  const versions = {
    eimza: packageJson.version,
    node: process.version,
    os: `${platform()} ${release()}`,
    arch: arch(),
  };
  checks.push({ area: 'system', status: 'OK', key: 'doctor.system', params: { ...versions } });

  const service = await openTokens(ctx);
  const modules = service.modules();
  checkModules(modules, checks);
  checks.push(await checkPcscd());
  const readers = await listReaders();
  checks.push(
    readers
      ? { area: 'readers', status: 'OK', key: 'doctor.readers', params: { tool: readers.tool } }
      : {
          area: 'readers',
          status: 'WARN',
          key: 'doctor.noReaderTool',
          params: {},
          hint: 'doctor.hints.readerTool',
        },
  );

  const loaded = modules.some((m) => m.loaded);
  const tokens = loaded ? await service.listTokens().catch(() => []) : [];
  const certs = loaded ? await service.listCertificates().catch(() => []) : [];
  checkTokens(tokens, loaded, checks);
  checkCertificates(certs, checks);
  checks.push(...(await checkApi(apiUrl)));
  return { versions, checks, modules, tokens, certificates: certs.map(publicData), readers };
}

function checkModules(modules: ModuleReport[], checks: Check[]): void {
  for (const module of modules) {
    if (module.loaded) {
      const library = module.library
        ? `${module.library.manufacturer} ${module.library.description} ${module.library.version}`
        : '';
      checks.push({
        area: 'module',
        status: 'OK',
        key: 'doctor.moduleLoaded',
        params: { name: module.name, path: module.path, library },
      });
    } else if (existsSync(module.path)) {
      // Installed but not loading: a broken or 32-bit driver, or a missing dependency.
      checks.push({
        area: 'module',
        status: 'FAIL',
        key: 'doctor.moduleFailed',
        params: { name: module.name, path: module.path, error: module.error ?? '' },
        hint: 'doctor.hints.moduleFailed',
      });
    }
  }
  const absent = modules.filter((m) => !m.loaded && !existsSync(m.path)).length;
  if (absent > 0)
    checks.push({
      area: 'module',
      status: 'OK',
      key: 'doctor.modulesAbsent',
      params: { count: absent },
    });
  if (!modules.some((m) => m.loaded)) {
    checks.push({
      area: 'module',
      status: 'FAIL',
      key: 'doctor.noModule',
      params: {},
      hint: 'doctor.hints.noModule',
    });
  }
}

function run(file: string, args: string[]): Promise<{ ok: boolean; output: string }> {
  return new Promise((resolve) => {
    execFile(file, args, { timeout: 5000 }, (error, stdout, stderr) =>
      resolve({ ok: !error, output: `${stdout}${stderr}`.trim() }),
    );
  });
}

async function checkPcscd(): Promise<Check> {
  const { ok } = await run('pgrep', ['-x', 'pcscd']);
  return ok
    ? { area: 'pcscd', status: 'OK', key: 'doctor.pcscdRunning', params: {} }
    : {
        area: 'pcscd',
        status: 'WARN',
        key: 'doctor.pcscdNotRunning',
        params: {},
        hint: 'doctor.hints.pcscd',
      };
}

/** Readers as PC/SC sees them, through whichever tool is installed. */
async function listReaders(): Promise<{ tool: string; output: string } | null> {
  for (const [tool, args] of [
    ['opensc-tool', ['-l']],
    ['pcsc_scan', ['-r']],
  ] as const) {
    const result = await run(tool, [...args]);
    if (result.output !== '' || result.ok)
      return { tool: `${tool} ${args.join(' ')}`, output: result.output };
  }
  return null;
}

function checkTokens(tokens: TokenInfo[], loaded: boolean, checks: Check[]): void {
  if (loaded && tokens.length === 0) {
    checks.push({
      area: 'token',
      status: 'FAIL',
      key: 'doctor.noTokens',
      params: {},
      hint: 'doctor.hints.noTokens',
    });
  }
  for (const token of tokens) {
    const status = pinStatus(token.userPin);
    const params = {
      label: token.label,
      serial: token.serial,
      module: token.moduleName,
      pin: status,
    };
    if (status === 'locked') {
      checks.push({
        area: 'token',
        status: 'FAIL',
        key: 'doctor.token',
        params,
        hint: 'doctor.hints.pinLocked',
      });
    } else if (status === 'countLow' || status === 'finalTry') {
      checks.push({
        area: 'token',
        status: 'WARN',
        key: 'doctor.token',
        params,
        hint: 'doctor.hints.pinLow',
      });
    } else {
      checks.push({ area: 'token', status: 'OK', key: 'doctor.token', params });
    }
  }
}

function checkCertificates(certs: CertificateInfo[], checks: Check[]): void {
  for (const cert of certs.filter((c) => c.nonRepudiation)) {
    const v = validity(cert, new Date());
    const params = {
      name: cert.commonName ?? cert.label,
      tckn: cert.tckn ? maskTckn(cert.tckn) : '—',
      days: v.daysLeft,
      notAfter: cert.notAfter.toISOString(),
    };
    if (v.status === 'expired' || v.status === 'notYetValid') {
      checks.push({
        area: 'certificate',
        status: 'FAIL',
        key: `doctor.cert.${v.status}`,
        params,
        hint: 'doctor.hints.renew',
      });
    } else if (v.status === 'expires7' || v.status === 'expires30') {
      checks.push({
        area: 'certificate',
        status: 'WARN',
        key: 'doctor.cert.expiresSoon',
        params,
        hint: 'doctor.hints.renew',
      });
    } else {
      checks.push({ area: 'certificate', status: 'OK', key: 'doctor.cert.valid', params });
    }
  }
}

/** GET /healthz, and the clock compared with the server's Date header (taken at the request's midpoint). */
async function checkApi(apiUrl: string): Promise<Check[]> {
  const url = new URL('/healthz', apiUrl).toString();
  const started = Date.now();
  let response: Response;
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(5000), redirect: 'manual' });
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    const reason = cause?.code ?? cause?.message ?? (error as Error).name;
    return [
      {
        area: 'api',
        status: 'FAIL',
        key: 'doctor.apiUnreachable',
        params: { url, error: reason },
        hint: 'doctor.hints.api',
      },
    ];
  }
  const finished = Date.now();
  const checks: Check[] = [
    response.ok
      ? {
          area: 'api',
          status: 'OK',
          key: 'doctor.apiOk',
          params: { url, status: response.status, ms: finished - started },
        }
      : {
          area: 'api',
          status: 'FAIL',
          key: 'doctor.apiStatus',
          params: { url, status: response.status },
          hint: 'doctor.hints.api',
        },
  ];
  const date = response.headers.get('date');
  if (date) {
    // Date has whole seconds: half a second of the difference is rounding, not skew.
    const skewMs = Date.parse(date) + 500 - (started + finished) / 2;
    const seconds = Math.round(skewMs / 1000);
    checks.push(
      Math.abs(skewMs) > CLOCK_SKEW_WARN_MS
        ? {
            area: 'clock',
            status: 'WARN',
            key: 'doctor.clockSkew',
            params: { seconds },
            hint: 'doctor.hints.clock',
          }
        : { area: 'clock', status: 'OK', key: 'doctor.clockOk', params: { seconds } },
    );
  }
  return checks;
}

function publicData(cert: CertificateInfo): Record<string, unknown> {
  return {
    id: cert.id,
    tokenLabel: cert.tokenLabel,
    tokenSerial: cert.tokenSerial,
    subject: cert.subject,
    issuer: cert.issuer,
    serialNumberHex: cert.serialNumberHex,
    notBefore: cert.notBefore.toISOString(),
    notAfter: cert.notAfter.toISOString(),
    keyAlgorithm: keyAlgorithmLabel(cert.keyAlgorithm),
    keyUsage: cert.keyUsage,
    hasPrivateKey: cert.hasPrivateKey,
    fingerprintSha256: cert.fingerprintSha256,
    certificatePem: toPem(cert.der),
  };
}

function toPem(der: Uint8Array): string {
  const base64 = Buffer.from(der).toString('base64').replace(/.{64}/g, '$&\n');
  return `-----BEGIN CERTIFICATE-----\n${base64.trimEnd()}\n-----END CERTIFICATE-----\n`;
}
