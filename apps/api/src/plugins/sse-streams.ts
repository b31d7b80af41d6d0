import type { ServerResponse } from 'node:http';

const HEARTBEAT_MS = 15_000;

/** One open Server-Sent Events response. */
export class SseStream {
  private closed = false;
  private readonly heartbeat: NodeJS.Timeout;
  private readonly onEnd: (() => void)[] = [];

  constructor(private readonly response: ServerResponse) {
    response.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    response.flushHeaders();
    // Comments keep proxies from closing a quiet stream.
    this.heartbeat = setInterval(() => this.write(': keep-alive\n\n'), HEARTBEAT_MS);
    this.heartbeat.unref();
    response.on('close', () => this.end());
  }

  get isClosed(): boolean {
    return this.closed;
  }

  send(event: string, data: unknown): void {
    this.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  }

  whenEnded(callback: () => void): void {
    if (this.closed) callback();
    else this.onEnd.push(callback);
  }

  end(): void {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.heartbeat);
    if (!this.response.writableEnded) this.response.end();
    for (const callback of this.onEnd.splice(0)) callback();
  }

  private write(chunk: string): void {
    if (!this.closed) this.response.write(chunk);
  }
}

/** Every open stream, so shutdown can end them instead of waiting for clients to leave. */
export class SseStreams {
  private readonly open = new Set<SseStream>();

  start(response: ServerResponse): SseStream {
    const stream = new SseStream(response);
    this.open.add(stream);
    stream.whenEnded(() => this.open.delete(stream));
    return stream;
  }

  get size(): number {
    return this.open.size;
  }

  closeAll(): void {
    for (const stream of [...this.open]) stream.end();
  }
}
