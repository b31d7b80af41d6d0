import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseConfig } from '../src/plugins/config.js';
import { openDatabase } from '../src/storage/database.js';
import type { Database } from '../src/storage/schema.js';
import { startApiProcess } from './support/api-process.js';
import { TCKN, startLiveTrust, type LiveTrust } from './support/pki.js';
import { postgresUnavailable, startPostgres, type RunningPostgres } from './support/postgres.js';

const API = '/api/v1';
const CLIENTS = 6;
/** The API is killed once this many signatures were acknowledged and another is in flight. */
const ACKED_BEFORE_KILL = 15;

interface Created {
  readonly sessionId: string;
  readonly browserToken: string;
  readonly verificationCode: string;
}

interface Tracked {
  readonly created: Created;
  text?: string;
  cms?: string;
  /** HTTP status of the submission, when it came back. */
  status?: number;
  inFlight: boolean;
}

let live: LiveTrust;
let dir: string;

beforeAll(async () => {
  live = await startLiveTrust();
  dir = mkdtempSync(join(tmpdir(), 'eimza-api-durability-'));
  writeFileSync(
    join(dir, 'anchors.pem'),
    live.running.pki
      .anchors()
      .map((anchor) => anchor.pem)
      .join('\n'),
  );
}, 60_000);

afterAll(async () => {
  await live?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function post(base: string, path: string, body: unknown): Promise<Response> {
  return fetch(`${base}${API}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

interface Run {
  readonly tracked: Tracked[];
  /** Session creations whose answer never came: the API may have committed them before it died. */
  unansweredCreations: number;
  refusedCreations: number;
}

/** One client: session → challenge → signature (signed after the challenge is fetched) → submit, until stopped. */
async function client(base: string, run: Run, stopped: () => boolean): Promise<void> {
  const signer = await live.signer();
  while (!stopped()) {
    let creating = true;
    try {
      const res = await post(base, '/sessions', { purpose: 'login', tckn: TCKN });
      if (res.status !== 201) {
        run.refusedCreations += 1;
        return;
      }
      const entry: Tracked = { created: (await res.json()) as Created, inFlight: false };
      run.tracked.push(entry);
      creating = false;
      const challenge = (await (
        await fetch(`${base}${API}/challenges/${entry.created.verificationCode}`)
      ).json()) as { texts: { content: string }[] };
      entry.text = challenge.texts[0]!.content;
      entry.cms = await live.sign(signer, entry.text);
      if (stopped()) return;
      entry.inFlight = true;
      const submitted = await post(
        base,
        `/challenges/${entry.created.verificationCode}/signatures`,
        {
          signatures: [{ textId: 't1', cms: entry.cms }],
        },
      );
      entry.status = submitted.status;
      await submitted.arrayBuffer();
      entry.inFlight = false;
    } catch {
      // The API was killed under this request: whatever it left is checked after the restart.
      if (creating) run.unansweredCreations += 1;
      return;
    }
  }
}

async function crashAndCheck(database: DatabaseConfig, databaseUrl: string) {
  const env = {
    DATABASE_URL: databaseUrl,
    EIMZA_TRUST_ANCHORS: join(dir, 'anchors.pem'),
    EIMZA_STATE_DIR: dir,
    EIMZA_RATE_LIMIT_SESSIONS: '100000',
    EIMZA_RATE_LIMIT_CHALLENGES: '100000',
  };
  const first = await startApiProcess(env);
  const run: Run = { tracked: [], unansweredCreations: 0, refusedCreations: 0 };
  const { tracked } = run;
  let stop = false;
  const clients = Array.from({ length: CLIENTS }, () => client(first.base, run, () => stop));
  let inFlightAtKill: Tracked[];
  let ackedAtKill: number;
  const deadline = Date.now() + 90_000;
  for (;;) {
    ackedAtKill = tracked.filter((t) => t.status === 200).length;
    inFlightAtKill = tracked.filter((t) => t.inFlight);
    if (ackedAtKill >= ACKED_BEFORE_KILL && inFlightAtKill.length > 0) break;
    if (Date.now() > deadline) throw new Error(`no crash point reached:\n${first.output()}`);
    await new Promise((r) => setImmediate(r));
  }
  await first.kill();
  stop = true;
  await Promise.all(clients);
  expect(first.output()).not.toMatch(/"level":(50|60)/);

  // The restarted API migrates nothing new and answers from the same database.
  const second = await startApiProcess(env);
  const db: Kysely<Database> = await openDatabase(database);
  try {
    const acknowledged = tracked.filter((t) => t.status === 200);
    for (const t of acknowledged) {
      const status = (await (
        await fetch(`${second.base}${API}/sessions/${t.created.sessionId}`, {
          headers: { authorization: `Bearer ${t.created.browserToken}` },
        })
      ).json()) as { state: string };
      expect(status.state).toBe('signed');
      const evidence = await db
        .selectFrom('signatures')
        .selectAll()
        .where('session_id', '=', t.created.sessionId)
        .execute();
      expect(evidence).toHaveLength(1);
      expect(evidence[0]!.text_content).toBe(t.text);
      expect(Buffer.from(evidence[0]!.cms).toString('base64')).toBe(t.cms);
      expect(JSON.parse(evidence[0]!.report)).toMatchObject({ indication: 'TOTAL_PASSED' });
    }

    const sessions = await db.selectFrom('sessions').select(['id', 'state', 'signer']).execute();
    const counts = await db
      .selectFrom('signatures')
      .select(['session_id'])
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .groupBy('session_id')
      .execute();
    const evidenceOf = new Map(counts.map((c) => [c.session_id, Number(c.n)]));
    for (const s of sessions) {
      const n = evidenceOf.get(s.id) ?? 0;
      if (s.state === 'pending' || s.state === 'expired') expect(n, s.id).toBe(0);
      else {
        expect(['signed', 'rejected'], s.id).toContain(s.state);
        expect(n, s.id).toBe(1);
      }
      if (s.state === 'signed') expect(s.signer).not.toBeNull();
    }
    // A creation cut off by the kill may have committed without its answer: such a session is untouched.
    const trackedIds = new Set(tracked.map((t) => t.created.sessionId));
    const untracked = sessions.filter((s) => !trackedIds.has(s.id));
    expect(sessions.length - untracked.length).toBe(tracked.length);
    expect(untracked.length).toBeLessThanOrEqual(run.unansweredCreations);
    for (const s of untracked) expect(s.state, s.id).toBe('pending');

    const stateOf = new Map(sessions.map((s) => [s.id, s.state]));
    const figures = {
      database: database.kind,
      sessions: tracked.length,
      unansweredCreationsStored: untracked.length,
      acknowledged: acknowledged.length,
      storedSigned: sessions.filter((s) => s.state === 'signed').length,
      acknowledgedAtKill: ackedAtKill,
      inFlightAtKill: inFlightAtKill.length,
      // A 200 already written to the socket still reaches the client after the kill.
      inFlightAnsweredAfterKill: inFlightAtKill.filter((t) => t.status === 200).length,
      inFlightCommitted: inFlightAtKill.filter((t) => stateOf.get(t.created.sessionId) === 'signed')
        .length,
      refusedStatuses: tracked.filter((t) => t.status !== undefined && t.status !== 200).length,
      refusedCreations: run.refusedCreations,
    };
    console.log('durability', JSON.stringify(figures));
    expect(figures.refusedStatuses).toBe(0);
    expect(figures.refusedCreations).toBe(0);
    expect(figures.storedSigned).toBeGreaterThanOrEqual(figures.acknowledged);
    // Only submissions that were in flight may be signed without their 200 having arrived.
    expect(figures.storedSigned).toBeLessThanOrEqual(figures.acknowledged + figures.inFlightAtKill);
  } finally {
    await db.destroy();
    await second.kill();
  }
}

describe('durability: SIGKILL under concurrent submissions', () => {
  it('SQLite: every acknowledged signature is stored with its evidence; no session is half-decided', async () => {
    const path = join(dir, 'durability.sqlite');
    await crashAndCheck({ kind: 'sqlite', path }, path);
  }, 180_000);

  const unavailable = postgresUnavailable();
  describe.skipIf(unavailable)(
    `PostgreSQL${unavailable ? ` (skipped: ${unavailable})` : ''}`,
    () => {
      let postgres: RunningPostgres;
      beforeAll(async () => {
        postgres = await startPostgres();
      }, 60_000);
      afterAll(async () => {
        await postgres?.stop();
      });

      it('PostgreSQL: every acknowledged signature is stored with its evidence; no session is half-decided', async () => {
        const url = await postgres.createDatabase('durability');
        await crashAndCheck({ kind: 'postgres', url }, url);
      }, 180_000);
    },
  );
});
