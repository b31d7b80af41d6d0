import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { createTestTokens, type TestTokens } from '@eimza/testpki';
import { openTokenService, type TokenService } from '@eimza/token';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { SubmissionGuard, createApiClient, createSigningFlow } from '../src/index.js';
import { challengeFor, freshCode, record, types } from './support/flow-fixtures.js';
import { startStandInApi, type StandInApi } from './support/stand-in-api.js';

// Its own file (and process): the test deletes the SoftHSM2 token under a logged-in session,
// which is how a card pulled out of its reader looks to the module (C_Sign: object handle invalid).
let tokens: TestTokens;
let service: TokenService;
let standIn: StandInApi;

beforeAll(async () => {
  tokens = await createTestTokens({
    tokens: [
      { label: 'EIMZA-EC', keyType: 'ec-p256', tckn: '12345678950', name: 'AYŞE KAYA', ca: 'ec' },
    ],
  });
  process.env.SOFTHSM2_CONF = tokens.confPath;
  service = await openTokenService({ explicitOnly: true, modulePaths: [tokens.modulePath] });
  standIn = await startStandInApi();
});

afterAll(async () => {
  await service?.close();
  await standIn?.close();
  tokens?.cleanup();
});

it('token removed between two texts: typed TOKEN_REMOVED, nothing submitted, certificates can be re-read', async () => {
  const code = freshCode();
  standIn.challenges.set(code, { challenge: challengeFor(code, { texts: 2 }), used: false });
  const flow = createSigningFlow({
    api: createApiClient({ baseUrl: standIn.origin }),
    tokens: service,
    guard: new SubmissionGuard(),
  });
  const events = record(flow);
  flow.subscribe((event) => {
    if (event.type === 'signing' && event.index === 1) {
      const dir = join(tokens.dir, 'tokens');
      for (const entry of readdirSync(dir))
        rmSync(join(dir, entry), { recursive: true, force: true });
    }
  });
  await flow.load(code);
  const outcome = await flow.sign(flow.certificateChoices!.preselectedId!, tokens.pin);
  expect(outcome).toMatchObject({
    type: 'failed',
    retry: 'certificates',
    error: { code: 'TOKEN_REMOVED' },
  });
  expect(types(events)).toEqual([
    'challenge-loaded',
    'certificates',
    'pin-required',
    'signing',
    'signing',
    'failed:TOKEN_REMOVED',
  ]);
  expect(standIn.server.requests.filter((r) => r.startsWith('POST'))).toEqual([]);
  expect(standIn.challenges.get(code)!.used).toBe(false);
  // The card is gone: re-reading says so, typed, and the UI may retry once it is back.
  expect(await flow.refreshCertificates()).toMatchObject({
    type: 'failed',
    retry: 'certificates',
    error: { code: 'NO_CERTIFICATES' },
  });
});
