import { x509 } from './x509.js';
import { randomBytes } from 'node:crypto';
import type {
  AuthorityId,
  CaKind,
  CertificateMaterial,
  CreateTestPkiOptions,
  IssuedCertificate,
  IssueSignerOptions,
  IssueSignerWithKeyOptions,
  KeyAlgorithmName,
  OcspCertStatus,
  OcspNonceMode,
  PkiUrls,
  Revocation,
  RevocationReason,
  RootName,
  SignatureHash,
  SignerVariant,
  SignerWithKey,
} from './types.js';
import {
  AUTHORITIES,
  AUTHORITY_IDS,
  ENTITY_BLUEPRINTS,
  isRootName,
  type EntityBlueprint,
  type EntityName,
} from './authorities.js';
import { exportPkcs8, exportPkcs8Pem, generateKeyPair, importPkcs8, isRsa } from './keys.js';
import { certificateMaterial } from './material.js';
import { normalizeSerialHex, toPem } from './der.js';
import {
  crlNumberExtension,
  KeyUsage,
  ocspNoCheckExtension,
  qcStatementsExtension,
} from './extensions.js';
import { OID } from './oids.js';
import { isValidTckn } from './tckn.js';

/** Base URL of the persisted demo PKI; `EIMZA_TESTPKI_PORT` moves it. */
export function defaultDemoBaseUrl(): string {
  return `http://127.0.0.1:${process.env['EIMZA_TESTPKI_PORT'] ?? '18780'}`;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const YEAR = 365 * DAY;

export interface PkiEntity {
  blueprint: EntityBlueprint;
  certificate: CertificateMaterial;
  privateKey: CryptoKey;
  privateKeyDer: Uint8Array<ArrayBuffer>;
}

/** One end-entity certificate the authority has issued; the unit of the persisted registry. */
export interface IssuedRecord {
  serialHex: string;
  authority: AuthorityId;
  variant: SignerVariant;
  tckn: string;
  name: string;
  certificate: CertificateMaterial;
  revocation?: Revocation;
}

export interface PkiState {
  baseUrl: string;
  entities: Map<EntityName, PkiEntity>;
  records: IssuedRecord[];
  crlNumbers: Map<AuthorityId, number>;
  /** Revoked infrastructure certificates (issuing CAs, responders, the TSA); not persisted. */
  entityRevocations?: Map<EntityName, Revocation>;
}

export type PkiService = 'ocsp' | 'crl' | 'tsa';

export interface CertificateStatus {
  status: OcspCertStatus;
  revocation?: Revocation;
}

const CRL_REASON_CODES: Record<RevocationReason, number> = {
  unspecified: 0,
  keyCompromise: 1,
  cACompromise: 2,
  affiliationChanged: 3,
  superseded: 4,
  cessationOfOperation: 5,
  certificateHold: 6,
  removeFromCRL: 8,
  privilegeWithdrawn: 9,
  aACompromise: 10,
};

export function crlReasonCode(reason: RevocationReason): number {
  return CRL_REASON_CODES[reason];
}

function pkiUrls(baseUrl: string): PkiUrls {
  const base = baseUrl.replace(/\/+$/, '');
  return {
    ocsp: (authority) => `${base}/ocsp/${authority}`,
    crl: (authority) => `${base}/crl/${authority}.crl`,
    caIssuers: (authority) => `${base}/certs/${authority}.cer`,
    rootOcsp: (root) => `${base}/ocsp/${root}`,
    rootCrl: (root) => `${base}/crl/${root}.crl`,
    tsa: `${base}/tsa`,
  };
}

/** A positive 16-octet serial whose first octet has its high bit clear and is never zero. */
function randomSerialHex(): string {
  const bytes = randomBytes(16);
  bytes[0] = ((bytes[0] ?? 0) & 0x7f) | 0x40;
  return bytes.toString('hex');
}

/** Revocation times travel as whole seconds in CRLs (UTCTime); keep OCSP in step with them. */
function wholeSeconds(date: Date): Date {
  return new Date(Math.floor(date.getTime() / 1000) * 1000);
}

function entityName(blueprint: EntityBlueprint): x509.JsonName {
  return [{ C: ['TR'] }, { O: [blueprint.organization] }, { CN: [blueprint.commonName] }];
}

function signerName(options: IssueSignerOptions): x509.JsonName {
  const name: x509.JsonName = [{ C: ['TR'] }, { [OID.serialNumberAttribute]: [options.tckn] }];
  if (options.givenName) name.push({ G: [options.givenName] });
  if (options.surname) name.push({ SN: [options.surname] });
  name.push({ CN: [options.name] });
  return name;
}

function validityFor(variant: SignerVariant, now: Date): { notBefore: Date; notAfter: Date } {
  const t = now.getTime();
  switch (variant) {
    case 'expired':
      return { notBefore: new Date(t - 2 * YEAR), notAfter: new Date(t - DAY) };
    case 'notYetValid':
      return { notBefore: new Date(t + 30 * DAY), notAfter: new Date(t + 2 * YEAR) };
    default:
      return { notBefore: new Date(t - DAY), notAfter: new Date(t + 2 * YEAR) };
  }
}

/**
 * The test authority: two trusted hierarchies (RSA and EC), a rogue one, OCSP responders, a TSA
 * and a registry of issued end-entity certificates with their revocations.
 */
export class TestPki {
  readonly baseUrl: string;
  readonly urls: PkiUrls;
  private readonly entities: Map<EntityName, PkiEntity>;
  private readonly records: IssuedRecord[];
  private readonly crlNumbers: Map<AuthorityId, number>;
  private readonly hashedKeys = new Map<string, Promise<CryptoKey>>();
  private readonly outages = new Set<PkiService>();
  private readonly entityRevocations: Map<EntityName, Revocation>;
  private readonly rootCrlNumbers = new Map<RootName, number>();
  private nonceMode: OcspNonceMode = 'echo';

  constructor(state: PkiState) {
    this.baseUrl = state.baseUrl.replace(/\/+$/, '');
    this.entities = state.entities;
    this.records = state.records;
    this.crlNumbers = state.crlNumbers;
    this.entityRevocations = state.entityRevocations ?? new Map();
    this.urls = pkiUrls(this.baseUrl);
  }

  /** The trust anchors: the RSA root and the EC root (never the rogue root). */
  anchors(): CertificateMaterial[] {
    return [this.root('rsa'), this.root('ec')];
  }

  root(ca: CaKind): CertificateMaterial {
    return this.entity(AUTHORITIES[ca].root).certificate;
  }

  issuingCa(ca: CaKind): CertificateMaterial {
    return this.entity(AUTHORITIES[ca].issuingCa).certificate;
  }

  /** Issuing CA first, then root; for rogue authorities the rogue chain. */
  chain(authority: AuthorityId): CertificateMaterial[] {
    const blueprint = AUTHORITIES[authority];
    return [this.entity(blueprint.issuingCa).certificate, this.entity(blueprint.root).certificate];
  }

  ocspResponder(ca: CaKind): CertificateMaterial {
    return this.entity(AUTHORITIES[ca].ocspSigner).certificate;
  }

  tsaCertificate(): CertificateMaterial {
    return this.entity('tsa').certificate;
  }

  /** TSA certificate first, then the EC root that issued it. */
  tsaChain(): CertificateMaterial[] {
    return [this.entity('tsa').certificate, this.entity('root-ec').certificate];
  }

  rogueRoot(): CertificateMaterial {
    return this.entity('root-rogue').certificate;
  }

  /** Issuing CA, root or responder certificate of any authority, by its URL name. */
  authorityCertificate(authority: AuthorityId): CertificateMaterial {
    return this.entity(AUTHORITIES[authority].issuingCa).certificate;
  }

  /** Internal entity access for the CRL, OCSP, TSA and persistence modules. */
  entity(name: EntityName): PkiEntity {
    const entity = this.entities.get(name);
    if (!entity) throw new Error(`Test PKI has no entity ${name}`);
    return entity;
  }

  entityList(): PkiEntity[] {
    return [...this.entities.values()];
  }

  /** A private key usable with WebCrypto for this hash (RSA CryptoKeys are bound to one hash). */
  signingKey(
    name: EntityName,
    hash: SignatureHash = this.entity(name).blueprint.hash,
  ): Promise<CryptoKey> {
    const entity = this.entity(name);
    if (!isRsa(entity.blueprint.keyAlgorithm)) return Promise.resolve(entity.privateKey);
    const cacheKey = `${name}:${hash}`;
    let key = this.hashedKeys.get(cacheKey);
    if (!key) {
      key = importPkcs8(entity.privateKeyDer, entity.blueprint.keyAlgorithm, hash);
      this.hashedKeys.set(cacheKey, key);
    }
    return key;
  }

  async issueSigner(options: IssueSignerOptions): Promise<IssuedCertificate> {
    if (!isValidTckn(options.tckn)) throw new Error(`Not a valid T.C. Kimlik No: ${options.tckn}`);
    const variant = options.variant ?? 'valid';
    const authority: AuthorityId = variant === 'untrusted' ? `rogue-${options.ca}` : options.ca;
    const blueprint = AUTHORITIES[authority];
    const issuer = this.entity(blueprint.issuingCa);
    const serialHex = normalizeSerialHex(options.serial ?? randomSerialHex());
    this.assertSerialFree(authority, serialHex);
    const now = new Date();
    const validity = validityFor(variant, now);
    const usages =
      variant === 'noNonRepudiation'
        ? KeyUsage.digitalSignature
        : KeyUsage.digitalSignature | KeyUsage.nonRepudiation;
    const publicKey =
      options.publicKey instanceof Uint8Array
        ? new Uint8Array(options.publicKey)
        : options.publicKey;
    const hash = options.signatureHash ?? issuer.blueprint.hash;
    const cert = await x509.X509CertificateGenerator.create({
      serialNumber: serialHex,
      subject: signerName(options),
      issuer: issuer.certificate.x509.subjectName,
      notBefore: options.notBefore ?? validity.notBefore,
      notAfter: options.notAfter ?? validity.notAfter,
      publicKey,
      signingKey: await this.signingKey(blueprint.issuingCa, hash),
      signingAlgorithm: { name: issuer.privateKey.algorithm.name, hash } as EcdsaParams,
      extensions: [
        new x509.KeyUsagesExtension(usages, true),
        new x509.CertificatePolicyExtension([OID.nesPolicy], false),
        qcStatementsExtension(),
        new x509.AuthorityInfoAccessExtension(
          { ocsp: [this.urls.ocsp(authority)], caIssuers: [this.urls.caIssuers(authority)] },
          false,
        ),
        new x509.CRLDistributionPointsExtension([this.urls.crl(authority)], false),
        await x509.SubjectKeyIdentifierExtension.create(publicKey, false),
        await x509.AuthorityKeyIdentifierExtension.create(issuer.certificate.x509.publicKey, false),
      ],
    });
    const record: IssuedRecord = {
      serialHex,
      authority,
      variant,
      tckn: options.tckn,
      name: options.name,
      certificate: certificateMaterial(cert.rawData),
    };
    // Checked again: another issuance may have taken the serial while this one was signing.
    this.assertSerialFree(authority, serialHex);
    if (variant === 'revoked') {
      record.revocation = {
        date: wholeSeconds(options.revokedAt ?? new Date(now.getTime() - HOUR)),
        reason: options.revocationReason ?? 'keyCompromise',
      };
    }
    this.records.push(record);
    return this.toIssued(record);
  }

  async issueSignerWithKey(options: IssueSignerWithKeyOptions): Promise<SignerWithKey> {
    const keyAlgorithm: KeyAlgorithmName =
      options.keyAlgorithm ?? (options.ca === 'ec' ? 'ec-p256' : 'rsa2048');
    const keys = await generateKeyPair(keyAlgorithm);
    const certificate = await this.issueSigner({ ...options, publicKey: keys.publicKey });
    return {
      certificate,
      privateKey: keys.privateKey,
      publicKey: keys.publicKey,
      privateKeyDer: await exportPkcs8(keys.privateKey),
      privateKeyPem: await exportPkcs8Pem(keys.privateKey),
      keyAlgorithm,
    };
  }

  /**
   * Marks an issued certificate as revoked; later OCSP responses and CRLs report it.
   * Returns false when no issued certificate has this serial.
   */
  revoke(
    serial: string,
    date: Date = new Date(),
    reason: RevocationReason = 'keyCompromise',
    authority?: AuthorityId,
  ): boolean {
    const serialHex = normalizeSerialHex(serial);
    const matches = this.records.filter(
      (r) => r.serialHex === serialHex && (authority === undefined || r.authority === authority),
    );
    for (const record of matches) record.revocation = { date: wholeSeconds(date), reason };
    return matches.length > 0;
  }

  /**
   * Lifts a suspension ("Askıdan İndir"): clears revocations whose reason is certificateHold.
   * Returns false when no suspended certificate has this serial; other revocations are final.
   */
  reinstate(serial: string, authority?: AuthorityId): boolean {
    const serialHex = normalizeSerialHex(serial);
    const matches = this.records.filter(
      (r) =>
        r.serialHex === serialHex &&
        r.revocation?.reason === 'certificateHold' &&
        (authority === undefined || r.authority === authority),
    );
    for (const record of matches) delete record.revocation;
    return matches.length > 0;
  }

  /**
   * Simulates an unavailable service for revocation-failure tests: OCSP then answers tryLater,
   * CRL and TSA endpoints answer HTTP 503, until set back to false.
   */
  setServiceOutage(service: PkiService, down: boolean): void {
    if (down) this.outages.add(service);
    else this.outages.delete(service);
  }

  isServiceDown(service: PkiService): boolean {
    return this.outages.has(service);
  }

  /** How every OCSP responder of this PKI answers a request nonce, until set again. */
  setOcspNonceMode(mode: OcspNonceMode): void {
    this.nonceMode = mode;
  }

  get ocspNonceMode(): OcspNonceMode {
    return this.nonceMode;
  }

  /**
   * Revokes an infrastructure certificate (an issuing CA, an OCSP responder or the TSA): its
   * issuer's OCSP responder and CRL report it from then on. Roots cannot be revoked.
   */
  revokeEntity(
    name: EntityName,
    date: Date = new Date(),
    reason: RevocationReason = 'keyCompromise',
  ): void {
    if (!this.entity(name).blueprint.issuer) throw new Error(`${name} is a root: not revocable`);
    this.entityRevocations.set(name, { date: wholeSeconds(date), reason });
  }

  entityRevocation(name: EntityName): Revocation | undefined {
    return this.entityRevocations.get(name);
  }

  /** What a root's OCSP responder reports for a serial: only the root's own issuance counts. */
  rootStatusOf(root: RootName, serial: string): CertificateStatus {
    return this.infrastructureStatus(root, normalizeSerialHex(serial)) ?? { status: 'unknown' };
  }

  private infrastructureStatus(
    issuer: EntityName,
    serialHex: string,
  ): CertificateStatus | undefined {
    const entity = this.entityList().find(
      (e) => e.blueprint.issuer === issuer && e.certificate.serialHex === serialHex,
    );
    if (!entity) return undefined;
    const revocation = this.entityRevocations.get(entity.blueprint.name);
    return revocation ? { status: 'revoked', revocation } : { status: 'good' };
  }

  /** What OCSP reports for a serial under an authority: unknown when it never issued it. */
  statusOf(authority: AuthorityId, serial: string): CertificateStatus {
    const serialHex = normalizeSerialHex(serial);
    const record = this.records.find((r) => r.authority === authority && r.serialHex === serialHex);
    if (record) {
      return record.revocation
        ? { status: 'revoked', revocation: record.revocation }
        : { status: 'good' };
    }
    return (
      this.infrastructureStatus(AUTHORITIES[authority].issuingCa, serialHex) ?? {
        status: 'unknown',
      }
    );
  }

  issued(): IssuedCertificate[] {
    return this.records.map((r) => this.toIssued(r));
  }

  /** Raw registry access for persistence. */
  registry(): {
    records: IssuedRecord[];
    crlNumbers: Map<AuthorityId, number>;
    entityRevocations: Map<EntityName, Revocation>;
  } {
    return {
      records: this.records,
      crlNumbers: this.crlNumbers,
      entityRevocations: this.entityRevocations,
    };
  }

  /** A freshly signed CRL (DER) with every revocation of this authority and the next CRL number. */
  async crl(authority: AuthorityId, now: Date = new Date()): Promise<Uint8Array<ArrayBuffer>> {
    const blueprint = AUTHORITIES[authority];
    const issuer = this.entity(blueprint.issuingCa);
    const crlNumber = (this.crlNumbers.get(authority) ?? 0) + 1;
    this.crlNumbers.set(authority, crlNumber);
    const entries = this.records
      .filter((r) => r.authority === authority && r.revocation)
      .map((r) => ({ serialHex: r.serialHex, revocation: r.revocation as Revocation }));
    return this.signCrl(
      blueprint.issuingCa,
      [...entries, ...this.revokedEntities(issuer)],
      crlNumber,
      now,
    );
  }

  /** A freshly signed CRL (DER) of a root: the issuing CAs and the TSA it revoked. */
  async rootCrl(root: RootName, now: Date = new Date()): Promise<Uint8Array<ArrayBuffer>> {
    const crlNumber = (this.rootCrlNumbers.get(root) ?? 0) + 1;
    this.rootCrlNumbers.set(root, crlNumber);
    return this.signCrl(root, this.revokedEntities(this.entity(root)), crlNumber, now);
  }

  private revokedEntities(issuer: PkiEntity): { serialHex: string; revocation: Revocation }[] {
    return this.entityList().flatMap((e) => {
      const revocation = this.entityRevocations.get(e.blueprint.name);
      return e.blueprint.issuer === issuer.blueprint.name && revocation
        ? [{ serialHex: e.certificate.serialHex, revocation }]
        : [];
    });
  }

  private async signCrl(
    issuerName: EntityName,
    revoked: readonly { serialHex: string; revocation: Revocation }[],
    crlNumber: number,
    now: Date,
  ): Promise<Uint8Array<ArrayBuffer>> {
    const issuer = this.entity(issuerName);
    const crl = await x509.X509CrlGenerator.create({
      issuer: issuer.certificate.x509.subjectName,
      thisUpdate: now,
      nextUpdate: new Date(now.getTime() + DAY),
      entries: revoked.map((r) => ({
        serialNumber: r.serialHex,
        revocationDate: r.revocation.date,
        reason: CRL_REASON_CODES[r.revocation.reason] as x509.X509CrlReason,
      })),
      signingKey: await this.signingKey(issuerName),
      signingAlgorithm: {
        name: issuer.privateKey.algorithm.name,
        hash: issuer.blueprint.hash,
      } as EcdsaParams,
      extensions: [
        await x509.AuthorityKeyIdentifierExtension.create(issuer.certificate.x509.publicKey, false),
        crlNumberExtension(crlNumber),
      ],
    });
    return new Uint8Array(crl.rawData);
  }

  crlPem(der: Uint8Array): string {
    return toPem('X509 CRL', der);
  }

  private assertSerialFree(authority: AuthorityId, serialHex: string): void {
    if (this.records.some((r) => r.authority === authority && r.serialHex === serialHex)) {
      throw new Error(`Serial ${serialHex} was already issued by ${authority}`);
    }
  }

  private toIssued(record: IssuedRecord): IssuedCertificate {
    const blueprint = AUTHORITIES[record.authority];
    const issued: IssuedCertificate = {
      ...record.certificate,
      authority: record.authority,
      ca: blueprint.ca,
      variant: record.variant,
      tckn: record.tckn,
      name: record.name,
      chain: this.chain(record.authority),
    };
    if (record.revocation) issued.revocation = { ...record.revocation };
    return issued;
  }
}

/**
 * A responder's revocation pointer: id-pkix-ocsp-nocheck (the default), or, for a checked
 * responder, the CRL of the issuing CA it answers for.
 */
function responderRevocationExtension(
  blueprint: EntityBlueprint,
  baseUrl: string,
  checked: readonly CaKind[],
): x509.Extension {
  const ca = AUTHORITY_IDS.find((id) => AUTHORITIES[id].ocspSigner === blueprint.name);
  if (ca === undefined || !(checked as readonly string[]).includes(ca))
    return ocspNoCheckExtension();
  return new x509.CRLDistributionPointsExtension([pkiUrls(baseUrl).crl(ca)], false);
}

function extensionsFor(blueprint: EntityBlueprint): x509.Extension[] {
  switch (blueprint.role) {
    case 'root':
      return [
        new x509.BasicConstraintsExtension(true, undefined, true),
        new x509.KeyUsagesExtension(KeyUsage.keyCertSign | KeyUsage.cRLSign, true),
      ];
    case 'ca':
      return [
        new x509.BasicConstraintsExtension(true, 0, true),
        new x509.KeyUsagesExtension(KeyUsage.keyCertSign | KeyUsage.cRLSign, true),
        new x509.CertificatePolicyExtension([OID.anyPolicy], false),
      ];
    case 'ocsp':
      return [
        new x509.KeyUsagesExtension(KeyUsage.digitalSignature, true),
        new x509.ExtendedKeyUsageExtension([OID.ocspSigning], false),
      ];
    case 'tsa':
      return [
        new x509.KeyUsagesExtension(KeyUsage.digitalSignature | KeyUsage.nonRepudiation, true),
        new x509.ExtendedKeyUsageExtension([OID.timeStamping], true),
      ];
  }
}

function validityForEntity(
  blueprint: EntityBlueprint,
  now: number,
): { notBefore: Date; notAfter: Date } {
  // Start five years back so that 'expired' end entities still lie inside their CA's validity.
  const notBefore = new Date(now - 5 * YEAR);
  const years = blueprint.role === 'root' ? 25 : blueprint.role === 'ca' ? 20 : 10;
  return { notBefore, notAfter: new Date(now + years * YEAR) };
}

/** AIA and CDP of what a root issues directly: its OCSP responder, certificate and CRL. */
function rootRevocationPointers(baseUrl: string, root: RootName): x509.Extension[] {
  const urls = pkiUrls(baseUrl);
  return [
    new x509.AuthorityInfoAccessExtension(
      {
        ocsp: [urls.rootOcsp(root)],
        caIssuers: [`${baseUrl.replace(/\/+$/, '')}/certs/${root}.cer`],
      },
      false,
    ),
    new x509.CRLDistributionPointsExtension([urls.rootCrl(root)], false),
  ];
}

async function createEntity(
  blueprint: EntityBlueprint,
  keys: { privateKey: CryptoKey; publicKey: CryptoKey },
  issuer: PkiEntity | undefined,
  now: number,
  baseUrl: string,
  checkedResponders: readonly CaKind[],
): Promise<PkiEntity> {
  const signingKey = issuer?.privateKey ?? keys.privateKey;
  const hash = issuer?.blueprint.hash ?? blueprint.hash;
  const extensions = [
    ...extensionsFor(blueprint),
    ...(blueprint.role === 'ocsp'
      ? [responderRevocationExtension(blueprint, baseUrl, checkedResponders)]
      : []),
    await x509.SubjectKeyIdentifierExtension.create(keys.publicKey, false),
  ];
  if (issuer) {
    extensions.push(
      await x509.AuthorityKeyIdentifierExtension.create(issuer.certificate.x509.publicKey, false),
    );
    if (isRootName(issuer.blueprint.name))
      extensions.push(...rootRevocationPointers(baseUrl, issuer.blueprint.name));
  }
  const subject = entityName(blueprint);
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: randomSerialHex(),
    subject,
    issuer: issuer ? issuer.certificate.x509.subjectName : subject,
    ...validityForEntity(blueprint, now),
    publicKey: keys.publicKey,
    signingKey,
    signingAlgorithm: { name: signingKey.algorithm.name, hash } as EcdsaParams,
    extensions,
  });
  return {
    blueprint,
    certificate: certificateMaterial(cert.rawData),
    privateKey: keys.privateKey,
    privateKeyDer: await exportPkcs8(keys.privateKey),
  };
}

/** Generates a fresh test authority (all keys and certificates) whose URLs point at baseUrl. */
export async function createTestPki(options: CreateTestPkiOptions = {}): Promise<TestPki> {
  const now = Date.now();
  const blueprints = ENTITY_BLUEPRINTS.map((b) =>
    b.name === 'root-rsa' && options.rsaRootBits && options.rsaRootBits !== 2048
      ? { ...b, keyAlgorithm: `rsa${options.rsaRootBits}` as KeyAlgorithmName }
      : b,
  );
  const keys = await Promise.all(blueprints.map((b) => generateKeyPair(b.keyAlgorithm)));
  const baseUrl = options.baseUrl ?? defaultDemoBaseUrl();
  const entities = new Map<EntityName, PkiEntity>();
  for (const [index, blueprint] of blueprints.entries()) {
    const issuer = blueprint.issuer ? entities.get(blueprint.issuer) : undefined;
    entities.set(
      blueprint.name,
      await createEntity(
        blueprint,
        keys[index] as (typeof keys)[number],
        issuer,
        now,
        baseUrl,
        options.checkedOcspResponders ?? [],
      ),
    );
  }
  return new TestPki({
    baseUrl,
    entities,
    records: [],
    crlNumbers: new Map(AUTHORITY_IDS.map((id) => [id, 0])),
  });
}
