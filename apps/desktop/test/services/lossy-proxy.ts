import { connect, createServer, type Socket } from 'node:net';

/**
 * How the next matching request is lost:
 * - `cut-request`: the client sends it whole, the API gets all of it but the last byte, then both
 *   connections drop (the network failed after the request left the client);
 * - `drop-answer`: the API gets it whole and answers; the answer is dropped with the connection;
 * - `hold`: the proxy keeps it and drops the client's connection; `release()` delivers it later
 *   (a request stuck on the way that still arrives).
 */
export type Loss = 'cut-request' | 'drop-answer' | 'hold';

export interface SeenRequest {
  method: string;
  path: string;
  body: string;
  /** What the proxy did with it. */
  fate: Loss | 'forwarded';
}

/** An HTTP/1.1 proxy on 127.0.0.1 in front of `target` that loses requests on demand. */
export interface LossyProxy {
  readonly url: string;
  readonly requests: SeenRequest[];
  /** The next request for which `match(method, path)` holds is lost as `loss` says. */
  loseNext(loss: Loss, match: (method: string, path: string) => boolean): void;
  /** Sends the held request to the API; resolves with the status the API answered. */
  release(): Promise<number>;
  close(): Promise<void>;
}

interface Parsed {
  raw: Buffer;
  method: string;
  path: string;
  body: string;
}

const HEAD_END = Buffer.from('\r\n\r\n');

/** Splits complete requests off the front of `buffer` (Content-Length bodies: what axios sends). */
function takeRequests(buffer: Buffer): { requests: Parsed[]; rest: Buffer } {
  const requests: Parsed[] = [];
  let rest = buffer;
  for (;;) {
    const end = rest.indexOf(HEAD_END);
    if (end < 0) break;
    const head = rest.subarray(0, end).toString('latin1');
    if (/^transfer-encoding:/im.test(head)) throw new Error('chunked requests are not supported');
    const length = Number(/^content-length:\s*(\d+)/im.exec(head)?.[1] ?? 0);
    const total = end + HEAD_END.length + length;
    if (rest.length < total) break;
    const [method = '', path = ''] = head.split('\r\n', 1)[0]!.split(' ');
    requests.push({
      raw: Buffer.from(rest.subarray(0, total)),
      method,
      path,
      body: rest.subarray(end + HEAD_END.length, total).toString('utf8'),
    });
    rest = rest.subarray(total);
  }
  return { requests, rest };
}

function statusOf(response: Buffer): number {
  const match = /^HTTP\/1\.[01] (\d{3})/.exec(response.toString('latin1'));
  if (!match) throw new Error('no HTTP status line');
  return Number(match[1]);
}

export async function startLossyProxy(target: { host: string; port: number }): Promise<LossyProxy> {
  const requests: SeenRequest[] = [];
  const sockets = new Set<Socket>();
  let pending: { loss: Loss; match: (method: string, path: string) => boolean } | undefined;
  let held: Buffer | undefined;

  const track = (socket: Socket): Socket => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    return socket;
  };

  const server = createServer((client) => {
    track(client);
    const upstream = track(connect(target.port, target.host));
    let buffered: Buffer = Buffer.alloc(0);
    let dropAnswer = false;
    const drop = () => {
      client.resetAndDestroy();
      upstream.destroy();
    };
    upstream.on('data', (chunk: Buffer) => {
      if (dropAnswer) drop();
      else client.write(chunk);
    });
    upstream.on('close', () => client.destroy());
    client.on('close', () => upstream.destroy());
    client.on('data', (chunk: Buffer) => {
      const taken = takeRequests(Buffer.concat([buffered, chunk]));
      buffered = taken.rest;
      for (const request of taken.requests) {
        const loss = pending?.match(request.method, request.path) ? pending.loss : undefined;
        if (loss) pending = undefined;
        const { method, path, body } = request;
        requests.push({ method, path, body, fate: loss ?? 'forwarded' });
        if (loss === 'cut-request') {
          upstream.write(request.raw.subarray(0, -1), () => drop());
          return;
        }
        if (loss === 'hold') {
          held = request.raw;
          drop();
          return;
        }
        if (loss === 'drop-answer') dropAnswer = true;
        upstream.write(request.raw);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('proxy has no address');

  return {
    url: `http://127.0.0.1:${address.port}`,
    requests,
    loseNext(loss, match) {
      pending = { loss, match };
    },
    release() {
      const request = held;
      if (!request) return Promise.reject(new Error('no request is held'));
      held = undefined;
      return new Promise((resolve, reject) => {
        const socket = track(connect(target.port, target.host, () => socket.write(request)));
        let answer: Buffer = Buffer.alloc(0);
        socket.on('data', (chunk: Buffer) => {
          answer = Buffer.concat([answer, chunk]);
          if (answer.indexOf(HEAD_END) < 0) return;
          socket.destroy();
          try {
            resolve(statusOf(answer));
          } catch (error) {
            reject(error as Error);
          }
        });
        socket.on('close', () => reject(new Error('the API closed before answering')));
      });
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
