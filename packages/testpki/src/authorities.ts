import type { AuthorityId, CaKind, KeyAlgorithmName, RootName, SignatureHash } from './types.js';

export type EntityName =
  | 'root-rsa'
  | 'root-ec'
  | 'ca-rsa'
  | 'ca-ec'
  | 'ocsp-rsa'
  | 'ocsp-ec'
  | 'tsa'
  | 'root-rogue'
  | 'ca-rogue-rsa'
  | 'ca-rogue-ec';

export type EntityRole = 'root' | 'ca' | 'ocsp' | 'tsa';

export interface EntityBlueprint {
  name: EntityName;
  role: EntityRole;
  /** Undefined for self-signed roots. */
  issuer?: EntityName;
  keyAlgorithm: KeyAlgorithmName;
  /** Hash this entity uses when it signs (certificates, CRLs, OCSP responses, time stamps). */
  hash: SignatureHash;
  organization: string;
  commonName: string;
}

const TEST_KAMU_SM = 'Test Kamu Sertifikasyon Merkezi';
const ROGUE_ORG = 'Sahte Sertifikasyon Merkezi';

/** In creation order: every issuer comes before what it issues. */
export const ENTITY_BLUEPRINTS: readonly EntityBlueprint[] = [
  {
    name: 'root-rsa',
    role: 'root',
    keyAlgorithm: 'rsa2048',
    hash: 'SHA-256',
    organization: TEST_KAMU_SM,
    commonName: 'Test Kamu SM RSA Kök',
  },
  {
    name: 'root-ec',
    role: 'root',
    keyAlgorithm: 'ec-p384',
    hash: 'SHA-384',
    organization: TEST_KAMU_SM,
    commonName: 'Test Kamu SM Eliptik Eğrili Kök',
  },
  {
    name: 'root-rogue',
    role: 'root',
    keyAlgorithm: 'ec-p256',
    hash: 'SHA-256',
    organization: ROGUE_ORG,
    commonName: 'Sahte Kök',
  },
  {
    name: 'ca-rsa',
    role: 'ca',
    issuer: 'root-rsa',
    keyAlgorithm: 'rsa2048',
    hash: 'SHA-256',
    organization: TEST_KAMU_SM,
    commonName: 'Test Kamu SM RSA NES Sertifika Hizmet Sağlayıcısı',
  },
  {
    name: 'ca-ec',
    role: 'ca',
    issuer: 'root-ec',
    keyAlgorithm: 'ec-p384',
    hash: 'SHA-384',
    organization: TEST_KAMU_SM,
    commonName: 'Test Kamu SM Eliptik Eğrili NES Sertifika Hizmet Sağlayıcısı',
  },
  {
    name: 'ca-rogue-rsa',
    role: 'ca',
    issuer: 'root-rogue',
    keyAlgorithm: 'rsa2048',
    hash: 'SHA-256',
    organization: ROGUE_ORG,
    commonName: 'Sahte RSA NES Sertifika Hizmet Sağlayıcısı',
  },
  {
    name: 'ca-rogue-ec',
    role: 'ca',
    issuer: 'root-rogue',
    keyAlgorithm: 'ec-p256',
    hash: 'SHA-256',
    organization: ROGUE_ORG,
    commonName: 'Sahte Eliptik Eğrili NES Sertifika Hizmet Sağlayıcısı',
  },
  {
    name: 'ocsp-rsa',
    role: 'ocsp',
    issuer: 'ca-rsa',
    keyAlgorithm: 'rsa2048',
    hash: 'SHA-256',
    organization: TEST_KAMU_SM,
    commonName: 'Test Kamu SM RSA NES OCSP Yanıtlayıcısı',
  },
  {
    name: 'ocsp-ec',
    role: 'ocsp',
    issuer: 'ca-ec',
    keyAlgorithm: 'ec-p384',
    hash: 'SHA-384',
    organization: TEST_KAMU_SM,
    commonName: 'Test Kamu SM Eliptik Eğrili NES OCSP Yanıtlayıcısı',
  },
  {
    name: 'tsa',
    role: 'tsa',
    issuer: 'root-ec',
    keyAlgorithm: 'ec-p256',
    hash: 'SHA-256',
    organization: TEST_KAMU_SM,
    commonName: 'Test Kamu SM Zaman Damgası',
  },
];

export interface AuthorityBlueprint {
  id: AuthorityId;
  ca: CaKind;
  issuingCa: EntityName;
  root: EntityName;
  /** Who signs OCSP responses: a delegated responder, or the CA itself for the rogue ones. */
  ocspSigner: EntityName;
}

export const AUTHORITIES: Record<AuthorityId, AuthorityBlueprint> = {
  rsa: { id: 'rsa', ca: 'rsa', issuingCa: 'ca-rsa', root: 'root-rsa', ocspSigner: 'ocsp-rsa' },
  ec: { id: 'ec', ca: 'ec', issuingCa: 'ca-ec', root: 'root-ec', ocspSigner: 'ocsp-ec' },
  'rogue-rsa': {
    id: 'rogue-rsa',
    ca: 'rsa',
    issuingCa: 'ca-rogue-rsa',
    root: 'root-rogue',
    ocspSigner: 'ca-rogue-rsa',
  },
  'rogue-ec': {
    id: 'rogue-ec',
    ca: 'ec',
    issuingCa: 'ca-rogue-ec',
    root: 'root-rogue',
    ocspSigner: 'ca-rogue-ec',
  },
};

export const AUTHORITY_IDS = Object.keys(AUTHORITIES) as AuthorityId[];

export function isAuthorityId(value: string): value is AuthorityId {
  return value in AUTHORITIES;
}

export const ROOT_NAMES: readonly RootName[] = ['root-rsa', 'root-ec', 'root-rogue'];

export function isRootName(value: string): value is RootName {
  return (ROOT_NAMES as readonly string[]).includes(value);
}
