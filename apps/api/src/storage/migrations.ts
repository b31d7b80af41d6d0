import { sql, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import type { DatabaseKind } from './database.js';

function columnTypes(kind: DatabaseKind) {
  return kind === 'sqlite'
    ? ({ time: 'integer', bytes: 'blob' } as const)
    : ({ time: 'bigint', bytes: 'bytea' } as const);
}

/** Evidence tables refuse UPDATE and DELETE at the database itself, not only in the code. */
async function appendOnly(db: Kysely<unknown>, kind: DatabaseKind, table: string): Promise<void> {
  const message = `${table} is append-only evidence`;
  if (kind === 'sqlite') {
    for (const op of ['UPDATE', 'DELETE']) {
      await sql
        .raw(
          `CREATE TRIGGER ${table}_no_${op.toLowerCase()} BEFORE ${op} ON ${table} ` +
            `BEGIN SELECT RAISE(ABORT, '${message}'); END`,
        )
        .execute(db);
    }
    return;
  }
  await sql
    .raw(
      `CREATE OR REPLACE FUNCTION eimza_refuse_change() RETURNS trigger LANGUAGE plpgsql AS ` +
        `$$ BEGIN RAISE EXCEPTION '% is append-only evidence', TG_TABLE_NAME; END $$`,
    )
    .execute(db);
  await sql
    .raw(
      `CREATE TRIGGER ${table}_append_only BEFORE UPDATE OR DELETE ON ${table} ` +
        `FOR EACH ROW EXECUTE FUNCTION eimza_refuse_change()`,
    )
    .execute(db);
}

function initial(kind: DatabaseKind): Migration {
  const t = columnTypes(kind);
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('sessions')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('code', 'text', (c) => c.notNull())
        .addColumn('purpose', 'text', (c) => c.notNull())
        .addColumn('tckn', 'text')
        .addColumn('form', 'text')
        .addColumn('texts', 'text', (c) => c.notNull())
        .addColumn('token_hash', 'text', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('created_at', t.time, (c) => c.notNull())
        .addColumn('expires_at', t.time, (c) => c.notNull())
        .addColumn('decided_at', t.time)
        .addColumn('signer', 'text')
        .addColumn('rejection', 'text')
        .execute();
      // A code identifies one live session; once decided or expired it may be drawn again.
      await sql`CREATE UNIQUE INDEX sessions_live_code ON sessions (code) WHERE state = 'pending'`.execute(
        db,
      );
      await db.schema
        .createIndex('sessions_code')
        .on('sessions')
        .columns(['code', 'created_at'])
        .execute();
      await db.schema
        .createIndex('sessions_pending_expiry')
        .on('sessions')
        .columns(['state', 'expires_at'])
        .execute();

      await db.schema
        .createTable('signatures')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('session_id', 'text', (c) => c.notNull().references('sessions.id'))
        .addColumn('text_id', 'text', (c) => c.notNull())
        .addColumn('text_content', 'text', (c) => c.notNull())
        .addColumn('cms', t.bytes, (c) => c.notNull())
        .addColumn('report', 'text', (c) => c.notNull())
        .addColumn('created_at', t.time, (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('signatures_session')
        .on('signatures')
        .column('session_id')
        .execute();

      await db.schema
        .createTable('audit')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('session_id', 'text')
        .addColumn('event', 'text', (c) => c.notNull())
        .addColumn('at', t.time, (c) => c.notNull())
        .addColumn('client_address', 'text')
        .addColumn('detail', 'text')
        .execute();
      await db.schema
        .createIndex('audit_session')
        .on('audit')
        .columns(['session_id', 'at'])
        .execute();

      await appendOnly(db, kind, 'signatures');
      await appendOnly(db, kind, 'audit');
    },
  };
}

export function migrations(kind: DatabaseKind): MigrationProvider {
  return { getMigrations: async () => ({ '0001_initial': initial(kind) }) };
}
