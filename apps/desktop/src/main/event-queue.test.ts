import { describe, expect, it } from 'vitest';
import type { AppEvent } from '../shared/ipc.js';
import { createEventRelay } from '../preload/event-relay.js';
import { EventQueue } from './event-queue.js';

const link = (code: string): AppEvent => ({
  type: 'deep-link',
  link: { code, apiOrigin: 'http://127.0.0.1:8080' },
});

describe('EventQueue (main: before the window has loaded)', () => {
  it('holds events until opened, then delivers them in order and passes later ones through', () => {
    const queue = new EventQueue();
    const seen: AppEvent[] = [];
    queue.push(link('1'));
    queue.push(link('2'));
    expect(seen).toEqual([]);
    queue.open((event) => seen.push(event));
    queue.push(link('3'));
    expect(seen).toEqual([link('1'), link('2'), link('3')]);
  });

  it('holds again after close (a reload), keeping only the newest when full', () => {
    const queue = new EventQueue(2);
    const seen: AppEvent[] = [];
    queue.open((event) => seen.push(event));
    queue.close();
    for (const code of ['a', 'b', 'c']) queue.push(link(code));
    expect(seen).toEqual([]);
    queue.open((event) => seen.push(event));
    expect(seen).toEqual([link('b'), link('c')]);
  });
});

describe('createEventRelay (preload: before the renderer subscribes)', () => {
  it('replays what arrived early to the first listener, then fans out to all', () => {
    const relay = createEventRelay();
    relay.deliver(link('early'));
    const first: AppEvent[] = [];
    const second: AppEvent[] = [];
    const stop = relay.subscribe((event) => first.push(event));
    relay.subscribe((event) => second.push(event));
    relay.deliver(link('later'));
    expect(first).toEqual([link('early'), link('later')]);
    expect(second).toEqual([link('later')]);
    stop();
    relay.deliver(link('last'));
    expect(first).toHaveLength(2);
    expect(second).toEqual([link('later'), link('last')]);
  });
});
