import { execFile } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { promisify } from 'node:util';
import { OpenCryptokiUnavailableError } from './availability.js';
import { PKCSSLOTD_PATH, PKCSSLOTD_PID_PATH, RUNTIME_DIRS } from './paths.js';

const execFileAsync = promisify(execFile);

function runningDaemonPid(): number | undefined {
  if (!existsSync(PKCSSLOTD_PID_PATH)) return undefined;
  const pid = Number.parseInt(readFileSync(PKCSSLOTD_PID_PATH, 'utf8').trim(), 10);
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'pkcsslotd' ? pid : undefined;
  } catch {
    return undefined;
  }
}

function groupId(name: string): number | undefined {
  const line = readFileSync('/etc/group', 'utf8')
    .split('\n')
    .find((entry) => entry.startsWith(`${name}:`));
  const gid = line?.split(':')[2];
  return gid === undefined ? undefined : Number(gid);
}

/** What the package's tmpfiles.d entry does, for machines (containers) without systemd-tmpfiles. */
function createRuntimeDirs(): void {
  const gid = groupId('pkcs11');
  for (const dir of RUNTIME_DIRS) {
    mkdirSync(dir, { recursive: true, mode: 0o770 });
    if (gid !== undefined) chownSync(dir, 0, gid);
  }
}

async function createRuntimeDirsWithTmpfiles(): Promise<void> {
  try {
    await execFileAsync('systemd-tmpfiles', ['--create', 'opencryptoki.conf']);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    createRuntimeDirs();
  }
}

/**
 * Starts openCryptoki's slot daemon unless it already runs. Without it C_Initialize fails with a misleading
 * CKR_HOST_MEMORY. A pid file left by a dead daemon blocks the start, so it goes first.
 * Returns whether this call started it.
 */
export async function ensurePkcsslotd(): Promise<boolean> {
  if (runningDaemonPid() !== undefined) return false;
  rmSync(PKCSSLOTD_PID_PATH, { force: true });
  await createRuntimeDirsWithTmpfiles();
  try {
    // pkcsslotd forks into the background and its parent returns at once.
    await execFileAsync(PKCSSLOTD_PATH);
  } catch (error) {
    const stderr = ((error as { stderr?: string }).stderr ?? '').trim();
    throw new OpenCryptokiUnavailableError(
      `pkcsslotd did not start: ${stderr || (error as Error).message}`,
    );
  }
  const deadline = Date.now() + 5000;
  while (runningDaemonPid() === undefined) {
    if (Date.now() > deadline)
      throw new OpenCryptokiUnavailableError('pkcsslotd started but wrote no pid file within 5 s');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return true;
}
