// OpenSSL 3 CLI wrappers shared by the signing and validation tests (and usable by benchmarks):
// they make reference signatures and cross-check ours. Every call runs in its own temp folder.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export type OpensslDigest = 'sha256' | 'sha384' | 'sha512';

export interface OpensslResult {
  status: number;
  stdout: string;
  stderr: string;
}

/** Runs `openssl <args>` in `cwd`; never throws on a non-zero exit. */
export function openssl(args: string[], cwd?: string): OpensslResult {
  const result = spawnSync('openssl', args, { cwd, encoding: 'utf8', maxBuffer: 64 << 20 });
  if (result.error) throw result.error;
  return { status: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

/** Runs `fn` with a fresh temporary folder, removed afterwards. */
export function withTempDir<T>(fn: (dir: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), 'eimza-openssl-'));
  try {
    return fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function pemBundle(pems: string | string[]): string {
  return (Array.isArray(pems) ? pems : [pems]).map((p) => p.trim() + '\n').join('');
}

export interface OpensslCmsSignOptions {
  certPem: string;
  /** PKCS#8 or traditional PEM private key. */
  keyPem: string;
  content: Uint8Array | string;
  /** Adds signingCertificateV2 (`-cades`); default true. */
  cades?: boolean;
  /** Default sha256. */
  md?: OpensslDigest;
  /** Carry the content inside the signature (`-nodetach`); default false (detached). */
  attached?: boolean;
  /** Extra certificates to embed (`-certfile`). */
  chainPems?: string[];
  /** RSA-PSS padding instead of PKCS#1 v1.5 (RSA keys only). */
  pss?: boolean;
}

/**
 * A CMS signature made by `openssl cms -sign -binary -outform DER -md <md> [-cades] [-nodetach]`:
 * the reference CAdES-BES to compare ours with, and fixtures for validation tests.
 */
export function opensslCmsSign(options: OpensslCmsSignOptions): Uint8Array {
  return withTempDir((dir) => {
    writeFileSync(join(dir, 'cert.pem'), options.certPem);
    writeFileSync(join(dir, 'key.pem'), options.keyPem);
    writeFileSync(join(dir, 'content.bin'), options.content);
    const args = ['cms', '-sign', '-binary', '-outform', 'DER', '-md', options.md ?? 'sha256'];
    args.push('-signer', 'cert.pem', '-inkey', 'key.pem', '-in', 'content.bin', '-out', 'sig.der');
    if (options.cades ?? true) args.push('-cades');
    if (options.attached) args.push('-nodetach');
    if (options.pss) args.push('-keyopt', 'rsa_padding_mode:pss');
    if (options.chainPems?.length) {
      writeFileSync(join(dir, 'chain.pem'), pemBundle(options.chainPems));
      args.push('-certfile', 'chain.pem');
    }
    const result = openssl(args, dir);
    if (result.status !== 0) throw new Error(`openssl cms -sign failed: ${result.stderr}`);
    return new Uint8Array(readFileSync(join(dir, 'sig.der')));
  });
}

export interface OpensslCmsVerifyOptions {
  /** DER ContentInfo. */
  cms: Uint8Array;
  /** The content of a detached signature. */
  content?: Uint8Array | string;
  /** Trust anchors (`-CAfile`). */
  rootPems: string | string[];
  /**
   * Extra certificates (`-certfile`). OpenSSL 3.0 searches them for the signer certificate
   * only; it does not build the path with them: embed intermediates in the CMS or pass them
   * in `rootPems`.
   */
  certfilePems?: string[];
  /** Also check the ESS signing-certificate attribute (`-cades`). */
  cades?: boolean;
  /** Default `any`: test certificates carry no S/MIME extended key usage. */
  purpose?: string;
  /** Extra arguments, e.g. ['-attime', '...']. */
  extraArgs?: string[];
}

export interface OpensslCmsVerifyResult extends OpensslResult {
  ok: boolean;
  /** The content `-out` wrote (for attached signatures: the encapsulated content). */
  content: Uint8Array;
}

/** `openssl cms -verify -binary -inform DER -purpose any -CAfile roots [-certfile extra] [-content file] [-cades]`. */
export function opensslCmsVerify(options: OpensslCmsVerifyOptions): OpensslCmsVerifyResult {
  return withTempDir((dir) => {
    writeFileSync(join(dir, 'sig.der'), options.cms);
    writeFileSync(join(dir, 'roots.pem'), pemBundle(options.rootPems));
    const args = ['cms', '-verify', '-binary', '-inform', 'DER', '-in', 'sig.der'];
    args.push('-purpose', options.purpose ?? 'any', '-CAfile', 'roots.pem', '-out', 'out.bin');
    if (options.certfilePems?.length) {
      writeFileSync(join(dir, 'extra.pem'), pemBundle(options.certfilePems));
      args.push('-certfile', 'extra.pem');
    }
    if (options.content !== undefined) {
      writeFileSync(join(dir, 'content.bin'), options.content);
      args.push('-content', 'content.bin');
    }
    if (options.cades) args.push('-cades');
    args.push(...(options.extraArgs ?? []));
    const result = openssl(args, dir);
    let content = new Uint8Array();
    try {
      content = new Uint8Array(readFileSync(join(dir, 'out.bin')));
    } catch {
      // No output file when verification failed early.
    }
    return { ...result, ok: result.status === 0, content };
  });
}

/** `openssl cms -cmsout -print`: the structure as text, to inspect attributes. */
export function opensslCmsPrint(cms: Uint8Array): string {
  return withTempDir((dir) => {
    writeFileSync(join(dir, 'sig.der'), cms);
    const result = openssl(['cms', '-cmsout', '-print', '-inform', 'DER', '-in', 'sig.der'], dir);
    if (result.status !== 0) throw new Error(`openssl cms -cmsout -print failed: ${result.stderr}`);
    return result.stdout;
  });
}

export interface OpensslTsVerifyOptions {
  /** DER TimeStampToken (the ContentInfo, not the TimeStampResp). */
  token: Uint8Array;
  /** The time-stamped data (for CAdES-T: the signature value octets). */
  data: Uint8Array;
  rootPems: string | string[];
  /** Untrusted intermediates (`-untrusted`). */
  intermediatePems?: string[];
}

/** `openssl ts -verify -token_in -data file -CAfile roots [-untrusted cas]`. */
export function opensslTsVerify(options: OpensslTsVerifyOptions): OpensslResult & { ok: boolean } {
  return withTempDir((dir) => {
    writeFileSync(join(dir, 'token.der'), options.token);
    writeFileSync(join(dir, 'data.bin'), options.data);
    writeFileSync(join(dir, 'roots.pem'), pemBundle(options.rootPems));
    const args = ['ts', '-verify', '-token_in', '-in', 'token.der', '-data', 'data.bin'];
    args.push('-CAfile', 'roots.pem');
    if (options.intermediatePems?.length) {
      writeFileSync(join(dir, 'cas.pem'), pemBundle(options.intermediatePems));
      args.push('-untrusted', 'cas.pem');
    }
    const result = openssl(args, dir);
    return { ...result, ok: result.status === 0 && /Verification: OK/.test(result.stdout) };
  });
}
