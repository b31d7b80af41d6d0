/**
 * The sandboxed preload: exposes `window.eimza` and nothing else. The renderer never sees
 * ipcRenderer or an IPC event object, only the payloads.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { createEimzaApi } from '../shared/eimza-api.js';
import { EVENT_CHANNEL, type AppEvent } from '../shared/ipc.js';
import { createEventRelay } from './event-relay.js';

const relay = createEventRelay();
ipcRenderer.on(EVENT_CHANNEL, (_event: IpcRendererEvent, payload: AppEvent) =>
  relay.deliver(payload),
);

contextBridge.exposeInMainWorld(
  'eimza',
  createEimzaApi({
    invoke: (channel, request) => ipcRenderer.invoke(channel, request),
    onEvent: (listener) => relay.subscribe(listener),
  }),
);
