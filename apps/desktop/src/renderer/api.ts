import type { EimzaApi, IpcError, IpcResult } from '../shared/ipc.js';

declare global {
  interface Window {
    /** The preload script's API (or the browser tests' page binding): the renderer's only way out. */
    eimza: EimzaApi;
  }
}

export function eimza(): EimzaApi {
  return window.eimza;
}

/** The error of a failed call, or undefined when it succeeded. */
export function failure<T>(result: IpcResult<T>): IpcError | undefined {
  return result.ok ? undefined : result.error;
}
