import {
  OPENCRYPTOKI_MODULE_PATH,
  createTestPki,
  lockingTokenFixture,
  openCryptokiOnlyEnv,
  type OpenCryptokiToken,
} from '@eimza/testpki';
import { openTokenService, type TokenService } from '@eimza/token';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  SubmissionGuard,
  createApiClient,
  createSigningFlow,
  type SigningEvent,
} from '../src/index.js';
import { challengeFor, freshCode, record } from './support/flow-fixtures.js';
import { startStandInApi, type StandInApi } from './support/stand-in-api.js';

// PIN lockout through the flow needs a token that really locks: openCryptoki's soft token
// (SoftHSM2 never locks). The token is host-wide, so the openCryptoki lock is held throughout.
const PIN = '123456';
const PUK = '12345678';
const WRONG = '999999';

const lockingToken = lockingTokenFixture();
const { unavailable, title } = lockingToken;

let token: OpenCryptokiToken;
let service: TokenService | undefined;
let standIn: StandInApi;

beforeAll(async () => {
  if (unavailable) return;
  token = await lockingToken.setUp({
    pki: await createTestPki(),
    label: 'EIMZA-LOCK',
    pin: PIN,
    puk: PUK,
    tckn: '10000000146',
    name: 'AHMET YILMAZ',
  });
  service = await openTokenService({
    explicitOnly: true,
    modulePaths: [OPENCRYPTOKI_MODULE_PATH],
    env: openCryptokiOnlyEnv(),
  });
  standIn = await startStandInApi();
});

afterAll(async () => {
  await service?.close();
  await standIn?.close();
  await lockingToken.release();
});

it.skipIf(unavailable)(
  title(
    'wrong PINs show the tries state, the third locks (PIN_LOCKED at once, then for the right PIN too); after the PUK unlock the flow signs',
  ),
  async () => {
    const code = freshCode();
    standIn.challenges.set(code, {
      challenge: challengeFor(code, { tckn: '10000000146' }),
      used: false,
    });
    const flow = createSigningFlow({
      api: createApiClient({ baseUrl: standIn.origin }),
      tokens: service!,
      guard: new SubmissionGuard(),
    });
    const events = record(flow);
    const first = await flow.load(code);
    expect(first).toMatchObject({
      type: 'pin-required',
      pinState: { countLow: false, locked: false },
    });
    const id = flow.certificateChoices!.preselectedId!;

    const failures: SigningEvent[] = [];
    for (let i = 0; i < 3; i++) failures.push(await flow.sign(id, WRONG));
    expect(failures.map((f) => (f.type === 'failed' ? f.error.code : f.type))).toEqual([
      'PIN_INCORRECT',
      'PIN_INCORRECT',
      'PIN_LOCKED',
    ]);
    const states = failures.map((f) => (f.type === 'failed' ? f.error.pinState : undefined));
    expect(states[0]).toMatchObject({ countLow: true, finalTry: false, locked: false });
    expect(states[1]).toMatchObject({ finalTry: true, locked: false });
    expect(states[2]).toMatchObject({ locked: true });

    const locked = await flow.sign(id, PIN);
    expect(locked).toMatchObject({ type: 'failed', retry: 'sign', error: { code: 'PIN_LOCKED' } });
    if (locked.type === 'failed') {
      expect(locked.error.localised('tr')).toContain('PUK');
      expect(JSON.stringify(locked.error) + locked.error.message).not.toContain(PIN);
    }
    expect(standIn.server.requests.filter((r) => r.startsWith('POST'))).toEqual([]);

    // The UI's PUK unlock (Kilit Çözme) goes through the token layer; then the same flow signs.
    await service!.unlockPin(token.tokenSerial, PUK, PIN);
    expect(await flow.sign(id, PIN)).toMatchObject({ type: 'done', result: { state: 'signed' } });
    expect(events.filter((e) => e.type === 'pin-required' && e.retry)).toHaveLength(2);
  },
);
