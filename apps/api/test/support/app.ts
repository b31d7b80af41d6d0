import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DatabaseConfig } from '../../src/plugins/config.js';
import { postgresUnavailable, startPostgres, type RunningPostgres } from './postgres.js';

export { testConfig } from '../../src/testing.js';

/** One kind of database for a test file's matrix: a fresh database per call to `fresh()`. */
export interface DatabaseFixture {
  readonly kind: DatabaseConfig['kind'];
  /** Why this database cannot run here (the matrix row is then skipped), or undefined. */
  readonly unavailable: string | undefined;
  setup(): Promise<void>;
  fresh(): Promise<DatabaseConfig>;
  teardown(): Promise<void>;
}

export function sqliteFixture(): DatabaseFixture {
  let dir: string | undefined;
  let n = 0;
  return {
    kind: 'sqlite',
    unavailable: undefined,
    async setup() {
      // tmpfs when there is one: the suite exercises synchronous=FULL without paying for disk flushes.
      dir = mkdtempSync(join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), 'eimza-api-sqlite-'));
    },
    async fresh() {
      return { kind: 'sqlite', path: join(dir!, `api-${++n}.sqlite`) };
    },
    async teardown() {
      if (dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function postgresFixture(): DatabaseFixture {
  let server: RunningPostgres | undefined;
  return {
    kind: 'postgres',
    unavailable: postgresUnavailable(),
    async setup() {
      server = await startPostgres();
    },
    async fresh() {
      return { kind: 'postgres', url: await server!.createDatabase() };
    },
    async teardown() {
      await server?.stop();
    },
  };
}

export const databaseFixtures = (): DatabaseFixture[] => [sqliteFixture(), postgresFixture()];
