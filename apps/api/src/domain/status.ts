import type { SessionState, SessionStatus } from '@eimza/protocol';
import type { StoredSession } from '../storage/store.js';

/** A pending session past its lifetime is expired even before the sweeper has marked it. */
export function effectiveState(session: StoredSession, now: number): SessionState {
  return session.state === 'pending' && session.expiresAt <= now ? 'expired' : session.state;
}

export function secondsLeft(expiresAt: number, now: number): number {
  return Math.max(0, Math.floor((expiresAt - now) / 1000));
}

export function sessionStatus(session: StoredSession, now: number): SessionStatus {
  const state = effectiveState(session, now);
  return {
    state,
    secondsLeft: state === 'pending' ? secondsLeft(session.expiresAt, now) : 0,
    ...(session.signer ? { signer: session.signer } : {}),
    ...(session.rejection ? { rejection: session.rejection } : {}),
  };
}
