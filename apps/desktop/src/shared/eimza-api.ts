import type { Channel, EimzaApi, IpcTransport } from './ipc.js';

/**
 * Builds `window.eimza` over a transport. The preload script passes Electron's ipcRenderer; the
 * browser tests pass a page binding to the same main-process handlers, so both see one surface.
 */
export function createEimzaApi(transport: IpcTransport): EimzaApi {
  const call =
    (channel: Channel) =>
    (request?: unknown): Promise<never> =>
      transport.invoke(channel, request) as Promise<never>;
  return {
    app: { info: call('app:info') },
    settings: { get: call('settings:get'), update: call('settings:update') },
    origins: { check: call('origins:check') },
    signing: {
      start: call('signing:start'),
      snapshot: call('signing:snapshot'),
      refresh: call('signing:refresh'),
      select: call('signing:select'),
      accept: call('signing:accept'),
      decline: call('signing:decline'),
      sign: call('signing:sign'),
      resubmit: call('signing:resubmit'),
      cancel: call('signing:cancel'),
      reset: call('signing:reset'),
    },
    tokens: { list: call('tokens:list') },
    pin: {
      change: call('pin:change'),
      unlock: call('pin:unlock'),
      changePuk: call('pin:change-puk'),
    },
    diagnostics: { run: call('diagnostics:run'), saveBundle: call('diagnostics:save-bundle') },
    onEvent: (listener) => transport.onEvent(listener),
  };
}
