import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';

export {
  startTestApi as startApi,
  createSession,
  sessionState,
  type CreatedSession,
} from '@eimza/api/testing';

/** A CLI run whose standard input stays open until the test writes to it: for steps between challenge and PIN. */
export interface LiveCli {
  child: ChildProcessWithoutNullStreams;
  output(): { stdout: string; stderr: string };
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<void>;
  done: Promise<{ code: number | null; stdout: string; stderr: string }>;
}

export function startCli(binary: string, args: string[], env: NodeJS.ProcessEnv): LiveCli {
  const child = spawn(process.execPath, [binary, ...args], {
    env,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  const waiters: Array<() => void> = [];
  const onData = () => waiters.forEach((check) => check());
  child.stdout.on('data', (chunk: Buffer) => ((stdout += chunk.toString('utf8')), onData()));
  child.stderr.on('data', (chunk: Buffer) => ((stderr += chunk.toString('utf8')), onData()));
  const done = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    child.on('close', (code) => resolve({ code, stdout, stderr })),
  );
  return {
    child,
    output: () => ({ stdout, stderr }),
    done,
    waitFor: (pattern, timeoutMs = 30_000) =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`timed out waiting for ${pattern}: ${stdout}\n${stderr}`)),
          timeoutMs,
        );
        const check = () => {
          if (pattern.test(stdout) || pattern.test(stderr)) {
            clearTimeout(timer);
            resolve();
          }
        };
        waiters.push(check);
        void done.then(() => check());
        check();
      }),
  };
}
