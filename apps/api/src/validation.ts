import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { TrustStore, validateCades } from '@eimza/cades';
import type { SignatureValidator } from './domain/validator.js';
import type { ApiConfig } from './plugins/config.js';
import { ConfigError } from './plugins/config.js';

const CERTIFICATE_FILE = /\.(pem|crt|cer|der)$/i;

/** The certificate files a configured path names: the file itself, or a folder's certificate files. */
function certificateFiles(path: string): Uint8Array[] {
  let stat;
  try {
    stat = statSync(path);
  } catch {
    throw new ConfigError(`trust path does not exist: ${path}`);
  }
  const files = stat.isDirectory()
    ? readdirSync(path)
        .filter((f) => CERTIFICATE_FILE.test(f))
        .map((f) => join(path, f))
        .filter((f) => statSync(f).isFile())
    : [path];
  return files.map((f) => new Uint8Array(readFileSync(f)));
}

export function loadTrustStore(
  config: Pick<ApiConfig, 'trustAnchors' | 'trustIntermediates'>,
): TrustStore {
  const anchors = config.trustAnchors.flatMap(certificateFiles);
  if (anchors.length === 0) throw new ConfigError('EIMZA_TRUST_ANCHORS names no certificate files');
  const trust = TrustStore.fromPem(anchors, config.trustIntermediates.flatMap(certificateFiles));
  if (trust.anchors.length === 0)
    throw new ConfigError('EIMZA_TRUST_ANCHORS holds no certificates');
  return trust;
}

/** validateCades with the API's trust store, signer policy and revocation mode. */
export function cadesValidator(
  trust: TrustStore,
  config: Pick<ApiConfig, 'revocation' | 'requiredPolicies' | 'requireQualified'>,
): SignatureValidator {
  return {
    validate: (input) =>
      validateCades({
        cms: input.cms,
        ...(input.content ? { content: input.content } : {}),
        ...(input.expectedContent ? { expectedContent: input.expectedContent } : {}),
        ...(input.now ? { now: input.now } : {}),
        trust,
        policy: {
          requireNonRepudiation: true,
          requiredPolicyOids: config.requiredPolicies,
          requireQcCompliance: config.requireQualified,
        },
        revocation: { mode: config.revocation },
      }),
  };
}

/** The configured validator, or undefined when no trust anchors are configured. */
export function createValidator(config: ApiConfig): SignatureValidator | undefined {
  if (config.trustAnchors.length === 0) return undefined;
  return cadesValidator(loadTrustStore(config), config);
}
