// `npm run bench` (bench/api.ts): the API as a real process on 127.0.0.1 with SQLite in a temp
// folder, trusting a live test PKI (revocation answered once by its OCSP, then from the API's warm
// cache). Measures sessions created/s, session round trips/s (SSE subscribe → challenge →
// signature → `signed` event, with a CMS signed per session before timing), /signatures latency
// at 50 concurrent clients, submission → SSE event time, and the API's RSS with 10,000 pending
// sessions. Writes bench/results/api.json.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { keySigner, signCades } from '@eimza/cades';
import { freePort, startTestPki, type SignerWithKey } from '@eimza/testpki';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const API = '/api/v1';
const TCKN = '10000000146';
const CONCURRENCY = 50;
const PENDING_SESSIONS = Number(process.env.BENCH_PENDING_SESSIONS ?? 10_000);
const ROUND_TRIPS = Number(process.env.BENCH_ROUND_TRIPS ?? 1_000);

interface Created {
  readonly sessionId: string;
  readonly browserToken: string;
  readonly verificationCode: string;
}

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[
    Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))
  ]!;
}

const ms = (v: number) => Math.round(v * 100) / 100;

/** Runs `count` jobs on `concurrency` workers; each worker takes the next index until none is left. */
async function pool(count: number, concurrency: number, job: (i: number) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(count, concurrency) }, async () => {
      while (next < count) await job(next++);
    }),
  );
}

function rssKiB(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('VmRSS:'));
  return Number(/(\d+)/.exec(line ?? '')?.[1] ?? NaN);
}

/** Opens the session's SSE stream; resolves once the first (pending) event arrived. */
function follow(url: string): Promise<{ signedAt: Promise<number>; close(): void }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: { accept: 'text/event-stream' } }, (res) => {
      if (res.statusCode !== 200) return reject(new Error(`SSE ${res.statusCode}`));
      let buffer = '';
      let first = true;
      let settle!: (at: number) => void;
      let fail!: (error: Error) => void;
      const signedAt = new Promise<number>((s, f) => {
        settle = s;
        fail = f;
      });
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffer += chunk;
        let split: number;
        while ((split = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, split);
          buffer = buffer.slice(split + 2);
          const data = block
            .split('\n')
            .find((l) => l.startsWith('data: '))
            ?.slice(6);
          if (!data) continue;
          const state = (JSON.parse(data) as { state: string }).state;
          if (first) {
            first = false;
            resolve({ signedAt, close: () => req.destroy() });
          } else if (state === 'signed') settle(performance.now());
          else fail(new Error(`unexpected state ${state}`));
        }
      });
      res.on('end', () => fail(new Error('stream ended without signed')));
    });
    req.on('error', reject);
    req.end();
  });
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'eimza-bench-api-'));
  const pki = await startTestPki();
  let api: ReturnType<typeof spawn> | undefined;
  try {
    const signer: SignerWithKey = await pki.pki.issueSignerWithKey({
      ca: 'ec',
      keyAlgorithm: 'ec-p256',
      tckn: TCKN,
      name: 'AHMET YILMAZ',
    });
    const chain = [signer.certificate.chain[0]!.der];
    const sign = async (text: string) =>
      Buffer.from(
        await signCades({
          content: new TextEncoder().encode(text),
          certificate: signer.certificate.der,
          chain,
          sign: keySigner(signer.privateKey),
        }),
      ).toString('base64');
    writeFileSync(
      join(dir, 'anchors.pem'),
      pki.pki
        .anchors()
        .map((a) => a.pem)
        .join('\n'),
    );

    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    // BENCH_API_CPU_PROF=<folder>: the API writes a V8 CPU profile there when it stops.
    const profile = process.env.BENCH_API_CPU_PROF;
    const nodeArgs = profile ? ['--cpu-prof', '--cpu-prof-dir', profile] : [];
    api = spawn(
      process.execPath,
      [...nodeArgs, '--import', 'tsx', join(root, 'apps/api/src/server.ts')],
      {
        cwd: root,
        env: {
          ...process.env,
          PORT: String(port),
          HOST: '127.0.0.1',
          DATABASE_URL: join(dir, 'api.sqlite'),
          EIMZA_STATE_DIR: dir,
          EIMZA_TRUST_ANCHORS: join(dir, 'anchors.pem'),
          EIMZA_RATE_LIMIT_SESSIONS: '1000000',
          EIMZA_RATE_LIMIT_CHALLENGES: '1000000',
          LOG_LEVEL: 'warn',
        },
        stdio: ['ignore', 'inherit', 'inherit'],
      },
    );
    const pid = api.pid!;
    for (let tries = 0; ; tries++) {
      if (api.exitCode !== null) throw new Error(`API exited with ${api.exitCode}`);
      if ((await fetch(`${base}/readyz`).catch(() => undefined))?.status === 200) break;
      if (tries > 600) throw new Error('API did not become ready');
      await new Promise((r) => setTimeout(r, 100));
    }

    const createSession = async (): Promise<Created> => {
      const res = await fetch(`${base}${API}/sessions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ purpose: 'login', tckn: TCKN }),
      });
      if (res.status !== 201) throw new Error(`POST /sessions: ${res.status}`);
      return (await res.json()) as Created;
    };
    const challengeText = async (code: string): Promise<string> => {
      const res = await fetch(`${base}${API}/challenges/${code}`);
      if (res.status !== 200) throw new Error(`GET /challenges: ${res.status}`);
      return ((await res.json()) as { texts: { content: string }[] }).texts[0]!.content;
    };
    const submit = async (code: string, cms: string): Promise<void> => {
      const res = await fetch(`${base}${API}/challenges/${code}/signatures`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ signatures: [{ textId: 't1', cms }] }),
      });
      const body = await res.text();
      if (res.status !== 200) throw new Error(`POST /signatures: ${res.status} ${body}`);
    };

    // Warm-up: code paths compiled, the signer's OCSP answer in the API's revocation cache.
    for (let i = 0; i < 20; i++) {
      const s = await createSession();
      await submit(s.verificationCode, await sign(await challengeText(s.verificationCode)));
    }
    const rssIdleKiB = rssKiB(pid);

    // 1. Sessions created/s, and the RSS they leave: PENDING_SESSIONS stay pending.
    let start = performance.now();
    await pool(PENDING_SESSIONS, CONCURRENCY, async () => {
      await createSession();
    });
    const sessionsPerSecond = PENDING_SESSIONS / ((performance.now() - start) / 1000);
    if (global.gc) global.gc();
    await new Promise((r) => setTimeout(r, 1000));
    const rssPendingKiB = rssKiB(pid);

    // 2. Round trips with a CMS signed per session before timing (the text carries the code).
    const prepared: { created: Created; cms: string }[] = [];
    await pool(ROUND_TRIPS, CONCURRENCY, async () => {
      const created = await createSession();
      prepared.push({ created, cms: await sign(await challengeText(created.verificationCode)) });
    });
    const openMs: number[] = [];
    const challengeMs: number[] = [];
    const submitMs: number[] = [];
    const submitToEventMs: number[] = [];
    const responseToEventMs: number[] = [];
    start = performance.now();
    await pool(prepared.length, CONCURRENCY, async (i) => {
      const { created, cms } = prepared[i]!;
      const opening = performance.now();
      const stream = await follow(
        `${base}${API}/sessions/${created.sessionId}/events?token=${created.browserToken}`,
      );
      try {
        const fetching = performance.now();
        await challengeText(created.verificationCode);
        const sent = performance.now();
        openMs.push(fetching - opening);
        challengeMs.push(sent - fetching);
        await submit(created.verificationCode, cms);
        const answered = performance.now();
        const at = await stream.signedAt;
        submitMs.push(answered - sent);
        submitToEventMs.push(at - sent);
        responseToEventMs.push(Math.max(0, at - answered));
      } finally {
        stream.close();
      }
    });
    const roundTripsPerSecond = prepared.length / ((performance.now() - start) / 1000);

    const results = {
      when: new Date().toISOString(),
      machine: 'loopback, API and clients on the same cores',
      loadAverage1m: Math.round(loadavg()[0]! * 10) / 10,
      database: 'sqlite (WAL, synchronous=FULL)',
      signature: 'detached CAdES-BES, EC P-256, issuing CA embedded',
      concurrency: CONCURRENCY,
      sessionsCreated: PENDING_SESSIONS,
      sessionsPerSecond: Math.round(sessionsPerSecond),
      roundTrips: prepared.length,
      roundTripsPerSecond: Math.round(roundTripsPerSecond),
      sseOpenMs: { p50: ms(percentile(openMs, 50)), p99: ms(percentile(openMs, 99)) },
      challengeMs: { p50: ms(percentile(challengeMs, 50)), p99: ms(percentile(challengeMs, 99)) },
      signaturesLatencyMs: { p50: ms(percentile(submitMs, 50)), p99: ms(percentile(submitMs, 99)) },
      submissionToEventMs: {
        p50: ms(percentile(submitToEventMs, 50)),
        p99: ms(percentile(submitToEventMs, 99)),
      },
      responseToEventMs: {
        p50: ms(percentile(responseToEventMs, 50)),
        p99: ms(percentile(responseToEventMs, 99)),
      },
      rssMiB: {
        idleAfterWarmup: Math.round(rssIdleKiB / 1024),
        withPendingSessions: Math.round(rssPendingKiB / 1024),
        pendingSessions: PENDING_SESSIONS,
      },
    };
    mkdirSync(join(here, 'results'), { recursive: true });
    writeFileSync(join(here, 'results', 'api.json'), `${JSON.stringify(results, null, 2)}\n`);
    process.stdout.write(
      [
        `sessions created:            ${results.sessionsPerSecond}/s (${PENDING_SESSIONS}, ${CONCURRENCY} clients)`,
        `round trips (SSE→challenge→signature→event): ${results.roundTripsPerSecond}/s (${prepared.length})`,
        `in a round trip: SSE open p50 ${results.sseOpenMs.p50} ms, GET /challenges p50 ${results.challengeMs.p50} ms`,
        `POST /signatures at ${CONCURRENCY} clients: p50 ${results.signaturesLatencyMs.p50} ms, p99 ${results.signaturesLatencyMs.p99} ms`,
        `submission → SSE event:      p50 ${results.submissionToEventMs.p50} ms, p99 ${results.submissionToEventMs.p99} ms`,
        `200 → SSE event:             p50 ${results.responseToEventMs.p50} ms, p99 ${results.responseToEventMs.p99} ms`,
        `API RSS: ${results.rssMiB.idleAfterWarmup} MiB idle, ${results.rssMiB.withPendingSessions} MiB with ${PENDING_SESSIONS} pending sessions`,
        'wrote bench/results/api.json',
        '',
      ].join('\n'),
    );
  } finally {
    if (api && api.exitCode === null) {
      const exited = new Promise((r) => api!.once('exit', r));
      api.kill('SIGTERM');
      await exited;
    }
    await pki.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench/api: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
