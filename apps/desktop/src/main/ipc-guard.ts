import type { IpcResult } from '../shared/ipc.js';

/** What the guard needs of an IPC event: the frame that sent it (null once that frame is gone). */
export interface SenderEvent {
  senderFrame: { url: string } | null;
}

export type GuardedHandler = (event: SenderEvent, request: unknown) => Promise<IpcResult<unknown>>;

const FORBIDDEN = {
  ok: false,
  error: { code: 'FORBIDDEN_SENDER', message: 'This request did not come from the eimza window.' },
} as const;

const INTERNAL = {
  ok: false,
  error: { code: 'INTERNAL', message: 'Unexpected error in the eimza app.' },
} as const;

export type ChannelHandler = (request: unknown) => Promise<IpcResult<unknown>>;

/**
 * Wraps a channel's handler: refuses any frame but the app's own renderer before looking at the
 * request, and turns a throw into an INTERNAL answer. Requests are never logged (PINs travel in them).
 */
export function guardHandler(
  handler: ChannelHandler,
  isTrusted: (frameUrl: string) => boolean,
): GuardedHandler {
  return async (event, request) => {
    const url = event.senderFrame?.url;
    if (!url || !isTrusted(url)) return FORBIDDEN;
    try {
      return await handler(request);
    } catch {
      return INTERNAL;
    }
  };
}
