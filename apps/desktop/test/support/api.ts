import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export {
  startTestApi as startApi,
  createSession,
  sessionState,
  type CreatedSession,
  type TestApi,
} from '@eimza/api/testing';

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), prefix));
}
