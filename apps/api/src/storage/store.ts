import { randomUUID } from 'node:crypto';
import type { ChallengeText, Purpose, Rejection, SessionState, Signer } from '@eimza/protocol';
import { sql, type Kysely, type Transaction } from 'kysely';
import type { DatabaseKind } from './database.js';
import type { Database, SessionsTable } from './schema.js';

export interface StoredSession {
  readonly id: string;
  readonly code: string;
  readonly purpose: Purpose;
  readonly tckn: string | null;
  readonly form: Record<string, string> | null;
  readonly texts: readonly ChallengeText[];
  readonly tokenHash: string;
  readonly state: SessionState;
  readonly createdAt: number;
  readonly expiresAt: number;
  readonly decidedAt: number | null;
  readonly signer: Signer | null;
  readonly rejection: Rejection | null;
}

export type NewSession = Omit<StoredSession, 'state' | 'decidedAt' | 'signer' | 'rejection'>;

export type AuditEventName =
  | 'session-created'
  | 'challenge-fetched'
  | 'signed'
  | 'rejected'
  | 'expired'
  /** The portal acted on a signed session (login, E-Onay, a certificate operation, an application). */
  | 'portal-action';

export interface AuditEvent {
  readonly sessionId: string | null;
  readonly event: AuditEventName;
  readonly at: number;
  readonly clientAddress: string | null;
  /** Non-secret facts only: never a token, a PIN or a CMS. */
  readonly detail?: Record<string, string | number | boolean>;
}

export interface EvidenceRow {
  readonly textId: string;
  readonly textContent: string;
  readonly cms: Uint8Array;
  /** The validation report as JSON. */
  readonly report: string;
}

export type Decision =
  | { readonly state: 'signed'; readonly signer: Signer }
  | { readonly state: 'rejected'; readonly rejection: Rejection };

export interface StoredSignature extends EvidenceRow {
  readonly id: string;
  readonly sessionId: string;
  readonly createdAt: number;
}

/** A verification code is already held by a live session (the partial unique index said so). */
export class CodeCollisionError extends Error {
  override readonly name = 'CodeCollisionError';
}

function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE';
}

function toSession(row: SessionsTable): StoredSession {
  return {
    id: row.id,
    code: row.code,
    purpose: row.purpose as Purpose,
    tckn: row.tckn,
    form: row.form === null ? null : (JSON.parse(row.form) as Record<string, string>),
    texts: JSON.parse(row.texts) as ChallengeText[],
    tokenHash: row.token_hash,
    state: row.state as SessionState,
    createdAt: Number(row.created_at),
    expiresAt: Number(row.expires_at),
    decidedAt: row.decided_at === null ? null : Number(row.decided_at),
    signer: row.signer === null ? null : (JSON.parse(row.signer) as Signer),
    rejection: row.rejection === null ? null : (JSON.parse(row.rejection) as Rejection),
  };
}

/** Sessions, evidence and audit over Kysely; the same statements on SQLite and PostgreSQL. */
export class Store {
  constructor(
    readonly db: Kysely<Database>,
    readonly kind: DatabaseKind,
  ) {}

  private async insertAudit(
    db: Kysely<Database> | Transaction<Database>,
    event: AuditEvent,
  ): Promise<void> {
    await db
      .insertInto('audit')
      .values({
        id: randomUUID(),
        session_id: event.sessionId,
        event: event.event,
        at: event.at,
        client_address: event.clientAddress,
        detail: event.detail ? JSON.stringify(event.detail) : null,
      })
      .execute();
  }

  async audit(event: AuditEvent): Promise<void> {
    await this.insertAudit(this.db, event);
  }

  /** Inserts a pending session and its audit row; CodeCollisionError if the code is live elsewhere. */
  async createSession(
    session: NewSession,
    audit: Omit<AuditEvent, 'sessionId' | 'event'>,
  ): Promise<void> {
    try {
      await this.db.transaction().execute(async (trx) => {
        await trx
          .insertInto('sessions')
          .values({
            id: session.id,
            code: session.code,
            purpose: session.purpose,
            tckn: session.tckn,
            form: session.form === null ? null : JSON.stringify(session.form),
            texts: JSON.stringify(session.texts),
            token_hash: session.tokenHash,
            state: 'pending',
            created_at: session.createdAt,
            expires_at: session.expiresAt,
            decided_at: null,
            signer: null,
            rejection: null,
          })
          .execute();
        await this.insertAudit(trx, { ...audit, sessionId: session.id, event: 'session-created' });
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw new CodeCollisionError('verification code is live');
      throw error;
    }
  }

  async findSession(id: string): Promise<StoredSession | undefined> {
    const row = await this.db
      .selectFrom('sessions')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    return row ? toSession(row) : undefined;
  }

  /** The newest session drawn with this code (a code can recur once its old session is over). */
  async findByCode(code: string): Promise<StoredSession | undefined> {
    const row = await this.db
      .selectFrom('sessions')
      .selectAll()
      .where('code', '=', code)
      .orderBy('created_at', 'desc')
      .limit(1)
      .executeTakeFirst();
    return row ? toSession(row) : undefined;
  }

  /**
   * Decides a pending, unexpired session with ONE conditional UPDATE, and in the same transaction
   * stores the evidence and the audit row. Returns false (and stores nothing) when another request
   * decided it first or it expired: of concurrent callers exactly one gets true.
   */
  async decide(
    sessionId: string,
    decision: Decision,
    evidence: readonly EvidenceRow[],
    audit: Omit<AuditEvent, 'sessionId' | 'event'>,
  ): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      const result = await trx
        .updateTable('sessions')
        .set({
          state: decision.state,
          decided_at: audit.at,
          signer: decision.state === 'signed' ? JSON.stringify(decision.signer) : null,
          rejection: decision.state === 'rejected' ? JSON.stringify(decision.rejection) : null,
        })
        .where('id', '=', sessionId)
        .where('state', '=', 'pending')
        .where('expires_at', '>', audit.at)
        .executeTakeFirst();
      if (Number(result.numUpdatedRows) !== 1) return false;
      for (const row of evidence) {
        await trx
          .insertInto('signatures')
          .values({
            id: randomUUID(),
            session_id: sessionId,
            text_id: row.textId,
            text_content: row.textContent,
            cms: row.cms,
            report: row.report,
            created_at: audit.at,
          })
          .execute();
      }
      await this.insertAudit(trx, { ...audit, sessionId, event: decision.state });
      return true;
    });
  }

  /** Marks one session expired if it is still pending past its lifetime. */
  async expireSession(id: string, now: number): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      const result = await trx
        .updateTable('sessions')
        .set({ state: 'expired', decided_at: now })
        .where('id', '=', id)
        .where('state', '=', 'pending')
        .where('expires_at', '<=', now)
        .executeTakeFirst();
      if (Number(result.numUpdatedRows) !== 1) return false;
      await this.insertAudit(trx, {
        sessionId: id,
        event: 'expired',
        at: now,
        clientAddress: null,
      });
      return true;
    });
  }

  /** Marks every overdue pending session expired; returns their ids. */
  async expireDue(now: number): Promise<string[]> {
    return this.db.transaction().execute(async (trx) => {
      const rows = await trx
        .updateTable('sessions')
        .set({ state: 'expired', decided_at: now })
        .where('state', '=', 'pending')
        .where('expires_at', '<=', now)
        .returning('id')
        .execute();
      for (const { id } of rows) {
        await this.insertAudit(trx, {
          sessionId: id,
          event: 'expired',
          at: now,
          clientAddress: null,
        });
      }
      return rows.map((r) => r.id);
    });
  }

  async signatures(sessionId: string): Promise<StoredSignature[]> {
    const rows = await this.db
      .selectFrom('signatures')
      .selectAll()
      .where('session_id', '=', sessionId)
      .orderBy('text_id')
      .execute();
    return rows.map((r) => ({
      id: r.id,
      sessionId: r.session_id,
      textId: r.text_id,
      textContent: r.text_content,
      cms: new Uint8Array(r.cms),
      report: r.report,
      createdAt: Number(r.created_at),
    }));
  }

  async auditTrail(sessionId: string): Promise<AuditEvent[]> {
    const rows = await this.db
      .selectFrom('audit')
      .selectAll()
      .where('session_id', '=', sessionId)
      .orderBy('at')
      .execute();
    return rows.map((r) => ({
      sessionId: r.session_id,
      event: r.event as AuditEventName,
      at: Number(r.at),
      clientAddress: r.client_address,
      ...(r.detail ? { detail: JSON.parse(r.detail) as Record<string, string> } : {}),
    }));
  }

  async ping(): Promise<void> {
    await sql`SELECT 1`.execute(this.db);
  }

  async close(): Promise<void> {
    await this.db.destroy();
  }
}
