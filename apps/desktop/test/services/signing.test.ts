import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { groupVerificationCode } from '@eimza/protocol';
import { DEFAULT_TEST_TOKENS, type RunningTestPki, type TestTokens } from '@eimza/testpki';
import type { TokenService } from '@eimza/token';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SETTINGS_FILE } from '../../src/services/index.js';
import type { SigningSnapshot } from '../../src/shared/ipc.js';
import { createSession, sessionState, startApi, type TestApi } from '../support/api.js';
import { leakedSecrets, startDesktop, type Desktop } from '../support/desktop.js';
import { startSoftHsmStack, type SoftHsmStack } from '../support/stack.js';

// The desktop's handlers as the renderer calls them, over SoftHSM2 tokens certified by a live
// test PKI, against the real API on 127.0.0.1.
const AHMET = '10000000146';
const AYSE = '12345678950';
const PIN = 'Gizli-PIN-4711';
const PUK = 'Puk-Sakli-9090';
const WRONG_PIN = 'Yanlis-PIN-0042';
const NEW_PIN = 'Yeni-PIN-5150';
const NEW_PUK = 'Yeni-PUK-6161';

let stack: SoftHsmStack;
let work: string;
let pki: RunningTestPki;
let cards: TestTokens;
let service: TokenService;
let api: TestApi;
let desktop: Desktop;

beforeAll(async () => {
  stack = await startSoftHsmStack('main', {
    pin: PIN,
    puk: PUK,
    // The two demo cards (Ahmet's RSA, Ayşe's EC) and a revoked one of Ayşe's.
    tokens: [
      ...DEFAULT_TEST_TOKENS,
      {
        label: 'EIMZA-REVOKED',
        keyType: 'ec-p256',
        tckn: AYSE,
        name: 'AYŞE KAYA',
        variant: 'revoked',
      },
    ],
  });
  ({ work, pki, cards, tokens: service, api } = stack);
  desktop = await startDesktop({ tokens: service, apiUrl: api.url });
});

afterAll(async () => {
  await desktop?.close();
  await stack?.close();
});

function certificateOf(snapshot: SigningSnapshot, label: string): string {
  const found = snapshot.choices?.usable.find((c) => c.tokenLabel === label);
  if (!found) throw new Error(`no usable certificate on ${label}`);
  return found.id;
}

describe('signing through the handlers', () => {
  it('login: the code as pasted, the challenge, the certificate cards, the PIN prompt; signed, and the API session says so', async () => {
    const session = await createSession(api.url, { purpose: 'login', tckn: AHMET });
    const pasted = ` ${groupVerificationCode(session.verificationCode).replace(/ /g, '-')} `;
    const pushedAtStart = desktop.snapshots().length;
    const started = await desktop.value('signing:start', {
      code: pasted,
      apiOrigin: `${api.url}/`,
    });
    expect(started).toMatchObject({
      step: 'choosing',
      verificationCode: session.verificationCode,
      apiOrigin: api.url,
      challenge: { purpose: 'login', signer: { tcknMasked: '100******46' } },
      choices: { signer: 'matched' },
    });
    expect(started.secondsLeft).toBeGreaterThan(250);
    expect(
      desktop
        .snapshots()
        .slice(pushedAtStart)
        .map((s) => s.step),
    ).toEqual(['loading', 'loading', 'loading', 'choosing']);
    expect(started.accepted).toBeUndefined();
    expect(started.choices!.usable.map((c) => c.tokenLabel)).toEqual(['EIMZA-RSA']);
    const card = started.choices!.usable[0]!;
    expect(card).toMatchObject({
      commonName: 'AHMET YILMAZ',
      tcknMasked: '100******46',
      keyAlgorithm: 'RSA 2048',
      expiry: 'valid',
      nonRepudiation: true,
    });
    expect(card.issuerName).not.toContain('CN=');
    expect(started.choices!.excluded.map((e) => e.reason)).toContain('OTHER_PERSON');
    expect(started.pinPrompt).toMatchObject({
      certificateId: card.id,
      tokenSerial: card.tokenSerial,
      pinPad: false,
      retry: false,
    });
    expect(started.pinPrompt!.minPinLength).toBeGreaterThan(0);
    expect(started.pinPrompt!.maxPinLength).toBeGreaterThanOrEqual(started.pinPrompt!.minPinLength);

    const pushedBefore = desktop.snapshots().length;
    const signed = await desktop.value('signing:sign', { certificateId: card.id, pin: PIN });
    expect(signed).toMatchObject({
      step: 'done',
      result: { state: 'signed', signer: { tckn: AHMET } },
    });
    expect(signed.error).toBeUndefined();
    const steps = desktop
      .snapshots()
      .slice(pushedBefore)
      .map((s) => s.step);
    expect(steps).toEqual(['signing', 'submitting', 'done']);
    expect(desktop.snapshots().at(-1)).toEqual(signed);
    expect(await sessionState(api.app, session)).toMatchObject({ state: 'signed' });
    // The snapshot handler answers the same view, and reset goes back to the start.
    expect(await desktop.value('signing:snapshot')).toMatchObject({ step: 'done' });
    expect(await desktop.value('signing:reset')).toEqual({ step: 'idle' });
  });

  it('select: another card changes the PIN prompt; a certificate not offered is refused', async () => {
    const session = await createSession(api.url, {
      purpose: 'application',
      tckn: AYSE,
      form: { reason: 'Yenileme' },
    });
    const started = await desktop.value('signing:start', {
      code: session.verificationCode,
      apiOrigin: api.url,
    });
    expect(started.choices!.usable.map((c) => c.tokenLabel).sort()).toEqual([
      'EIMZA-EC',
      'EIMZA-REVOKED',
    ]);
    const revoked = certificateOf(started, 'EIMZA-REVOKED');
    const second = started.choices!.usable.find((c) => c.id !== started.selectedCertificateId)!;
    const selected = await desktop.value('signing:select', { certificateId: second.id });
    expect(selected.selectedCertificateId).toBe(second.id);
    expect(selected.pinPrompt).toMatchObject({
      certificateId: second.id,
      tokenSerial: second.tokenSerial,
      retry: false,
    });
    // Listing the cards again (as after a card was inserted) keeps the user's choice.
    const refreshed = await desktop.value('signing:refresh');
    expect(refreshed.choices!.preselectedId).not.toBe(second.id);
    expect(refreshed).toMatchObject({
      step: 'choosing',
      selectedCertificateId: second.id,
      pinPrompt: { certificateId: second.id, tokenSerial: second.tokenSerial },
    });
    const other = await desktop.call('signing:select', { certificateId: 'nope:00' });
    expect(other).toMatchObject({ ok: false, error: { code: 'CERTIFICATE_NOT_USABLE' } });

    // Signing with the revoked card: the API refuses (422), said in Turkish, nothing to retry.
    const rejected = await desktop.value('signing:sign', { certificateId: revoked, pin: PIN });
    expect(rejected).toMatchObject({
      step: 'done',
      result: { state: 'rejected' },
      error: { code: 'REJECTED', retry: 'none', rejection: { code: expect.any(String) } },
    });
    expect(rejected.error!.message).toContain('reddedildi');
    // Steps that do not apply now are refused and leave the outcome as it was.
    for (const channel of ['signing:refresh', 'signing:resubmit', 'signing:accept'] as const) {
      expect((await desktop.call(channel)).ok, channel).toBe(false);
    }
    const { secondsLeft: _ignored, ...outcome } = rejected;
    expect(await desktop.value('signing:snapshot')).toMatchObject(outcome);
  });

  it('E-Onay: signing is refused until KABUL EDİYORUM; then it signs', async () => {
    const session = await createSession(api.url, { purpose: 'e-onay-accept', tckn: AHMET });
    const started = await desktop.value('signing:start', {
      code: session.verificationCode,
      apiOrigin: api.url,
    });
    expect(started).toMatchObject({
      step: 'choosing',
      accepted: false,
      challenge: { purpose: 'e-onay-accept' },
    });
    const id = started.selectedCertificateId!;
    const early = await desktop.call('signing:sign', { certificateId: id, pin: PIN });
    expect(early).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST' } });
    expect(await sessionState(api.app, session)).toMatchObject({ state: 'pending' });
    expect(await desktop.value('signing:accept')).toMatchObject({
      accepted: true,
      step: 'choosing',
    });
    expect(await desktop.value('signing:sign', { certificateId: id, pin: PIN })).toMatchObject({
      step: 'done',
      accepted: true,
      result: { state: 'signed' },
    });
  });

  it('E-Onay: KABUL ETMİYORUM ends the flow without signing; accept and decline are refused elsewhere', async () => {
    const session = await createSession(api.url, { purpose: 'e-onay-cancel', tckn: AHMET });
    await desktop.value('signing:start', { code: session.verificationCode, apiOrigin: api.url });
    const declined = await desktop.value('signing:decline');
    expect(declined).toMatchObject({
      step: 'failed',
      declined: true,
      error: { code: 'CANCELLED', retry: 'none', message: 'İşlem iptal edildi.' },
    });
    expect(
      await desktop.call('signing:sign', {
        certificateId: declined.selectedCertificateId,
        pin: PIN,
      }),
    ).toMatchObject({
      ok: false,
      error: { code: 'INVALID_STATE' },
    });
    expect(await sessionState(api.app, session)).toMatchObject({ state: 'pending' });

    const login = await createSession(api.url, { purpose: 'login' });
    await desktop.value('signing:start', { code: login.verificationCode, apiOrigin: api.url });
    expect(await desktop.call('signing:accept')).toMatchObject({
      ok: false,
      error: { code: 'INVALID_REQUEST' },
    });
    expect(await desktop.call('signing:decline')).toMatchObject({
      ok: false,
      error: { code: 'INVALID_REQUEST' },
    });
    await desktop.value('signing:cancel');
  });

  it('a wrong PIN: the error says so and the PIN is asked again; a PIN of the wrong length never reaches the card; the right PIN signs', async () => {
    const session = await createSession(api.url, { purpose: 'login', tckn: AYSE });
    const started = await desktop.value('signing:start', {
      code: session.verificationCode,
      apiOrigin: api.url,
    });
    const id = certificateOf(started, 'EIMZA-EC');
    const wrong = await desktop.value('signing:sign', { certificateId: id, pin: WRONG_PIN });
    expect(wrong).toMatchObject({
      step: 'failed',
      error: { code: 'PIN_INCORRECT', retry: 'sign' },
      pinPrompt: { certificateId: id, retry: true },
    });
    expect(wrong.error!.message).toContain('PIN hatalı');
    // No PIN is only for PIN-pad readers.
    expect(await desktop.call('signing:sign', { certificateId: id, pin: null })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_REQUEST' },
    });
    const short = await desktop.call('signing:sign', { certificateId: id, pin: 'ab' });
    expect(short).toMatchObject({ ok: false, error: { code: 'PIN_LEN_RANGE' } });
    expect(await desktop.value('signing:sign', { certificateId: id, pin: PIN })).toMatchObject({
      step: 'done',
      result: { state: 'signed', signer: { tckn: AYSE } },
    });
  });

  it('origin policy: off the list needs confirmation (and stays off the list); insecure or malformed origins are refused', async () => {
    const port = new URL(api.url).port;
    const other = `http://localhost:${port}`;
    expect(await desktop.value('origins:check', { origin: `HTTP://LOCALHOST:${port}/` })).toEqual({
      origin: other,
      allowed: false,
      secure: true,
    });
    expect(await desktop.value('origins:check', { origin: api.url })).toMatchObject({
      allowed: true,
    });
    const session = await createSession(api.url, { purpose: 'login' });
    const refused = await desktop.call('signing:start', {
      code: session.verificationCode,
      apiOrigin: other,
    });
    expect(refused).toMatchObject({ ok: false, error: { code: 'ORIGIN_NOT_ALLOWED' } });
    const confirmed = await desktop.value('signing:start', {
      code: session.verificationCode,
      apiOrigin: other,
      confirmedOrigin: true,
    });
    expect(confirmed).toMatchObject({ step: 'choosing', apiOrigin: other });
    expect((await desktop.value('settings:get')).allowedOrigins).toEqual([api.url]);
    for (const origin of [
      'http://imza.example.com',
      'ftp://127.0.0.1',
      'https://x.example/path',
      'not a url',
    ]) {
      const answer = await desktop.call('signing:start', {
        code: session.verificationCode,
        apiOrigin: origin,
        confirmedOrigin: true,
      });
      expect(answer, origin).toMatchObject({ ok: false, error: { code: 'ORIGIN_INVALID' } });
    }
    expect(
      await desktop.call('signing:start', { code: '12345', apiOrigin: api.url }),
    ).toMatchObject({
      ok: false,
      error: { code: 'MALFORMED_CODE' },
    });
    await desktop.value('signing:reset');
  });

  it('requests of the wrong shape are INVALID_REQUEST, and the answer does not echo them', async () => {
    const bad: Array<[Parameters<Desktop['call']>[0], unknown]> = [
      ['signing:sign', { certificateId: 'x', pin: 4711 }],
      ['signing:sign', { certificateId: 'x', pin: 'Gizli-Ekstra-1', extra: true }],
      ['signing:start', { code: 'Gizli-Kod-77' }],
      ['pin:change', { tokenSerial: 's', oldPin: 'Gizli-Eski-1' }],
      ['settings:update', { language: 'de' }],
      ['settings:update', { modulePaths: 'Gizli-Yol-9' }],
      ['origins:check', 'Gizli-Dize-3'],
      ['signing:snapshot', { unexpected: 1 }],
    ];
    for (const [channel, request] of bad) {
      const answer = await desktop.call(channel, request);
      expect(answer, channel).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST' } });
      expect(JSON.stringify(answer)).not.toMatch(/Gizli|4711/);
    }
    expect(desktop.log()).not.toMatch(/Gizli-(Ekstra|Kod|Eski|Yol|Dize)/);
  });

  it('tokens:list: each card with its certificates as the renderer shows them', async () => {
    const list = await desktop.value('tokens:list');
    expect(list.map((t) => t.label).sort()).toEqual(['EIMZA-EC', 'EIMZA-REVOKED', 'EIMZA-RSA']);
    const rsa = list.find((t) => t.label === 'EIMZA-RSA')!;
    expect(rsa.userPin).toMatchObject({ initialized: true, locked: false });
    expect(
      rsa.certificates.some((c) => c.keyAlgorithm === 'RSA 2048' && c.tcknMasked === '100******46'),
    ).toBe(true);
    const ec = list.find((t) => t.label === 'EIMZA-EC')!;
    expect(ec.certificates.some((c) => c.keyAlgorithm === 'EC P-256' && c.daysLeft > 30)).toBe(
      true,
    );
  });

  it('PIN change, PUK change and PIN unlock with the PUK; wrong PIN/PUK and lengths are typed', async () => {
    const serial = cards.tokens.find((t) => t.label === 'EIMZA-EC')!.tokenSerial;
    expect(
      await desktop.call('pin:change', { tokenSerial: serial, oldPin: WRONG_PIN, newPin: NEW_PIN }),
    ).toMatchObject({
      ok: false,
      error: { code: 'PIN_INCORRECT' },
    });
    expect(
      await desktop.call('pin:change', { tokenSerial: serial, oldPin: PIN, newPin: 'ab' }),
    ).toMatchObject({
      ok: false,
      error: { code: 'PIN_LEN_RANGE' },
    });
    const changed = await desktop.value('pin:change', {
      tokenSerial: serial,
      oldPin: PIN,
      newPin: NEW_PIN,
    });
    expect(changed).toMatchObject({ serial, label: 'EIMZA-EC' });
    expect(changed.certificates.length).toBeGreaterThan(0);

    expect(
      await desktop.call('pin:change-puk', {
        tokenSerial: serial,
        oldPuk: WRONG_PIN,
        newPuk: NEW_PUK,
      }),
    ).toMatchObject({ ok: false, error: { code: 'PUK_INCORRECT' } });
    await desktop.value('pin:change-puk', { tokenSerial: serial, oldPuk: PUK, newPuk: NEW_PUK });
    expect(
      await desktop.call('pin:unlock', { tokenSerial: serial, puk: PUK, newPin: PIN }),
    ).toMatchObject({
      ok: false,
      error: { code: 'PUK_INCORRECT', message: expect.stringContaining('PUK hatalı') },
    });
    await desktop.value('pin:unlock', { tokenSerial: serial, puk: NEW_PUK, newPin: PIN });
    expect(
      await desktop.call('pin:change', { tokenSerial: 'no-such', oldPin: PIN, newPin: NEW_PIN }),
    ).toMatchObject({
      ok: false,
      error: { code: 'TOKEN_NOT_PRESENT' },
    });
    // The unlocked PIN signs.
    const session = await createSession(api.url, { purpose: 'login', tckn: AYSE });
    const started = await desktop.value('signing:start', {
      code: session.verificationCode,
      apiOrigin: api.url,
    });
    expect(
      await desktop.value('signing:sign', {
        certificateId: certificateOf(started, 'EIMZA-EC'),
        pin: PIN,
      }),
    ).toMatchObject({ step: 'done', result: { state: 'signed' } });
  });

  it('server down: loading says NETWORK in Turkish with the retry hint load; a submission the closed server refused is not taken as sent', async () => {
    const down = await startApi(work, pki.pki, 'down');
    await desktop.value('settings:update', { allowedOrigins: [api.url, down.url] });
    const session = await createSession(down.url, { purpose: 'login', tckn: AHMET });
    const started = await desktop.value('signing:start', {
      code: session.verificationCode,
      apiOrigin: down.url,
    });
    await down.app.close();
    const refused = await desktop.value('signing:sign', {
      certificateId: started.selectedCertificateId!,
      pin: PIN,
    });
    expect(refused).toMatchObject({ step: 'failed', error: { code: 'NETWORK', retry: 'submit' } });
    expect(refused.error!.message).toContain('Sunucuya bağlanılamadı');

    const again = await createSession(api.url, { purpose: 'login' });
    const failed = await desktop.value('signing:start', {
      code: again.verificationCode,
      apiOrigin: down.url,
    });
    expect(failed).toMatchObject({ step: 'failed', error: { code: 'NETWORK', retry: 'load' } });
    expect(failed.error!.message).toContain('Sunucuya bağlanılamadı');
    await desktop.value('settings:update', { allowedOrigins: [api.url] });
  });

  it('expiry: the countdown reaching zero pushes step expired by itself', async () => {
    const short = await startApi(work, pki.pki, 'short', { sessionTtlSeconds: 2 });
    try {
      await desktop.value('settings:update', { allowedOrigins: [api.url, short.url] });
      const session = await createSession(short.url, { purpose: 'login' });
      const started = await desktop.value('signing:start', {
        code: session.verificationCode,
        apiOrigin: short.url,
      });
      expect(started.step).toBe('choosing');
      const event = await desktop.waitForEvent(
        (e) =>
          e.type === 'signing' &&
          e.snapshot.step === 'expired' &&
          e.snapshot.verificationCode === session.verificationCode,
        6000,
      );
      expect(event).toMatchObject({
        snapshot: {
          secondsLeft: 0,
          error: { code: 'EXPIRED', retry: 'none', message: expect.stringContaining('Süre doldu') },
        },
      });
      expect(
        await desktop.call('signing:sign', {
          certificateId: started.selectedCertificateId,
          pin: PIN,
        }),
      ).toMatchObject({
        ok: false,
        error: { code: 'INVALID_STATE' },
      });
    } finally {
      await short.app.close();
    }
  });

  it('settings: saved atomically, pushed, language switches the messages', async () => {
    const saved = await desktop.value('settings:update', { language: 'en', modulePaths: [] });
    expect(saved.language).toBe('en');
    expect(desktop.events.some((e) => e.type === 'settings' && e.settings.language === 'en')).toBe(
      true,
    );
    const file = JSON.parse(readFileSync(join(desktop.stateDir, SETTINGS_FILE), 'utf8'));
    expect(file).toEqual(saved);
    expect(
      await desktop.call('signing:start', { code: '1', apiOrigin: 'http://imza.example.com' }),
    ).toMatchObject({
      ok: false,
      error: { code: 'ORIGIN_INVALID', message: expect.stringContaining('insecure') },
    });
    expect(
      await desktop.call('settings:update', { modulePaths: ['relative/lib.so'] }),
    ).toMatchObject({
      ok: false,
      error: { code: 'SETTINGS_INVALID' },
    });
    await desktop.value('settings:update', { language: 'tr' });
  });

  it('app:info and deep links', async () => {
    expect(await desktop.value('app:info')).toEqual({
      version: '0.1.0',
      platform: process.platform,
      stateDir: desktop.stateDir,
    });
    desktop.services.openDeepLink(`eimza://sign?code=1234-5678&api=${encodeURIComponent(api.url)}`);
    desktop.services.openDeepLink(
      `eimza://sign?code=${'0'.repeat(15)}&api=${encodeURIComponent(`${api.url}/`)}`,
    );
    const pushed = desktop.events.filter(
      (e) => e.type === 'deep-link' || e.type === 'deep-link-invalid',
    );
    expect(pushed).toEqual([
      { type: 'deep-link-invalid', error: { code: 'MALFORMED_CODE', message: expect.any(String) } },
      { type: 'deep-link', link: { code: '0'.repeat(15), apiOrigin: api.url } },
    ]);
  });

  it('diagnostics: the Tanılama channels are wired to the diagnostics service', async () => {
    const view = await desktop.value('diagnostics:run');
    expect(view.versions).toMatchObject({ eimza: '0.1.0' });
    expect(view.checks.length).toBeGreaterThan(0);
    expect(view.checks.every((c) => ['OK', 'WARN', 'FAIL'].includes(c.status))).toBe(true);
    const bundle = await desktop.value('diagnostics:save-bundle');
    expect(bundle.path.startsWith(join(desktop.stateDir, 'support'))).toBe(true);
    expect(bundle.files.length).toBeGreaterThan(0);
  });

  it('no PIN or PUK anywhere: events, answers, the log', () => {
    expect(desktop.answers.length).toBeGreaterThan(40);
    expect(desktop.log()).toContain('signing event');
    expect(leakedSecrets(desktop, [PIN, PUK, WRONG_PIN, NEW_PIN, NEW_PUK])).toEqual([]);
  });
});
