import type { IpcResult, SigningSnapshot } from '../shared/ipc.js';

/** Runs one signing call: shows the snapshot it answers, or keeps its error for the screen. */
export type Act = (call: () => Promise<IpcResult<SigningSnapshot>>) => Promise<boolean>;
