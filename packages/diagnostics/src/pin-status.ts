import type { PinState } from '@eimza/token';

/** One word for a PIN's state, worst first: what a helpdesk person needs to read at a glance. */
export type PinStatus =
  'locked' | 'finalTry' | 'countLow' | 'notInitialized' | 'toBeChanged' | 'ok';

export function pinStatus(state: PinState): PinStatus {
  if (state.locked) return 'locked';
  if (state.finalTry) return 'finalTry';
  if (state.countLow) return 'countLow';
  if (!state.initialized) return 'notInitialized';
  if (state.toBeChanged) return 'toBeChanged';
  return 'ok';
}
