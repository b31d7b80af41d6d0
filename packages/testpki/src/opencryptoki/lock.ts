import { spawn } from 'node:child_process';

/** Host-wide: the soft token is one per machine, so every process that changes it takes this lock. */
export const OPENCRYPTOKI_LOCK_PATH = '/tmp/eimza-opencryptoki.lock';

export type ReleaseLock = () => Promise<void>;

/**
 * Takes an exclusive flock(1) lock held by a small child process. The child holds it until its stdin closes,
 * which also happens when this process dies, so a crashed test never leaves the lock behind.
 */
export async function acquireOpenCryptokiLock(timeoutMs = 110_000): Promise<ReleaseLock> {
  const child = spawn(
    'flock',
    [
      '--exclusive',
      '--timeout',
      String(Math.ceil(timeoutMs / 1000)),
      OPENCRYPTOKI_LOCK_PATH,
      'sh',
      '-c',
      'echo locked; exec cat >/dev/null',
    ],
    { stdio: ['pipe', 'pipe', 'ignore'] },
  );
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  await new Promise<void>((resolve, reject) => {
    child.once('error', (error) =>
      reject(new Error(`Could not run flock for ${OPENCRYPTOKI_LOCK_PATH}: ${error.message}`)),
    );
    child.stdout.once('data', () => resolve());
    void exited.then((code) =>
      reject(
        new Error(
          `Timed out or failed (exit ${code}) waiting for the openCryptoki lock ${OPENCRYPTOKI_LOCK_PATH}`,
        ),
      ),
    );
  });
  return async () => {
    child.stdin.end();
    await exited;
  };
}

/** Runs `work` while holding the openCryptoki lock. */
export async function withOpenCryptokiLock<T>(
  work: () => Promise<T>,
  timeoutMs?: number,
): Promise<T> {
  const release = await acquireOpenCryptokiLock(timeoutMs);
  try {
    return await work();
  } finally {
    await release();
  }
}
