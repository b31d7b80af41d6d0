import type { AppContext } from '@eimza/api';
import type { TokenService } from '@eimza/token';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SigningSnapshot } from '../../src/shared/ipc.js';
import { createSession, sessionState, type CreatedSession, type TestApi } from '../support/api.js';
import { leakedSecrets, startDesktop, type Desktop } from '../support/desktop.js';
import { startSoftHsmStack, type SoftHsmStack } from '../support/stack.js';
import { startLossyProxy, type LossyProxy } from './lossy-proxy.js';

// A submission whose answer never comes back, lost for real by a TCP proxy between the desktop's
// services and the real API (SoftHSM2 cards, live test PKI): what the user can do next, and what
// the API keeps.
const AHMET = '10000000146';
const PIN = 'Gizli-PIN-2468';

let stack: SoftHsmStack;
let service: TokenService;
let api: TestApi;
let proxy: LossyProxy;
let desktop: Desktop;

beforeAll(async () => {
  stack = await startSoftHsmStack('resubmit', { pin: PIN });
  ({ tokens: service, api } = stack);
  proxy = await startLossyProxy({ host: '127.0.0.1', port: api.port });
  desktop = await startDesktop({ tokens: service, apiUrl: proxy.url });
});

afterAll(async () => {
  await desktop?.close();
  await proxy?.close();
  await stack?.close();
});

const isSubmission = (method: string, path: string) =>
  method === 'POST' && path.endsWith('/signatures');

function submissions() {
  return proxy.requests.filter((r) => isSubmission(r.method, r.path));
}

/** Starts signing a fresh login session through the proxy; the chosen certificate. */
async function startThroughProxy(): Promise<{ session: CreatedSession; certificateId: string }> {
  const session = await createSession(api.url, { purpose: 'login', tckn: AHMET });
  const started = await desktop.value('signing:start', {
    code: session.verificationCode,
    apiOrigin: proxy.url,
  });
  expect(started.step).toBe('choosing');
  return { session, certificateId: started.selectedCertificateId! };
}

async function storedCms(session: CreatedSession): Promise<string[]> {
  const store: AppContext['store'] = api.app.eimza.store;
  const stored = await store.signatures(session.sessionId);
  return stored.map((s) => Buffer.from(s.cms).toString('base64'));
}

function sentCms(body: string): string[] {
  const parsed = JSON.parse(body) as { signatures: Array<{ cms: string }> };
  return parsed.signatures.map((s) => s.cms);
}

function stepsSince(count: number): SigningSnapshot['step'][] {
  return desktop
    .snapshots()
    .slice(count)
    .map((s) => s.step);
}

describe('a lost submission answer', () => {
  it('cut after the request left: the session is still pending; signing:resubmit resends the same signatures without a PIN and reaches signed; the API stores one signature', async () => {
    const { session, certificateId } = await startThroughProxy();
    const sentBefore = submissions().length;
    proxy.loseNext('cut-request', isSubmission);

    const lost = await desktop.value('signing:sign', { certificateId, pin: PIN });
    expect(lost).toMatchObject({ step: 'failed', error: { code: 'NETWORK', retry: 'submit' } });
    expect(await sessionState(api.app, session)).toMatchObject({ state: 'pending' });
    expect(await storedCms(session)).toEqual([]);

    const pushedBefore = desktop.snapshots().length;
    const resubmitted = await desktop.value('signing:resubmit');
    expect(resubmitted).toMatchObject({
      step: 'done',
      result: { state: 'signed', signer: { tckn: AHMET } },
    });
    expect(resubmitted.error).toBeUndefined();
    // Neither a PIN prompt nor a token signature in between: straight to the API.
    expect(stepsSince(pushedBefore)).toEqual(['submitting', 'done']);

    const sent = submissions().slice(sentBefore);
    expect(sent.map((r) => r.fate)).toEqual(['cut-request', 'forwarded']);
    expect(sent[1]!.body).toBe(sent[0]!.body);
    expect(await sessionState(api.app, session)).toMatchObject({
      state: 'signed',
      signer: { tckn: AHMET },
    });
    expect(await storedCms(session)).toEqual(sentCms(sent[0]!.body));
    // The outcome is final: nothing more to resend.
    expect(await desktop.call('signing:resubmit')).toMatchObject({
      ok: false,
      error: { code: 'INVALID_STATE' },
    });
  });

  it('the API signed and answered, the answer was lost: the re-read finds the code used, the outcome is recorded without a resubmit; one signature stored', async () => {
    const { session, certificateId } = await startThroughProxy();
    const sentBefore = submissions().length;
    proxy.loseNext('drop-answer', isSubmission);

    const outcome = await desktop.value('signing:sign', { certificateId, pin: PIN });
    expect(outcome).toMatchObject({ step: 'done', result: { state: 'recorded' } });
    expect(outcome.error).toBeUndefined();
    expect(await desktop.call('signing:resubmit')).toMatchObject({
      ok: false,
      error: { code: 'INVALID_STATE' },
    });

    const sent = submissions().slice(sentBefore);
    expect(sent.map((r) => r.fate)).toEqual(['drop-answer']);
    expect(await sessionState(api.app, session)).toMatchObject({ state: 'signed' });
    expect(await storedCms(session)).toEqual(sentCms(sent[0]!.body));
  });

  it('held on the way and delivered after the re-read saw the session pending: the resubmission meets the decided session, and the outcome is recorded, not an error; one signature stored', async () => {
    const { session, certificateId } = await startThroughProxy();
    const sentBefore = submissions().length;
    proxy.loseNext('hold', isSubmission);

    const lost = await desktop.value('signing:sign', { certificateId, pin: PIN });
    expect(lost).toMatchObject({ step: 'failed', error: { code: 'NETWORK', retry: 'submit' } });
    // The first submission arrives late and decides the session.
    expect(await proxy.release()).toBe(200);
    expect(await sessionState(api.app, session)).toMatchObject({ state: 'signed' });

    const pushedBefore = desktop.snapshots().length;
    const resubmitted = await desktop.value('signing:resubmit');
    expect(resubmitted).toMatchObject({ step: 'done', result: { state: 'recorded' } });
    expect(resubmitted.error).toBeUndefined();
    expect(stepsSince(pushedBefore)).toEqual(['submitting', 'done']);
    for (const channel of ['signing:resubmit', 'signing:refresh'] as const) {
      expect(await desktop.call(channel), channel).toMatchObject({
        ok: false,
        error: { code: 'INVALID_STATE' },
      });
    }
    expect(await desktop.value('signing:snapshot')).toMatchObject({
      step: 'done',
      result: { state: 'recorded' },
    });

    const sent = submissions().slice(sentBefore);
    expect(sent.map((r) => r.fate)).toEqual(['hold', 'forwarded']);
    expect(sent[1]!.body).toBe(sent[0]!.body);
    expect(await storedCms(session)).toEqual(sentCms(sent[0]!.body));
  });

  it('no PIN anywhere: events, answers, the log', () => {
    expect(leakedSecrets(desktop, [PIN])).toEqual([]);
  });
});
