import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..', '..', '..');

/** `npm start` (scripts/start.mjs) running in its own process group, as a test started it. */
export interface RunningStart {
  readonly child: ChildProcess;
  /** Everything it printed so far, stdout and stderr interleaved. */
  output(): string;
  /** Whether any process of its group (the API, the test PKI, the app) still runs. */
  groupAlive(): boolean;
  /**
   * Sends SIGTERM as Ctrl-C in a terminal would; resolves with its exit code and whether its
   * whole group was gone within five seconds of that exit.
   */
  terminate(): Promise<{ code: number | null; groupGone: boolean }>;
  /** Kills whatever of its group is left (a test's clean-up). */
  killGroup(): void;
}

/**
 * Starts `npm start` as a user runs it: scripts/start.mjs as a subprocess with stdin closed, in
 * its own process group (so that what is left of it afterwards can be seen), with the caller's
 * state folder and ports in `env` and no trust or SoftHSM2 configuration inherited from the test.
 * Resolves once `ready` holds for its output; rejects with the output if it exits first.
 */
export async function runNpmStart(
  env: NodeJS.ProcessEnv,
  ready: (output: string) => boolean,
): Promise<RunningStart> {
  const child = spawn(process.execPath, ['scripts/start.mjs'], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
    env: { ...process.env, EIMZA_TRUST_ANCHORS: '', SOFTHSM2_CONF: '', ...env },
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const groupAlive = (): boolean => {
    try {
      process.kill(-child.pid!, 0);
      return true;
    } catch {
      return false;
    }
  };
  await new Promise<void>((resolve, reject) => {
    const timer = setInterval(() => {
      if (ready(output)) {
        clearInterval(timer);
        child.off('exit', exited);
        resolve();
      }
    }, 100);
    const exited = (code: number | null) => {
      clearInterval(timer);
      reject(new Error(`npm start exited with ${code}:\n${output}`));
    };
    child.once('exit', exited);
  });
  return {
    child,
    output: () => output,
    groupAlive,
    terminate: async () => {
      const exit = new Promise<number | null>((resolve) => child.once('exit', resolve));
      process.kill(child.pid!, 'SIGTERM');
      const code = await exit;
      const deadline = Date.now() + 5000;
      while (groupAlive() && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      return { code, groupGone: !groupAlive() };
    },
    killGroup: () => {
      if (child.pid && groupAlive()) process.kill(-child.pid, 'SIGKILL');
    },
  };
}
