// Test helpers for the validation suite: a live test PKI whose OCSP/CRL endpoints can be
// switched off or subverted, and DER tree surgery to build tampered signatures.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { createHash, sign as nodeSign, KeyObject } from 'node:crypto';
import type { Report } from '@eimza/protocol';
import {
  createPkiRequestHandler,
  createTestPki,
  type CreateTestPkiOptions,
  type TestPki,
} from '@eimza/testpki';
import { expect } from 'vitest';
import { readTlv, type Tlv } from '../src/der/reader.js';
import { encodeTlv } from '../src/der/writer.js';

export interface Node {
  tag: number;
  value?: Uint8Array;
  children?: Node[];
}

/** Decodes constructed values recursively (OCTET STRING payloads stay opaque). */
export function decodeTree(der: Uint8Array): Node {
  const toNode = (t: Tlv): Node => {
    if (!(t.tag & 0x20)) return { tag: t.tag, value: t.value };
    const children: Node[] = [];
    for (let p = 0; p < t.value.length;) {
      const c = readTlv(t.value, p);
      children.push(toNode(c));
      p += c.der.length;
    }
    return { tag: t.tag, children };
  };
  return toNode(readTlv(der, 0));
}

export function encodeTree(n: Node): Uint8Array {
  return n.children ? encodeTlv(n.tag, ...n.children.map(encodeTree)) : encodeTlv(n.tag, n.value!);
}

/** ContentInfo → SignedData → first SignerInfo. */
export function signerInfoOf(root: Node): Node {
  const sd = root.children![1]!.children![0]!;
  const set = sd.children![sd.children!.length - 1]!;
  return set.children![0]!;
}

export function signedDataOf(root: Node): Node {
  return root.children![1]!.children![0]!;
}

export const oidBytes = (n: Node): string => Buffer.from(n.children![0]!.value!).toString('hex');

/** Hex of an attribute type OID's content bytes. */
export const ATTR = {
  signingTime: '2a864886f70d010905',
  signingCertificateV2: '2a864886f70d010910022f',
  messageDigest: '2a864886f70d010904',
  contentType: '2a864886f70d010903',
} as const;

/**
 * Applies `edit` to the signed attributes of the first signer and signs them again with
 * `key`, so that only the edited attribute is wrong.
 */
export function resign(
  cms: Uint8Array,
  key: KeyObject | CryptoKey,
  hash: string,
  edit: (attrs: Node[]) => Node[],
): Uint8Array {
  const root = decodeTree(cms);
  const si = signerInfoOf(root);
  const attrsNode = si.children!.find((c) => c.tag === 0xa0)!;
  attrsNode.children = edit(attrsNode.children!);
  const set = encodeTree({ tag: 0x31, children: attrsNode.children });
  const k = key instanceof KeyObject ? key : KeyObject.from(key);
  const sig = nodeSign(hash, set, { key: k, dsaEncoding: 'der' });
  const sigIndex = si.children!.findIndex((c) => c.tag === 0x04);
  si.children![sigIndex] = { tag: 0x04, value: new Uint8Array(sig) };
  return encodeTree(root);
}

export const sha256 = (b: Uint8Array): Uint8Array =>
  new Uint8Array(createHash('sha256').update(b).digest());

export type Switch = 'up' | 'down' | 'rogue';

export interface LivePki {
  pki: TestPki;
  url: string;
  ocsp: Switch;
  crl: Switch;
  /** Paths answered 503 whatever the switches say (e.g. one root's OCSP and CRL). */
  blocked?: (path: string) => boolean;
  requests: { ocsp: number; crl: number };
  close(): Promise<void>;
}

const sha1 = (b: Uint8Array): Uint8Array => new Uint8Array(createHash('sha1').update(b).digest());

/**
 * Rewrites an OCSP request's CertID to name the rogue CA, so that the rogue responder
 * (not authorised for our CA) answers it.
 */
function redirectToRogue(pki: TestPki, req: Uint8Array, kind: 'rsa' | 'ec'): Uint8Array {
  const rogue = decodeTree(pki.authorityCertificate(`rogue-${kind}`).der);
  const tbs = rogue.children![0]!;
  const subject = encodeTree(tbs.children![5]!);
  const spki = tbs.children![6]!;
  const keyBits = spki.children![1]!.value!.subarray(1);
  const root = decodeTree(req);
  const certId = root.children![0]!.children![0]!.children![0]!.children![0]!;
  certId.children![1] = { tag: 0x04, value: sha1(subject) };
  certId.children![2] = { tag: 0x04, value: sha1(keyBits) };
  return encodeTree(root);
}

export async function startLivePki(
  options: Omit<CreateTestPkiOptions, 'baseUrl'> = {},
): Promise<LivePki> {
  // Filled once the PKI exists: its certificate URLs need the server's port first.
  const ready: { handler?: ReturnType<typeof createPkiRequestHandler>; pki?: TestPki } = {};
  const state: LivePki = {
    pki: undefined as unknown as TestPki,
    url: '',
    ocsp: 'up',
    crl: 'up',
    requests: { ocsp: 0, crl: 0 },
    close: async () => undefined,
  };
  const server: Server = createServer((req, res) => {
    const path = req.url ?? '/';
    const isOcsp = path.startsWith('/ocsp');
    const isCrl = path.startsWith('/crl');
    if (isOcsp) state.requests.ocsp++;
    if (isCrl) state.requests.crl++;
    if (
      (isOcsp && state.ocsp === 'down') ||
      (isCrl && state.crl === 'down') ||
      state.blocked?.(path) === true ||
      !ready.handler ||
      !ready.pki
    ) {
      res.writeHead(503).end('down');
      return;
    }
    if (isOcsp && state.ocsp === 'rogue' && req.method === 'POST') {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const kind = path.includes('/ec') ? 'ec' : 'rsa';
        const body = redirectToRogue(ready.pki!, new Uint8Array(Buffer.concat(chunks)), kind);
        const fake = Object.assign(Readable.from([Buffer.from(body)]), {
          method: req.method,
          url: req.url,
          headers: req.headers,
        });
        ready.handler!(fake as never, res);
      });
      return;
    }
    ready.handler(req, res);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  state.pki = await createTestPki({ ...options, baseUrl: state.url });
  ready.pki = state.pki;
  ready.handler = createPkiRequestHandler(state.pki);
  state.close = () =>
    new Promise((r) => {
      server.close(() => r());
      server.closeAllConnections();
    });
  return state;
}

/** Asserts a report's indication and sub-indication, printing the first failed check otherwise. */
export function expectOutcome(r: Report, indication: Report['indication'], sub?: string): void {
  const failed = r.checks.find((c) => !c.passed);
  const msg = JSON.stringify({ indication: r.indication, sub: r.subIndication, failed }, null, 1);
  expect(r.indication, msg).toBe(indication);
  expect(r.subIndication, msg).toBe(sub);
}
