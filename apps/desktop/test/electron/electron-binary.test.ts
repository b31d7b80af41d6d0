import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { displayAvailable, electronBinary } from '../../../../scripts/electron-binary.mjs';

// How `npm start` and the _electron tests decide whether a window can open.
const work = mkdtempSync(join(tmpdir(), 'eimza-electron-dist-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('electronBinary', () => {
  const executable = process.platform === 'win32' ? 'electron.exe' : 'electron';

  it('finds a binary in ELECTRON_OVERRIDE_DIST_PATH, and says where it is missing', () => {
    const missing = electronBinary({ ELECTRON_OVERRIDE_DIST_PATH: work });
    expect(missing.path).toBeUndefined();
    expect(missing.reason).toContain(join(work, executable));

    writeFileSync(join(work, executable), '');
    chmodSync(join(work, executable), 0o755);
    expect(electronBinary({ ELECTRON_OVERRIDE_DIST_PATH: work })).toEqual({
      path: join(work, executable),
    });
  });

  it('answers without loading the electron package (which would try to download)', () => {
    const found = electronBinary({});
    expect(found.path ?? found.reason).toBeTruthy();
    if (found.reason) expect(found.reason).toMatch(/not installed|missing/);
  });
});

describe('displayAvailable', () => {
  it('needs X11 or Wayland on Linux only', () => {
    expect(displayAvailable({}, 'linux')).toBe(false);
    expect(displayAvailable({ DISPLAY: ' ' }, 'linux')).toBe(false);
    expect(displayAvailable({ DISPLAY: ':99' }, 'linux')).toBe(true);
    expect(displayAvailable({ WAYLAND_DISPLAY: 'wayland-0' }, 'linux')).toBe(true);
    expect(displayAvailable({}, 'win32')).toBe(true);
    expect(displayAvailable({}, 'darwin')).toBe(true);
  });
});
