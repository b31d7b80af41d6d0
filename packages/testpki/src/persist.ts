import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type {
  AuthorityId,
  CreateTestPkiOptions,
  KeyAlgorithmName,
  RevocationReason,
  SignerVariant,
} from './types.js';
import { AUTHORITY_IDS, ENTITY_BLUEPRINTS, type EntityName } from './authorities.js';
import { TestPki, createTestPki, type IssuedRecord, type PkiEntity } from './pki.js';
import { certificateMaterial } from './material.js';
import { fromPem, toPem } from './der.js';
import { importPkcs8 } from './keys.js';

const FORMAT = 'eimza-testpki/1';
const REGISTRY_FILE = 'pki.json';

interface RegistryJson {
  format: typeof FORMAT;
  baseUrl: string;
  entities: {
    name: EntityName;
    keyAlgorithm: KeyAlgorithmName;
    certificate: string;
    privateKey: string;
  }[];
  issued: {
    serialHex: string;
    authority: AuthorityId;
    variant: SignerVariant;
    tckn: string;
    name: string;
    certificatePem: string;
    revocation?: { date: string; reason: RevocationReason };
  }[];
  crlNumbers: Partial<Record<AuthorityId, number>>;
  /** Revoked CAs, OCSP responders and the TSA (absent in registries written before). */
  entityRevocations?: { name: EntityName; date: string; reason: RevocationReason }[];
}

/**
 * Writes the PKI to dir: certs/<entity>.pem, keys/<entity>.key.pem (PKCS#8, mode 0600),
 * trust-anchors/ (the two roots, usable as EIMZA_TRUST_ANCHORS) and pki.json (issued serials, revocations).
 */
export async function savePki(pki: TestPki, dir: string): Promise<void> {
  await mkdir(join(dir, 'certs'), { recursive: true });
  await mkdir(join(dir, 'keys'), { recursive: true, mode: 0o700 });
  await mkdir(join(dir, 'trust-anchors'), { recursive: true });
  const entities: RegistryJson['entities'] = [];
  for (const entity of pki.entityList()) {
    const name = entity.blueprint.name;
    const certificate = `certs/${name}.pem`;
    const privateKey = `keys/${name}.key.pem`;
    await writeFile(join(dir, certificate), entity.certificate.pem);
    await writeFile(join(dir, privateKey), toPem('PRIVATE KEY', entity.privateKeyDer), {
      mode: 0o600,
    });
    entities.push({ name, keyAlgorithm: entity.blueprint.keyAlgorithm, certificate, privateKey });
  }
  await writeFile(join(dir, 'trust-anchors', 'test-kamu-sm-rsa-root.pem'), pki.root('rsa').pem);
  await writeFile(join(dir, 'trust-anchors', 'test-kamu-sm-ec-root.pem'), pki.root('ec').pem);
  const { records, crlNumbers, entityRevocations } = pki.registry();
  const registry: RegistryJson = {
    format: FORMAT,
    baseUrl: pki.baseUrl,
    entities,
    issued: records.map((r) => ({
      serialHex: r.serialHex,
      authority: r.authority,
      variant: r.variant,
      tckn: r.tckn,
      name: r.name,
      certificatePem: r.certificate.pem,
      ...(r.revocation
        ? { revocation: { date: r.revocation.date.toISOString(), reason: r.revocation.reason } }
        : {}),
    })),
    crlNumbers: Object.fromEntries(crlNumbers),
    entityRevocations: [...entityRevocations].map(([name, r]) => ({
      name,
      date: r.date.toISOString(),
      reason: r.reason,
    })),
  };
  await writeFile(join(dir, REGISTRY_FILE), `${JSON.stringify(registry, null, 2)}\n`);
}

/** Reads a PKI written by savePki; certificates and keys are byte-identical to the saved ones. */
export async function loadPki(dir: string): Promise<TestPki> {
  const registry = JSON.parse(await readFile(join(dir, REGISTRY_FILE), 'utf8')) as RegistryJson;
  if (registry.format !== FORMAT)
    throw new Error(`${join(dir, REGISTRY_FILE)} is not a ${FORMAT} registry`);
  const entities = new Map<EntityName, PkiEntity>();
  for (const saved of registry.entities) {
    const base = ENTITY_BLUEPRINTS.find((b) => b.name === saved.name);
    if (!base) throw new Error(`Unknown test PKI entity ${saved.name}`);
    const blueprint = { ...base, keyAlgorithm: saved.keyAlgorithm };
    const privateKeyDer = fromPem(
      await readFile(join(dir, saved.privateKey), 'utf8'),
      'PRIVATE KEY',
    );
    entities.set(saved.name, {
      blueprint,
      certificate: certificateMaterial(
        fromPem(await readFile(join(dir, saved.certificate), 'utf8'), 'CERTIFICATE'),
      ),
      privateKey: await importPkcs8(privateKeyDer, blueprint.keyAlgorithm),
      privateKeyDer,
    });
  }
  const records: IssuedRecord[] = registry.issued.map((saved) => ({
    serialHex: saved.serialHex,
    authority: saved.authority,
    variant: saved.variant,
    tckn: saved.tckn,
    name: saved.name,
    certificate: certificateMaterial(fromPem(saved.certificatePem, 'CERTIFICATE')),
    ...(saved.revocation
      ? { revocation: { date: new Date(saved.revocation.date), reason: saved.revocation.reason } }
      : {}),
  }));
  return new TestPki({
    baseUrl: registry.baseUrl,
    entities,
    records,
    crlNumbers: new Map(AUTHORITY_IDS.map((id) => [id, registry.crlNumbers[id] ?? 0])),
    entityRevocations: new Map(
      (registry.entityRevocations ?? []).map((r) => [
        r.name,
        { date: new Date(r.date), reason: r.reason },
      ]),
    ),
  });
}

/** Loads the PKI saved in dir, or creates one there (the demo's persisted authority). */
export async function loadOrCreatePki(
  dir: string,
  options: CreateTestPkiOptions = {},
): Promise<TestPki> {
  if (existsSync(join(dir, REGISTRY_FILE))) return loadPki(dir);
  const pki = await createTestPki(options);
  await savePki(pki, dir);
  return pki;
}
