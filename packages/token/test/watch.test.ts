import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { TEST_TCKNS } from '@eimza/testpki';
import type { CertificateInfo, TokenEvent } from '../src/index.js';
import { tokenFixture, type TokenFixture } from './helpers.js';

let fixture: TokenFixture;
let certificates: CertificateInfo[];
const events: TokenEvent[] = [];
let stopWatching: () => void;

const softhsm = (...args: string[]) =>
  execFileSync('softhsm2-util', args, {
    env: { ...process.env, SOFTHSM2_CONF: fixture.tokens.confPath },
    stdio: 'pipe',
  });
const addToken = (label: string) =>
  softhsm('--init-token', '--free', '--label', label, '--pin', '123456', '--so-pin', '12345678');
const deleteToken = (label: string) => softhsm('--delete-token', '--token', label);
const seen = (type: TokenEvent['type'], label: string) =>
  events.some((event) => event.type === type && event.token.label === label);
const certificateOn = (label: string) => {
  const found = certificates.find((certificate) => certificate.tokenLabel === label);
  if (!found) throw new Error(`no certificate on ${label}`);
  return found;
};

beforeAll(async () => {
  fixture = await tokenFixture({
    tokens: [
      { label: 'WATCH-A', keyType: 'ec-p256', tckn: TEST_TCKNS[1], name: 'AYŞE KAYA' },
      { label: 'WATCH-C', keyType: 'ec-p256', tckn: TEST_TCKNS[2], name: 'MEHMET DEMİR' },
    ],
  });
  certificates = await fixture.service.listCertificates();
  stopWatching = fixture.service.watch((event) => events.push(event), { intervalMs: 100 });
});

afterAll(async () => {
  stopWatching?.();
  await fixture?.cleanup();
});

describe('watch', () => {
  it('reports the tokens present when watching starts as inserted', async () => {
    await vi.waitFor(
      () => expect(seen('inserted', 'WATCH-A') && seen('inserted', 'WATCH-C')).toBe(true),
      { timeout: 5000, interval: 50 },
    );
  });

  it('sees a token created after the module was loaded, without a restart', async () => {
    addToken('WATCH-B');
    await vi.waitFor(() => expect(seen('inserted', 'WATCH-B')).toBe(true), {
      timeout: 5000,
      interval: 50,
    });
    expect((await fixture.service.listTokens()).map((token) => token.label)).toContain('WATCH-B');
  });

  it('reports a deleted token as removed', async () => {
    deleteToken('WATCH-B');
    await vi.waitFor(() => expect(seen('removed', 'WATCH-B')).toBe(true), {
      timeout: 5000,
      interval: 50,
    });
    expect((await fixture.service.listTokens()).map((token) => token.label)).not.toContain(
      'WATCH-B',
    );
  });

  it('keeps an open signing session working while tokens come and go, and shows the new token once it closes', async () => {
    const session = await fixture.service.openSigningSession(
      certificateOn('WATCH-C').id,
      fixture.tokens.pin,
    );
    addToken('WATCH-D');
    for (let i = 0; i < 10; i++) {
      await session.signData(Buffer.from(`during ${i}`), { hash: 'SHA-256' });
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await session.close();
    await vi.waitFor(() => expect(seen('inserted', 'WATCH-D')).toBe(true), {
      timeout: 5000,
      interval: 50,
    });
    deleteToken('WATCH-D');
    await vi.waitFor(() => expect(seen('removed', 'WATCH-D')).toBe(true), {
      timeout: 5000,
      interval: 50,
    });
  });

  it('stops reporting once stopped', async () => {
    const own: TokenEvent[] = [];
    const stop = fixture.service.watch((event) => own.push(event), { intervalMs: 50 });
    await vi.waitFor(() => expect(own.length).toBeGreaterThan(0), { timeout: 5000, interval: 20 });
    stop();
    const count = own.length;
    addToken('WATCH-E');
    await vi.waitFor(() => expect(seen('inserted', 'WATCH-E')).toBe(true), {
      timeout: 5000,
      interval: 50,
    });
    expect(own).toHaveLength(count);
  });
});

describe('a token removed mid-session', () => {
  it('gives TOKEN_REMOVED on the next call, then SESSION_CLOSED', async () => {
    const certificate = certificateOn('WATCH-A');
    const session = await fixture.service.openSigningSession(certificate.id, fixture.tokens.pin);
    await session.signData(Buffer.from('before'), { hash: 'SHA-256' });
    deleteToken('WATCH-A');
    await vi.waitFor(() => expect(seen('removed', 'WATCH-A')).toBe(true), {
      timeout: 5000,
      interval: 50,
    });
    await expect(session.signData(Buffer.from('after'), { hash: 'SHA-256' })).rejects.toMatchObject(
      {
        code: 'TOKEN_REMOVED',
        tokenSerial: certificate.tokenSerial,
      },
    );
    await expect(session.signData(Buffer.from('again'), { hash: 'SHA-256' })).rejects.toMatchObject(
      { code: 'SESSION_CLOSED' },
    );
    await expect(
      fixture.service.openSigningSession(certificate.id, fixture.tokens.pin),
    ).rejects.toMatchObject({ code: 'TOKEN_NOT_PRESENT' });
  });
});
