import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { InProcessHub } from '../src/plugins/sse-hub.js';
import { ExpirySweeper } from '../src/plugins/sweeper.js';
import { openDatabase } from '../src/storage/database.js';
import { CodeCollisionError, Store, type NewSession } from '../src/storage/store.js';
import { drawVerificationCode } from '../src/domain/verification-code.js';
import { buildTexts } from '../src/domain/texts.js';
import { databaseFixtures } from './support/app.js';

const SIGNER = {
  tckn: '10000000146',
  name: 'AHMET YILMAZ',
  certificateSerial: '01',
  issuer: 'CN=Test',
  notBefore: '2026-01-01T00:00:00.000Z',
  notAfter: '2027-01-01T00:00:00.000Z',
  keyAlgorithm: 'EC P-256',
};

function newSession(overrides: Partial<NewSession> = {}): NewSession {
  const now = Date.now();
  const code = overrides.code ?? drawVerificationCode();
  return {
    id: randomUUID(),
    code,
    purpose: 'login',
    tckn: null,
    form: null,
    texts: buildTexts({
      service: { name: 'S', origin: 'https://s.test' },
      purpose: 'login',
      code,
      createdAt: new Date(now),
    }),
    tokenHash: 'ab'.repeat(32),
    createdAt: now,
    expiresAt: now + 60_000,
    ...overrides,
  };
}

const audit = () => ({ at: Date.now(), clientAddress: '127.0.0.1' });

for (const fixture of databaseFixtures()) {
  describe.skipIf(fixture.unavailable)(
    `storage on ${fixture.kind}${fixture.unavailable ? ` (skipped: ${fixture.unavailable})` : ''}`,
    () => {
      let store: Store;

      beforeAll(async () => {
        await fixture.setup();
        const config = await fixture.fresh();
        store = new Store(await openDatabase(config), config.kind);
      });
      afterAll(async () => {
        await store?.close();
        await fixture.teardown();
      });

      it('stores and reads a session back unchanged', async () => {
        const s = newSession({
          tckn: '10000000146',
          purpose: 'application',
          form: { İl: 'Ankara', Ünvan: 'Öğretmen' },
        });
        await store.createSession(s, audit());
        const back = await store.findSession(s.id);
        expect(back).toMatchObject({
          ...s,
          state: 'pending',
          decidedAt: null,
          signer: null,
          rejection: null,
        });
        expect(typeof back!.createdAt).toBe('number');
        expect((await store.findByCode(s.code))?.id).toBe(s.id);
        expect((await store.auditTrail(s.id)).map((e) => e.event)).toEqual(['session-created']);
      });

      it('refuses a second live session with the same code, and frees the code once the first is decided', async () => {
        const first = newSession();
        await store.createSession(first, audit());
        await expect(
          store.createSession(newSession({ code: first.code }), audit()),
        ).rejects.toBeInstanceOf(CodeCollisionError);
        expect(await store.decide(first.id, { state: 'signed', signer: SIGNER }, [], audit())).toBe(
          true,
        );
        const second = newSession({ code: first.code });
        await store.createSession(second, audit());
        expect((await store.findByCode(first.code))?.id).toBe(second.id);
      });

      it('of 20 concurrent conditional updates exactly one wins, and only its evidence is stored', async () => {
        const s = newSession();
        await store.createSession(s, audit());
        const results = await Promise.all(
          Array.from({ length: 20 }, (_, i) =>
            store.decide(
              s.id,
              i % 2
                ? { state: 'signed', signer: { ...SIGNER, certificateSerial: String(i) } }
                : { state: 'rejected', rejection: { code: 'TCKN_MISMATCH', message: String(i) } },
              [
                {
                  textId: 't1',
                  textContent: s.texts[0]!.content,
                  cms: new Uint8Array([i, 1, 2]),
                  report: `{"n":${i}}`,
                },
              ],
              audit(),
            ),
          ),
        );
        expect(results.filter(Boolean)).toHaveLength(1);
        const winner = results.indexOf(true);
        const evidence = await store.signatures(s.id);
        expect(evidence).toHaveLength(1);
        expect([...evidence[0]!.cms]).toEqual([winner, 1, 2]);
        expect(evidence[0]!.report).toBe(`{"n":${winner}}`);
        const decided = await store.findSession(s.id);
        expect(decided!.state).toBe(winner % 2 ? 'signed' : 'rejected');
        expect((await store.auditTrail(s.id)).map((e) => e.event)).toEqual([
          'session-created',
          decided!.state,
        ]);
      });

      it('never decides an expired session', async () => {
        const s = newSession({ createdAt: Date.now() - 10_000, expiresAt: Date.now() - 1 });
        await store.createSession(s, audit());
        expect(await store.decide(s.id, { state: 'signed', signer: SIGNER }, [], audit())).toBe(
          false,
        );
        expect((await store.findSession(s.id))!.state).toBe('pending');
      });

      it('keeps evidence append-only: the database refuses UPDATE and DELETE on signatures and audit', async () => {
        const s = newSession();
        await store.createSession(s, audit());
        await store.decide(
          s.id,
          { state: 'signed', signer: SIGNER },
          [{ textId: 't1', textContent: 'x', cms: new Uint8Array([1]), report: '{}' }],
          audit(),
        );
        await expect(
          sql`UPDATE signatures SET report = '{"forged":true}'`.execute(store.db),
        ).rejects.toThrow(/append-only/);
        await expect(sql`DELETE FROM signatures`.execute(store.db)).rejects.toThrow(/append-only/);
        await expect(sql`DELETE FROM audit`.execute(store.db)).rejects.toThrow(/append-only/);
        expect(await store.signatures(s.id)).toHaveLength(1);
      });

      it('sweeps overdue pending sessions to expired once, with an audit row each', async () => {
        const overdue = newSession({ createdAt: Date.now() - 10_000, expiresAt: Date.now() - 5 });
        const live = newSession();
        await store.createSession(overdue, audit());
        await store.createSession(live, audit());
        const swept = await store.expireDue(Date.now());
        expect(swept).toContain(overdue.id);
        expect(swept).not.toContain(live.id);
        expect(await store.expireDue(Date.now())).not.toContain(overdue.id);
        expect((await store.findSession(overdue.id))!.state).toBe('expired');
        expect(await store.expireSession(live.id, Date.now())).toBe(false);
        expect((await store.auditTrail(overdue.id)).map((e) => e.event)).toEqual([
          'session-created',
          'expired',
        ]);
      });

      it('the sweeper tells the hub about every session it expires', async () => {
        const hub = new InProcessHub();
        const heard: string[] = [];
        const overdue = newSession({ createdAt: Date.now() - 10_000, expiresAt: Date.now() - 5 });
        await store.createSession(overdue, audit());
        hub.subscribe(overdue.id, () => heard.push(overdue.id));
        let counted = 0;
        const sweeper = new ExpirySweeper(
          store,
          hub,
          pino({ enabled: false }),
          (n) => (counted += n),
        );
        await sweeper.sweep();
        await sweeper.stop();
        expect(heard).toEqual([overdue.id]);
        expect(counted).toBeGreaterThanOrEqual(1);
      });

      it('answers a ping', async () => {
        await expect(store.ping()).resolves.toBeUndefined();
      });
    },
  );
}
