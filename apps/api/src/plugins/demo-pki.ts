import { TrustStore } from '@eimza/cades';
import { stateDir, testPkiDir } from '@eimza/state';
import { loadOrCreatePki, startPkiServices, type PkiServices } from '@eimza/testpki';
import type { SignatureValidator } from '../domain/validator.js';
import type { ApiConfig } from './config.js';
import { cadesValidator } from '../validation.js';

const DEFAULT_TESTPKI_PORT = 18780;

/** The project's own test PKI, trusted and served in-process when no trust anchors are configured. */
export interface DemoPki {
  readonly validator: SignatureValidator;
  /** Where its OCSP/CRL/TSA services listen (the URL its certificates name). */
  readonly servicesUrl: string;
  /** The folder the PKI was loaded from (or created in). */
  readonly dir: string;
  close(): Promise<void>;
}

function testPkiPort(env: NodeJS.ProcessEnv): number {
  const raw = env.EIMZA_TESTPKI_PORT?.trim();
  if (!raw) return DEFAULT_TESTPKI_PORT;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new Error(`EIMZA_TESTPKI_PORT must be a port number, got "${raw}"`);
  }
  return port;
}

/**
 * Test-PKI mode: loads (or creates) the PKI in the state folder, serves its OCSP/CRL/TSA on the port
 * its certificates name, and validates against its two roots only. Undefined when
 * EIMZA_TRUST_ANCHORS is set: then the configured anchors are the only trust and nothing is started.
 */
export async function startDemoPki(
  config: Pick<ApiConfig, 'trustAnchors' | 'revocation' | 'requiredPolicies' | 'requireQualified'>,
  env: NodeJS.ProcessEnv = process.env,
): Promise<DemoPki | undefined> {
  if (config.trustAnchors.length > 0) return undefined;
  const dir = testPkiDir(env);
  const pki = await loadOrCreatePki(dir, {
    baseUrl: `http://127.0.0.1:${testPkiPort(env)}`,
  });
  const port = Number(new URL(pki.baseUrl).port);
  let services: PkiServices;
  try {
    services = await startPkiServices(pki, { port });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(
      `cannot serve the test PKI of ${stateDir(env)} on port ${port} (${reason}); ` +
        'is another eimza API running? Stop it or set EIMZA_TRUST_ANCHORS',
      { cause: error },
    );
  }
  // The issuing CAs complete chains for cards that hold only their own certificate.
  const trust = TrustStore.fromPem(
    pki.anchors().map((a) => a.pem),
    [pki.issuingCa('rsa').pem, pki.issuingCa('ec').pem],
  );
  return {
    validator: cadesValidator(trust, config),
    servicesUrl: services.url,
    dir,
    close: () => services.close(),
  };
}
