import { execFile } from 'node:child_process';

// Python's pty module stands in for util-linux `script` (absent here): it runs the CLI on a pseudo-terminal
// and types each answer once its prompt has appeared, as a person would.
const DRIVER = `
import json, os, pty, select, sys, time
argv, dialogue, timeout = json.loads(sys.argv[1]), json.loads(sys.argv[2]), float(sys.argv[3])
pid, fd = pty.fork()
if pid == 0:
    os.execv(argv[0], argv)
screen, step, start, mark = b'', 0, time.time(), 0
while time.time() - start < timeout:
    ready, _, _ = select.select([fd], [], [], 0.1)
    if ready:
        try:
            data = os.read(fd, 4096)
        except OSError:
            break
        if not data:
            break
        screen += data
    if step < len(dialogue) and dialogue[step][0].encode() in screen[mark:]:
        mark = len(screen)
        os.write(fd, dialogue[step][1].encode())
        step += 1
if time.time() - start >= timeout:
    os.kill(pid, 9)
_, status = os.waitpid(pid, 0)
print(json.dumps({'code': os.waitstatus_to_exitcode(status), 'screen': screen.decode('utf-8', 'replace')}))
`;

export interface PtyResult {
  code: number;
  screen: string;
}

/** Runs `argv` on a pseudo-terminal; `dialogue` answers (with their keystrokes, e.g. `\r`) follow their prompts. */
export function onPty(
  argv: string[],
  dialogue: Array<[prompt: string, keys: string]>,
  env: NodeJS.ProcessEnv,
  timeoutSeconds = 60,
): Promise<PtyResult> {
  return new Promise((resolve, reject) => {
    execFile(
      'python3',
      ['-c', DRIVER, JSON.stringify(argv), JSON.stringify(dialogue), String(timeoutSeconds)],
      { env: { ...env, TERM: 'xterm' }, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout) => {
        if (error) reject(error);
        else resolve(JSON.parse(stdout) as PtyResult);
      },
    );
  });
}
