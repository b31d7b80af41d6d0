import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { checkApi } from '../src/index.js';

// Real HTTP servers on 127.0.0.1: a healthy one, one that errors, one whose clock is off, and a closed port.
const servers: Server[] = [];

async function serve(status: number, date?: Date): Promise<string> {
  const server = createServer((_request, response) => {
    if (date) response.setHeader('Date', date.toUTCString());
    response.writeHead(status, { 'content-type': 'application/json' }).end('{}');
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

describe('checkApi', () => {
  it('a healthy API with the same clock: api OK and clock OK', async () => {
    const url = await serve(200);
    const checks = await checkApi(url);
    expect(checks).toMatchObject([
      {
        area: 'api',
        status: 'OK',
        key: 'doctor.apiOk',
        params: { url: `${url}/healthz`, status: 200 },
      },
      { area: 'clock', status: 'OK', key: 'doctor.clockOk' },
    ]);
    expect(Math.abs(checks[1]!.params.seconds as number)).toBeLessThanOrEqual(1);
  });

  it('a server clock five minutes ahead: clock WARN with a hint', async () => {
    const checks = await checkApi(await serve(200, new Date(Date.now() + 5 * 60_000)));
    expect(checks[1]).toMatchObject({ area: 'clock', status: 'WARN', hint: 'doctor.hints.clock' });
    expect(checks[1]!.params.seconds).toBeGreaterThanOrEqual(299);
    expect(checks[1]!.params.seconds).toBeLessThanOrEqual(301);
  });

  it('an error status FAILs with the status', async () => {
    const checks = await checkApi(await serve(503));
    expect(checks[0]).toMatchObject({
      status: 'FAIL',
      key: 'doctor.apiStatus',
      params: { status: 503 },
      hint: 'doctor.hints.api',
    });
  });

  it('nothing listening: FAIL with ECONNREFUSED', async () => {
    const url = await serve(200);
    await new Promise((resolve) => servers.pop()!.close(resolve));
    const checks = await checkApi(url);
    expect(checks).toEqual([
      {
        area: 'api',
        status: 'FAIL',
        key: 'doctor.apiUnreachable',
        params: { url: `${url}/healthz`, error: 'ECONNREFUSED' },
        hint: 'doctor.hints.api',
      },
    ]);
  });
});
