import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { CreateTestPkiOptions, PkiServices } from './types.js';
import {
  AUTHORITY_IDS,
  ENTITY_BLUEPRINTS,
  isAuthorityId,
  isRootName,
  type EntityName,
} from './authorities.js';
import { createTestPki, type TestPki } from './pki.js';
import { respondOcsp } from './ocsp.js';
import { respondTimeStamp } from './tsa.js';

const HOST = '127.0.0.1';
const MAX_BODY = 64 * 1024;

export interface StartPkiServicesOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function readBody(req: IncomingMessage): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) {
        reject(new HttpError(413, 'Request body too large'));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(new Uint8Array(Buffer.concat(chunks))));
    req.on('error', reject);
  });
}

function send(
  res: ServerResponse,
  status: number,
  contentType: string,
  body: Uint8Array | string,
): void {
  res.writeHead(status, { 'content-type': contentType, 'cache-control': 'no-store' });
  res.end(body);
}

function entityNameOf(value: string): EntityName | undefined {
  return ENTITY_BLUEPRINTS.find((b) => b.name === value)?.name;
}

/**
 * Routes: POST /ocsp[/<authority>] and GET /ocsp/<authority>/<base64> (RFC 6960 appendix A),
 * GET /crl/<authority|root>.crl, GET /certs/<authority|entity>.cer, POST /tsa (RFC 3161 over
 * HTTP), GET / (a JSON index). Authorities: rsa, ec, rogue-rsa, rogue-ec; roots: root-rsa, root-ec,
 * root-rogue (OCSP and CRL for the issuing CAs and the TSA).
 */
async function route(pki: TestPki, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const path = decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname);
  const [first, second, ...rest] = path.replace(/^\/+/, '').split('/');

  if (first === 'ocsp') {
    if (req.method === 'POST') {
      const der = await readBody(req);
      return send(res, 200, 'application/ocsp-response', await respondOcsp(pki, der));
    }
    if (req.method === 'GET') {
      const encoded =
        second !== undefined && (isAuthorityId(second) || isRootName(second))
          ? rest.join('/')
          : [second, ...rest].join('/');
      if (!encoded) throw new HttpError(400, 'Missing OCSP request');
      const der = new Uint8Array(Buffer.from(encoded, 'base64'));
      return send(res, 200, 'application/ocsp-response', await respondOcsp(pki, der));
    }
    throw new HttpError(405, 'Method not allowed');
  }
  if (
    (first === 'crl' && pki.isServiceDown('crl')) ||
    (first === 'tsa' && pki.isServiceDown('tsa'))
  ) {
    throw new HttpError(503, 'Service unavailable (simulated outage)');
  }
  if (first === 'crl' && req.method === 'GET' && second !== undefined) {
    const authority = second.replace(/\.crl$/, '');
    if (isRootName(authority))
      return send(res, 200, 'application/pkix-crl', await pki.rootCrl(authority));
    if (!isAuthorityId(authority)) throw new HttpError(404, 'No such CRL');
    return send(res, 200, 'application/pkix-crl', await pki.crl(authority));
  }
  if (first === 'certs' && req.method === 'GET' && second !== undefined) {
    const name = second.replace(/\.(cer|crt|der)$/, '');
    if (isAuthorityId(name))
      return send(res, 200, 'application/pkix-cert', pki.authorityCertificate(name).der);
    const entity = entityNameOf(name);
    if (entity) return send(res, 200, 'application/pkix-cert', pki.entity(entity).certificate.der);
    throw new HttpError(404, 'No such certificate');
  }
  if (first === 'tsa') {
    if (req.method !== 'POST') throw new HttpError(405, 'Method not allowed');
    const der = await readBody(req);
    return send(res, 200, 'application/timestamp-reply', await respondTimeStamp(pki, der));
  }
  if (path === '/' && req.method === 'GET') {
    const index = {
      tsa: pki.urls.tsa,
      authorities: Object.fromEntries(
        AUTHORITY_IDS.map((id) => [
          id,
          { ocsp: pki.urls.ocsp(id), crl: pki.urls.crl(id), caIssuers: pki.urls.caIssuers(id) },
        ]),
      ),
    };
    return send(res, 200, 'application/json', JSON.stringify(index, null, 2));
  }
  throw new HttpError(404, 'Not found');
}

/** A node:http request listener serving the PKI's OCSP, CRL, certificate and TSA endpoints. */
export function createPkiRequestHandler(
  pki: TestPki,
): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    route(pki, req, res).catch((error: unknown) => {
      const status = error instanceof HttpError ? error.status : 500;
      const message = error instanceof Error ? error.message : 'Internal error';
      if (!res.headersSent) send(res, status, 'text/plain; charset=utf-8', `${message}\n`);
      else res.destroy();
    });
  };
}

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, HOST, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

function closer(server: Server): () => Promise<void> {
  return () =>
    new Promise((resolve, reject) => {
      server.close((error) => (error ? reject(error) : resolve()));
      server.closeAllConnections();
    });
}

/** Serves the PKI on 127.0.0.1; the certificates' URLs must point at the same port to be useful. */
export async function startPkiServices(
  pki: TestPki,
  options: StartPkiServicesOptions = {},
): Promise<PkiServices> {
  const server = createServer(createPkiRequestHandler(pki));
  const port = await listen(server, options.port ?? 0);
  return { url: `http://${HOST}:${port}`, port, close: closer(server) };
}

export interface RunningTestPki {
  pki: TestPki;
  services: PkiServices;
  url: string;
  close(): Promise<void>;
}

/** A fresh PKI on a free port, its certificate URLs pointing at its own live services. */
export async function startTestPki(
  options: Omit<CreateTestPkiOptions, 'baseUrl'> = {},
): Promise<RunningTestPki> {
  let handler: ((req: IncomingMessage, res: ServerResponse) => void) | undefined;
  const server = createServer((req, res) => {
    if (handler) handler(req, res);
    else send(res, 503, 'text/plain; charset=utf-8', 'Test PKI is starting\n');
  });
  const port = await listen(server, 0);
  const url = `http://${HOST}:${port}`;
  const close = closer(server);
  try {
    const pki = await createTestPki({ ...options, baseUrl: url });
    handler = createPkiRequestHandler(pki);
    const services: PkiServices = { url, port, close };
    return { pki, services, url, close };
  } catch (error) {
    await close();
    throw error;
  }
}
