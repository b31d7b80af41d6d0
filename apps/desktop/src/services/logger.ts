import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { pino, type Logger } from 'pino';

export const LOG_FILE = join('logs', 'desktop.log');

const SECRET_KEYS = ['pin', 'puk', 'oldPin', 'newPin', 'oldPuk', 'newPuk', 'password', 'soPin'];

/**
 * Nothing logs a PIN or PUK on purpose; these paths are the second line of defence should a
 * request object ever reach a log call (top level, one and two levels down).
 */
export const REDACT_PATHS = SECRET_KEYS.flatMap((key) => [key, `*.${key}`, `*.*.${key}`]);

/** The app's log: JSON lines in `<stateDir>/logs/desktop.log`, written synchronously (a crash keeps the last lines). */
export function createDesktopLogger(stateDir: string, level = 'info'): Logger {
  const path = join(stateDir, LOG_FILE);
  mkdirSync(join(stateDir, 'logs'), { recursive: true });
  return pino(
    {
      level,
      base: { app: 'eimza-desktop', pid: process.pid },
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    },
    pino.destination({ dest: path, sync: true, mkdir: true }),
  );
}
