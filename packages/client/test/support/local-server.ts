import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export type Handler = (
  request: http.IncomingMessage,
  response: http.ServerResponse,
  body: string,
) => void;

export interface LocalServer {
  /** `http(s)://127.0.0.1:<port>` */
  origin: string;
  /** Requests seen, as `METHOD path`, in order. */
  requests: string[];
  /** Replaced per test: answers every request. */
  handle: Handler;
  close(): Promise<void>;
}

function readBody(request: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

/** A real HTTP(S) server on 127.0.0.1 and an ephemeral port; the test sets `handle`. */
export async function startLocalServer(tls?: { key: string; cert: string }): Promise<LocalServer> {
  const sockets = new Set<import('node:net').Socket>();
  const state: LocalServer = {
    origin: '',
    requests: [],
    handle: (_req, res) => {
      res.writeHead(500).end();
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
  const listener = (request: http.IncomingMessage, response: http.ServerResponse) => {
    void readBody(request).then((body) => {
      state.requests.push(`${request.method} ${request.url}`);
      state.handle(request, response, body);
    });
  };
  const server = tls ? https.createServer(tls, listener) : http.createServer(listener);
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  state.origin = `${tls ? 'https' : 'http'}://127.0.0.1:${port}`;
  return state;
}

export function sendJson(
  response: http.ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  response
    .writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers })
    .end(JSON.stringify(body));
}

export interface SelfSignedCertificate {
  key: string;
  cert: string;
  certFile: string;
  cleanup(): void;
}

/** A self-signed server certificate made by the OpenSSL CLI for the given subjectAltName. */
export function makeSelfSignedCertificate(subjectAltName: string): SelfSignedCertificate {
  const dir = mkdtempSync(join(tmpdir(), 'eimza-client-tls-'));
  const keyFile = join(dir, 'key.pem');
  const certFile = join(dir, 'cert.pem');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-keyout',
      keyFile,
      '-out',
      certFile,
      '-days',
      '1',
      '-subj',
      '/CN=eimza test server',
      '-addext',
      `subjectAltName=${subjectAltName}`,
    ],
    { stdio: 'ignore' },
  );
  return {
    key: readFileSync(keyFile, 'utf8'),
    cert: readFileSync(certFile, 'utf8'),
    certFile,
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}
