import type { AppEvent } from '../shared/ipc.js';

export interface EventRelay {
  deliver(event: AppEvent): void;
  subscribe(listener: (event: AppEvent) => void): () => void;
}

/**
 * Fans main-process events out to the renderer's listeners. Events that arrive before anyone listens
 * (a deep link sent as the page loads, before React has subscribed) wait and go to the first listener.
 */
export function createEventRelay(limit = 100): EventRelay {
  const listeners = new Set<(event: AppEvent) => void>();
  let waiting: AppEvent[] = [];
  return {
    deliver(event) {
      if (listeners.size === 0) {
        waiting.push(event);
        if (waiting.length > limit) waiting.shift();
        return;
      }
      for (const listener of listeners) listener(event);
    },
    subscribe(listener) {
      listeners.add(listener);
      const replay = waiting;
      waiting = [];
      for (const event of replay) listener(event);
      return () => {
        listeners.delete(listener);
      };
    },
  };
}
