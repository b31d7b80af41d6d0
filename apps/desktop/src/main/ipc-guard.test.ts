import { describe, expect, it } from 'vitest';
import type { MainHandlers } from '../shared/ipc.js';
import { guardHandler } from './ipc-guard.js';

const trusted = (url: string): boolean => url === 'app://eimza/index.html';

function handlersCalling(record: unknown[]): MainHandlers {
  return new Proxy({} as MainHandlers, {
    get: (_target, channel) => async (request: unknown) => {
      record.push([channel, request]);
      if (channel === 'tokens:list') throw new Error('boom with PIN 123456');
      return { ok: true, value: { channel } };
    },
  });
}

describe('guardHandler', () => {
  it('passes a trusted frame’s request to the channel’s handler', async () => {
    const calls: unknown[] = [];
    const handle = guardHandler(handlersCalling(calls)['signing:start'], trusted);
    const answer = await handle(
      { senderFrame: { url: 'app://eimza/index.html' } },
      { code: '1', apiOrigin: 'x' },
    );
    expect(answer).toEqual({ ok: true, value: { channel: 'signing:start' } });
    expect(calls).toEqual([['signing:start', { code: '1', apiOrigin: 'x' }]]);
  });

  it.each([
    ['another origin', { url: 'https://evil.example/index.html' }],
    ['a file: page', { url: 'file:///tmp/index.html' }],
    ['an empty URL', { url: '' }],
    ['a frame that is gone', null],
  ])('refuses %s with FORBIDDEN_SENDER before the handler runs', async (_name, senderFrame) => {
    const calls: unknown[] = [];
    const handle = guardHandler(handlersCalling(calls)['signing:sign'], trusted);
    const answer = await handle({ senderFrame }, { certificateId: 'c', pin: '123456' });
    expect(answer).toMatchObject({ ok: false, error: { code: 'FORBIDDEN_SENDER' } });
    expect(calls).toEqual([]);
  });

  it('turns a throw into INTERNAL without the thrown message', async () => {
    const handle = guardHandler(handlersCalling([])['tokens:list'], trusted);
    const answer = await handle({ senderFrame: { url: 'app://eimza/index.html' } }, undefined);
    expect(answer).toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
    expect(JSON.stringify(answer)).not.toContain('123456');
  });
});
