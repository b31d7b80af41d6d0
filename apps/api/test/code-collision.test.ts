import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildApp } from '../src/app.js';
import { sqliteFixture, testConfig } from './support/app.js';

// The CSPRNG is replaced by a queue here so that collisions happen on demand.
const queue: string[] = [];
vi.mock('../src/domain/verification-code.js', () => ({
  drawVerificationCode: () => {
    const next = queue.shift();
    if (!next) throw new Error('test queue of codes is empty');
    return next;
  },
}));

const A = '311827272188648';
const B = '000000000000000';
const database = sqliteFixture();
let app: FastifyInstance;

beforeAll(async () => {
  await database.setup();
  app = await buildApp({ config: testConfig(await database.fresh()) });
});
afterAll(async () => {
  await app?.close();
  await database.teardown();
});

const create = () =>
  app.inject({ method: 'POST', url: '/api/v1/sessions', payload: { purpose: 'login' } });

describe('verification code collisions', () => {
  it('draws again when the code is held by a live session', async () => {
    queue.push(A);
    expect((await create()).json().verificationCode).toBe(A);
    queue.push(A, A, B);
    const second = await create();
    expect(second.statusCode).toBe(201);
    expect(second.json().verificationCode).toBe(B);
    expect(queue).toEqual([]);
  });

  it('gives up with 503 after ten collisions instead of looping', async () => {
    queue.push(...Array.from({ length: 10 }, () => A));
    const res = await create();
    expect(res.statusCode).toBe(503);
    expect(res.json().error.code).toBe('CODE_EXHAUSTED');
  });
});
