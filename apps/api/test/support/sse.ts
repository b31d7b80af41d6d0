import { request, type IncomingMessage } from 'node:http';

export interface SseEvent {
  readonly event: string;
  readonly data: unknown;
  /** performance.now() when the event's last line arrived. */
  readonly at: number;
}

export interface SseClient {
  readonly status: number;
  readonly headers: IncomingMessage['headers'];
  readonly events: SseEvent[];
  /** The next event not yet taken (waits for it). */
  next(timeoutMs?: number): Promise<SseEvent>;
  /** Resolves when the server ends the stream. */
  readonly ended: Promise<void>;
  close(): void;
}

/** A minimal EventSource over node:http that timestamps every event on arrival. */
export function openSse(url: string): Promise<SseClient> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: { accept: 'text/event-stream' } }, (res) => {
      const events: SseEvent[] = [];
      const waiters: (() => void)[] = [];
      let taken = 0;
      let buffer = '';
      let resolveEnded!: () => void;
      const ended = new Promise<void>((r) => (resolveEnded = r));
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffer += chunk;
        let split: number;
        while ((split = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, split);
          buffer = buffer.slice(split + 2);
          let event = 'message';
          const data: string[] = [];
          for (const line of block.split('\n')) {
            if (line.startsWith('event: ')) event = line.slice(7);
            else if (line.startsWith('data: ')) data.push(line.slice(6));
          }
          if (data.length === 0) continue;
          events.push({ event, data: JSON.parse(data.join('\n')), at: performance.now() });
          waiters.splice(0).forEach((w) => w());
        }
      });
      res.on('end', () => {
        resolveEnded();
        waiters.splice(0).forEach((w) => w());
      });
      res.on('close', () => resolveEnded());
      let done = false;
      res.on('end', () => (done = true));
      resolve({
        status: res.statusCode ?? 0,
        headers: res.headers,
        events,
        ended,
        async next(timeoutMs = 5_000) {
          const deadline = Date.now() + timeoutMs;
          while (events.length <= taken) {
            if (done) throw new Error('stream ended before the next event');
            if (Date.now() > deadline) throw new Error('no event in time');
            await new Promise<void>((r) => {
              waiters.push(r);
              setTimeout(r, 50);
            });
          }
          return events[taken++]!;
        },
        close: () => req.destroy(),
      });
    });
    req.on('error', reject);
    req.end();
  });
}
