import { existsSync } from 'node:fs';
import { arch, platform, release } from 'node:os';
import { maskTckn } from '@eimza/protocol';
import type { CertificateInfo, ModuleReport, TokenInfo, TokenService } from '@eimza/token';
import { checkApi } from './api-check.js';
import { publicCertificateData, validity } from './certificate.js';
import { pinStatus } from './pin-status.js';
import { checkPcscd, listReaders, readersCheck } from './system-tools.js';
import type { Check, Findings, Versions } from './types.js';

export interface CollectOptions {
  /** An open token layer; the caller owns it (and closes it). */
  tokens: TokenService;
  /** Base URL of the API whose /healthz and clock are checked. */
  apiUrl: string;
  /** The calling app's own version (the CLI's or the desktop app's package version). */
  appVersion: string;
  /** Runtime versions besides Node's (the desktop app: electron, chrome). */
  extraVersions?: Record<string, string>;
  /** The moment certificate expiry is judged against. */
  now?: Date;
}

/**
 * Drivers, PC/SC, readers, cards and PIN states, certificates, API and clock, each OK / WARN / FAIL with a
 * hint. Never asks for or touches a PIN: only public token and certificate data is read.
 */
export async function collectFindings(options: CollectOptions): Promise<Findings> {
  const checks: Check[] = [];
  const versions: Versions = {
    eimza: options.appVersion,
    node: process.version,
    os: `${platform()} ${release()}`,
    arch: arch(),
    ...options.extraVersions,
  };
  checks.push({
    area: 'system',
    status: 'OK',
    key: 'doctor.system',
    params: { eimza: versions.eimza, node: versions.node, os: versions.os, arch: versions.arch },
  });

  const service = options.tokens;
  const modules = service.modules();
  checks.push(...moduleChecks(modules));
  checks.push(await checkPcscd());
  const readers = await listReaders();
  checks.push(readersCheck(readers));

  const loaded = modules.some((m) => m.loaded);
  const tokens = loaded ? await service.listTokens().catch(() => []) : [];
  const certs = loaded ? await service.listCertificates().catch(() => []) : [];
  checks.push(...tokenChecks(tokens, loaded));
  checks.push(...certificateChecks(certs, options.now ?? new Date()));
  checks.push(...(await checkApi(options.apiUrl)));
  return {
    versions,
    checks,
    modules,
    tokens,
    certificates: certs.map(publicCertificateData),
    readers,
  };
}

export function moduleChecks(modules: ModuleReport[]): Check[] {
  const checks: Check[] = [];
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
  return checks;
}

export function tokenChecks(tokens: TokenInfo[], moduleLoaded: boolean): Check[] {
  const checks: Check[] = [];
  if (moduleLoaded && tokens.length === 0) {
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
  return checks;
}

/** Signing certificates only (nonRepudiation): those are the ones whose expiry stops a user. */
export function certificateChecks(certs: CertificateInfo[], now: Date): Check[] {
  const checks: Check[] = [];
  for (const cert of certs.filter((c) => c.nonRepudiation)) {
    const v = validity(cert, now);
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
  return checks;
}
