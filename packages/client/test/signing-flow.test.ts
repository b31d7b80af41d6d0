import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestTokens, type TestTokens } from '@eimza/testpki';
import { openTokenService, type TokenService } from '@eimza/token';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  SubmissionGuard,
  createApiClient,
  createSigningFlow,
  type ApiClient,
  type SigningFlowOptions,
} from '../src/index.js';
import { ControllableClock } from './support/controllable-clock.js';
import { challengeFor, freshCode, record, types } from './support/flow-fixtures.js';
import { startStandInApi, type StandInApi } from './support/stand-in-api.js';

// The orchestration against real SoftHSM2 tokens and a STAND-IN challenge server (a real local
// HTTP server speaking protocol.md, checking each CMS with OpenSSL); see api-e2e.test.ts for
// the same flow against apps/api.
const AHMET = '10000000146';
const AYSE = '12345678950';
const PIN = 'Gizli-PIN-4711';
const WRONG_PIN = 'Yanlis-PIN-0815';

/** The signing-time attribute of a CMS, as OpenSSL prints it. */
function signingTimeOf(cms: Buffer): Date {
  const dir = mkdtempSync(join(tmpdir(), 'eimza-cms-'));
  try {
    writeFileSync(join(dir, 'sig.der'), cms);
    const printed = execFileSync(
      'openssl',
      ['cms', '-cmsout', '-print', '-inform', 'DER', '-in', join(dir, 'sig.der')],
      { encoding: 'utf8' },
    );
    const match = /signingTime[\s\S]*?UTCTIME:(.+)/.exec(printed);
    if (!match) throw new Error('no signing time in the CMS');
    return new Date(match[1]!.trim());
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

let tokens: TestTokens;
let service: TokenService;
let standIn: StandInApi;
let api: ApiClient;
let openings = 0;

/** The real token service, counting logins so tests can prove the token was not touched. */
function countingTokens(): SigningFlowOptions['tokens'] {
  return {
    listCertificates: () => service.listCertificates(),
    listTokens: () => service.listTokens(),
    openSigningSession: (id, pin) => {
      openings += 1;
      return service.openSigningSession(id, pin);
    },
  };
}

function newFlow(extra: Partial<SigningFlowOptions> = {}) {
  return createSigningFlow({
    api,
    tokens: countingTokens(),
    guard: new SubmissionGuard(),
    outcomeRecheckDelayMs: 50,
    ...extra,
  });
}

function publish(options: Parameters<typeof challengeFor>[1] = {}): string {
  const code = freshCode();
  standIn.challenges.set(code, { challenge: challengeFor(code, options), used: false });
  return code;
}

beforeAll(async () => {
  tokens = await createTestTokens({
    pin: PIN,
    tokens: [
      { label: 'EIMZA-RSA', keyType: 'rsa2048', tckn: AHMET, name: 'AHMET YILMAZ', ca: 'rsa' },
      { label: 'EIMZA-EC', keyType: 'ec-p256', tckn: AYSE, name: 'AYŞE KAYA', ca: 'ec' },
      {
        label: 'EIMZA-OLD',
        keyType: 'ec-p256',
        tckn: AHMET,
        name: 'AHMET YILMAZ',
        ca: 'ec',
        variant: 'expired',
      },
    ],
  });
  process.env.SOFTHSM2_CONF = tokens.confPath;
  service = await openTokenService({ explicitOnly: true, modulePaths: [tokens.modulePath] });
  standIn = await startStandInApi();
  api = createApiClient({ baseUrl: standIn.origin, retry: { baseDelayMs: 5, maxDelayMs: 20 } });
});

afterAll(async () => {
  await service?.close();
  await standIn?.close();
  tokens?.cleanup();
});

describe('signing flow (SoftHSM2 tokens, stand-in challenge server)', () => {
  it('signs a login challenge for the named person: events in order, one POST, OpenSSL-valid CMS', async () => {
    const code = publish({ tckn: AHMET });
    const flow = newFlow();
    const events = record(flow);
    const loaded = await flow.load(code);
    expect(loaded).toMatchObject({ type: 'pin-required', retry: false, pinPad: false });
    const choices = flow.certificateChoices!;
    expect(choices.signer).toBe('matched');
    expect(choices.usable.map((c) => c.tokenLabel)).toEqual(['EIMZA-RSA']);
    expect(
      Object.fromEntries(choices.excluded.map((e) => [e.certificate.tokenLabel, e.reason])),
    ).toEqual({
      'EIMZA-EC': 'OTHER_PERSON',
      'EIMZA-OLD': 'EXPIRED',
    });
    expect(flow.secondsLeft()).toBeGreaterThan(270);

    const outcome = await flow.sign(choices.preselectedId!, PIN);
    expect(outcome).toMatchObject({ type: 'done', result: { state: 'signed' } });
    expect(types(events)).toEqual([
      'challenge-loaded',
      'certificates',
      'pin-required',
      'signing',
      'submitted',
      'done',
    ]);
    expect(flow.state).toBe('done');
    const posts = standIn.server.requests.filter(
      (r) => r === `POST /api/v1/challenges/${code}/signatures`,
    );
    expect(posts).toHaveLength(1);
    expect(standIn.challenges.get(code)!.used).toBe(true);
    // The PIN goes to the token layer only: no event carries it.
    expect(JSON.stringify(events)).not.toContain(PIN);
  });

  it('signs every text of a multi-text challenge with an EC key in one login', async () => {
    const code = publish({ tckn: AYSE, texts: 3 });
    const flow = newFlow();
    const events = record(flow);
    await flow.load(code);
    const before = openings;
    const outcome = await flow.sign(flow.certificateChoices!.preselectedId!, PIN);
    expect(outcome).toMatchObject({ type: 'done', result: { state: 'signed' } });
    expect(openings - before).toBe(1);
    expect(
      events.filter((e) => e.type === 'signing').map((e) => (e.type === 'signing' ? e.textId : '')),
    ).toEqual(['t1', 't2', 't3']);
    const last = standIn.submissions.at(-1)!;
    expect(last.signatures.map((s) => s.textId)).toEqual(['t1', 't2', 't3']);
  });

  it('offers every valid signing certificate when the session names nobody', async () => {
    const flow = newFlow();
    await flow.load(publish());
    const choices = flow.certificateChoices!;
    expect(choices.signer).toBe('not-requested');
    expect(choices.usable.map((c) => c.tokenLabel).sort()).toEqual(['EIMZA-EC', 'EIMZA-RSA']);
  });

  it('says before any PIN that no inserted card belongs to the named person', async () => {
    const flow = newFlow();
    const events = record(flow);
    const before = openings;
    const outcome = await flow.load(publish({ tckn: '22222222222'.slice(0, 9) + '46' }));
    expect(outcome).toMatchObject({
      type: 'failed',
      retry: 'certificates',
      error: { code: 'NO_CERTIFICATE_FOR_SIGNER' },
    });
    expect(types(events)).toEqual([
      'challenge-loaded',
      'certificates',
      'failed:NO_CERTIFICATE_FOR_SIGNER',
    ]);
    expect(openings).toBe(before);
    await expect(flow.sign('any-certificate', PIN)).rejects.toMatchObject({
      code: 'INVALID_STATE',
    });
  });

  it('wrong PIN: typed failure with the tries state, asks again, then signs', async () => {
    const code = publish({ tckn: AHMET });
    const flow = newFlow();
    const events = record(flow);
    await flow.load(code);
    const id = flow.certificateChoices!.preselectedId!;
    const wrong = await flow.sign(id, WRONG_PIN);
    expect(wrong).toMatchObject({
      type: 'failed',
      retry: 'sign',
      error: { code: 'PIN_INCORRECT' },
    });
    const again = events.at(-1)!;
    expect(again).toMatchObject({
      type: 'pin-required',
      retry: true,
      pinState: { countLow: true },
    });
    expect(JSON.stringify(events)).not.toContain(WRONG_PIN);
    expect(standIn.challenges.get(code)!.used).toBe(false);
    expect(await flow.sign(id, PIN)).toMatchObject({
      type: 'done',
      result: { state: 'signed' },
    });
  });

  it('reports a server rejection with its report', async () => {
    const code = publish({ tckn: AHMET });
    const flow = newFlow();
    await flow.load(code);
    // The text changes after the app read it: the signature no longer matches what the server holds.
    standIn.challenges.get(code)!.challenge.texts[0]!.content += ' (değişti)';
    const outcome = await flow.sign(flow.certificateChoices!.preselectedId!, PIN);
    expect(outcome).toMatchObject({
      type: 'done',
      result: {
        state: 'rejected',
        rejection: { code: 'HASH_FAILURE' },
        report: { indication: 'TOTAL_FAILED' },
      },
    });
  });

  it('countdown (controllable clock): at zero it stops with expired and never touches the token', async () => {
    const clock = new ControllableClock();
    const flow = newFlow({ clock });
    const events = record(flow);
    await flow.load(publish({ secondsLeft: 30 }));
    expect(flow.secondsLeft()).toBe(30);
    clock.advance(29_500);
    expect(flow.secondsLeft()).toBe(0);
    expect(flow.state).toBe('choosing');
    const before = openings;
    clock.advance(500);
    expect(flow.state).toBe('expired');
    expect(events.at(-1)).toEqual({ type: 'expired' });
    await expect(flow.sign(flow.certificateChoices!.preselectedId!, PIN)).rejects.toMatchObject({
      code: 'INVALID_STATE',
    });
    expect(openings).toBe(before);
  });

  it('a PC clock years off changes nothing: countdown, certificate validity and signing time follow the server', async () => {
    const code = publish({ tckn: AHMET });
    const flow = newFlow();
    // Only Date is faked: the monotonic clock (performance.now) and timers stay real.
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      vi.setSystemTime(new Date('2031-06-01T12:00:00Z'));
      await flow.load(code);
      expect(flow.secondsLeft()).toBeGreaterThan(270);
      expect(flow.certificateChoices!.usable.map((c) => c.tokenLabel)).toEqual(['EIMZA-RSA']);
      expect(await flow.sign(flow.certificateChoices!.preselectedId!, PIN)).toMatchObject({
        type: 'done',
      });
    } finally {
      vi.useRealTimers();
    }
    const cms = Buffer.from(standIn.submissions.at(-1)!.signatures[0]!.cms, 'base64');
    const challenge = standIn.challenges.get(code)!.challenge;
    const signingTime = signingTimeOf(cms);
    expect(signingTime.getTime()).toBeGreaterThanOrEqual(Date.parse(challenge.createdAt) - 1000);
    expect(signingTime.getTime()).toBeLessThanOrEqual(Date.now() + 1000);
  });

  it('a challenge already at zero expires before listing or signing', async () => {
    const clock = new ControllableClock();
    const flow = newFlow({ clock });
    const before = openings;
    expect(await flow.load(publish({ secondsLeft: 0 }))).toEqual({ type: 'expired' });
    expect(openings).toBe(before);
  });

  it('answer lost after the server recorded the submission: re-reads, reports recorded, never resubmits', async () => {
    const code = publish({ tckn: AHMET });
    const flow = newFlow();
    await flow.load(code);
    const posts = () =>
      standIn.server.requests.filter((r) => r === `POST /api/v1/challenges/${code}/signatures`)
        .length;
    standIn.nextPost = 'drop-after';
    const outcome = await flow.sign(flow.certificateChoices!.preselectedId!, PIN);
    expect(outcome).toEqual({ type: 'done', result: { state: 'recorded' } });
    expect(posts()).toBe(1);
    await expect(flow.resubmit()).rejects.toMatchObject({ code: 'INVALID_STATE' });
    expect(posts()).toBe(1);
  });

  it('server down before the submission reached it: typed failure, then one explicit resubmit', async () => {
    const code = publish({ tckn: AHMET });
    const flow = newFlow();
    await flow.load(code);
    const posts = () =>
      standIn.server.requests.filter((r) => r === `POST /api/v1/challenges/${code}/signatures`)
        .length;
    standIn.nextPost = 'drop-before';
    const failed = await flow.sign(flow.certificateChoices!.preselectedId!, PIN);
    expect(failed).toMatchObject({ type: 'failed', retry: 'submit', error: { code: 'NETWORK' } });
    expect(posts()).toBe(1);
    expect(standIn.challenges.get(code)!.used).toBe(false);
    expect(await flow.resubmit()).toMatchObject({ type: 'done', result: { state: 'signed' } });
    expect(posts()).toBe(2);
  });

  it('the first sending arrives late, after the re-read saw the session pending: the resubmission meets the decided session and the outcome is recorded', async () => {
    const code = publish({ tckn: AHMET });
    const flow = newFlow();
    await flow.load(code);
    standIn.nextPost = 'drop-before';
    const failed = await flow.sign(flow.certificateChoices!.preselectedId!, PIN);
    expect(failed).toMatchObject({ type: 'failed', retry: 'submit' });
    // What a late delivery of the first sending leaves behind.
    standIn.challenges.get(code)!.used = true;
    expect(await flow.resubmit()).toEqual({ type: 'done', result: { state: 'recorded' } });
    await expect(flow.resubmit()).rejects.toMatchObject({ code: 'INVALID_STATE' });
  });

  it('a first sending answered ALREADY_USED stays a failure (the code was used before this flow sent anything)', async () => {
    const code = publish({ tckn: AHMET });
    const flow = newFlow();
    await flow.load(code);
    standIn.challenges.get(code)!.used = true;
    const outcome = await flow.sign(flow.certificateChoices!.preselectedId!, PIN);
    expect(outcome).toMatchObject({
      type: 'failed',
      retry: 'none',
      error: { code: 'ALREADY_USED' },
    });
  });

  it('idempotence guard: two flows on one code submit once; a second sign() on a busy flow is refused', async () => {
    const code = publish();
    const guard = new SubmissionGuard();
    const first = newFlow({ guard });
    const second = newFlow({ guard });
    const late = newFlow({ guard });
    await first.load(code);
    await second.load(code);
    await late.load(code);
    const [rsa, ec] = ['EIMZA-RSA', 'EIMZA-EC'].map(
      (label) => first.certificateChoices!.usable.find((c) => c.tokenLabel === label)!.id,
    );
    const running = first.sign(rsa!, PIN);
    await expect(first.sign(rsa!, PIN)).rejects.toMatchObject({ code: 'INVALID_STATE' });
    // Both sign at once, on two cards: only one may submit.
    const outcomes = await Promise.all([running, second.sign(ec!, PIN)]);
    const posts = standIn.server.requests.filter(
      (r) => r === `POST /api/v1/challenges/${code}/signatures`,
    );
    expect(posts).toHaveLength(1);
    expect(outcomes.map((o) => (o.type === 'failed' ? o.error.code : o.type)).sort()).toEqual([
      'ALREADY_SUBMITTED',
      'done',
    ]);
    // A flow that signs after the submission is refused before the PIN reaches the card.
    const before = openings;
    expect(await late.sign(rsa!, PIN)).toMatchObject({
      type: 'failed',
      error: { code: 'ALREADY_SUBMITTED' },
    });
    expect(openings).toBe(before);
  });

  it('server down while loading: typed NETWORK failure, and load can be retried', async () => {
    const offline = createApiClient({ baseUrl: 'http://127.0.0.1:9', retry: { attempts: 1 } });
    const code = publish();
    const flow = newFlow({
      api: {
        getChallenge: (c, o) =>
          (flow.state === 'loading' && !retried ? offline : api).getChallenge(c, o),
        submitSignatures: api.submitSignatures,
      },
    });
    let retried = false;
    const failed = await flow.load(code);
    expect(failed).toMatchObject({ type: 'failed', retry: 'load', error: { code: 'NETWORK' } });
    retried = true;
    expect(await flow.load(code)).toMatchObject({ type: 'pin-required' });
  });

  it('unknown, used and expired codes end typed', async () => {
    const unknown = newFlow();
    expect(await unknown.load(freshCode())).toMatchObject({
      type: 'failed',
      error: { code: 'UNKNOWN_CODE' },
    });
    const code = publish();
    standIn.challenges.get(code)!.used = true;
    expect(await newFlow().load(code)).toMatchObject({
      type: 'failed',
      error: { code: 'ALREADY_USED' },
    });
  });

  it('cancel while choosing ends the flow with CANCELLED; an AbortSignal does the same', async () => {
    const flow = newFlow();
    const events = record(flow);
    await flow.load(publish());
    flow.cancel();
    expect(events.at(-1)).toMatchObject({
      type: 'failed',
      retry: 'none',
      error: { code: 'CANCELLED' },
    });
    const controller = new AbortController();
    const other = newFlow({ signal: controller.signal });
    const loading = other.load(publish());
    controller.abort();
    expect(await loading).toMatchObject({ type: 'failed', error: { code: 'CANCELLED' } });
  });
});
