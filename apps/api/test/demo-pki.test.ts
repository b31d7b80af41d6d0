import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { keySigner, signCades } from '@eimza/cades';
import { testPkiDir } from '@eimza/state';
import {
  freePort,
  loadOrCreatePki,
  savePki,
  startTestPki,
  type SignerWithKey,
} from '@eimza/testpki';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.js';
import type { SignatureValidator } from '../src/domain/validator.js';
import { startDemoPki, type DemoPki } from '../src/plugins/demo-pki.js';
import { createValidator } from '../src/validation.js';
import { testConfig } from './support/app.js';

const TCKN = '10000000146';

function refused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.on('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.on('error', () => resolve(true));
  });
}

let state: string;
let env: NodeJS.ProcessEnv;
let port: number;
let signer: SignerWithKey;
const apps: FastifyInstance[] = [];

/** Creates a login session, signs its text as `signer`, submits it; the API's answer. */
async function signLogin(validator: SignatureValidator | undefined) {
  const config = testConfig({ kind: 'sqlite', path: join(state, `api-${apps.length}.sqlite`) });
  const app = await buildApp({ config, ...(validator ? { validator } : {}) });
  apps.push(app);
  const created = await app.inject({
    method: 'POST',
    url: '/api/v1/sessions',
    payload: { purpose: 'login', tckn: TCKN },
  });
  const code = created.json().verificationCode as string;
  const challenge = (await app.inject({ url: `/api/v1/challenges/${code}` })).json();
  const cms = await signCades({
    content: new TextEncoder().encode(challenge.texts[0].content),
    certificate: signer.certificate.der,
    chain: [signer.certificate.chain[0]!.der],
    sign: keySigner(signer.privateKey),
    detached: true,
  });
  return app.inject({
    method: 'POST',
    url: `/api/v1/challenges/${code}/signatures`,
    payload: { signatures: [{ textId: 't1', cms: Buffer.from(cms).toString('base64') }] },
  });
}

beforeAll(async () => {
  state = mkdtempSync(join(tmpdir(), 'eimza-demo-pki-'));
  port = await freePort();
  env = { EIMZA_STATE_DIR: state, EIMZA_TESTPKI_PORT: String(port) };
  // The state folder's PKI as token:init leaves it: a certificate issued and saved.
  const pki = await loadOrCreatePki(testPkiDir(env), { baseUrl: `http://127.0.0.1:${port}` });
  signer = await pki.issueSignerWithKey({ ca: 'ec', tckn: TCKN, name: 'AHMET YILMAZ' });
  await savePki(pki, testPkiDir(env));
}, 60_000);

afterAll(async () => {
  for (const app of apps) await app.close();
  rmSync(state, { recursive: true, force: true });
});

describe('test-PKI mode (no EIMZA_TRUST_ANCHORS)', () => {
  let demo: DemoPki | undefined;
  afterAll(async () => demo?.close());

  it('trusts the state folder’s test PKI and serves its OCSP: a signature validates TOTAL_PASSED with revocation checked', async () => {
    demo = await startDemoPki(testConfig({ kind: 'sqlite', path: ':memory:' }), env);
    expect(demo?.servicesUrl).toBe(`http://127.0.0.1:${port}`);
    expect(demo?.dir).toBe(testPkiDir(env));
    const response = await signLogin(demo!.validator);
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body.state).toBe('signed');
    expect(body.report.indication).toBe('TOTAL_PASSED');
    expect(body.report.revocation).toMatchObject({ source: 'ocsp', status: 'good' });
  }, 60_000);

  it('says plainly when the test PKI port is taken', async () => {
    await expect(
      startDemoPki(testConfig({ kind: 'sqlite', path: ':memory:' }), env),
    ).rejects.toThrow(/cannot serve the test PKI .* on port \d+/);
  });

  it('creates the test PKI when the state folder has none', async () => {
    const fresh = mkdtempSync(join(tmpdir(), 'eimza-demo-fresh-'));
    try {
      const created = await startDemoPki(testConfig({ kind: 'sqlite', path: ':memory:' }), {
        EIMZA_STATE_DIR: fresh,
        EIMZA_TESTPKI_PORT: String(await freePort()),
      });
      expect(created?.dir).toBe(join(fresh, 'pki'));
      await created!.close();
    } finally {
      rmSync(fresh, { recursive: true, force: true });
    }
  }, 60_000);
});

describe('EIMZA_TRUST_ANCHORS set', () => {
  it('trusts exactly those anchors, starts no test services, and rejects the test PKI’s signature NO_CERTIFICATE_CHAIN_FOUND', async () => {
    const elsewhere = await startTestPki();
    try {
      const anchors = join(state, 'other-anchors.pem');
      writeFileSync(
        anchors,
        elsewhere.pki
          .anchors()
          .map((a) => a.pem)
          .join('\n'),
      );
      const config = testConfig({ kind: 'sqlite', path: ':memory:' }, { trustAnchors: [anchors] });
      expect(await startDemoPki(config, env)).toBeUndefined();
      expect(await refused(port)).toBe(true);
      const response = await signLogin(createValidator(config));
      expect(response.statusCode).toBe(422);
      expect(response.json().rejection.code).toBe('NO_CERTIFICATE_CHAIN_FOUND');
    } finally {
      await elsewhere.close();
    }
  }, 60_000);
});
