import { Type, type Static } from '@sinclair/typebox';
import { IsoTime } from './common.js';

export const Indication = Type.Union([
  Type.Literal('TOTAL_PASSED'),
  Type.Literal('INDETERMINATE'),
  Type.Literal('TOTAL_FAILED'),
]);
export type Indication = Static<typeof Indication>;

/** ETSI EN 319 102-1 sub-indications used by the validator. */
export const SUB_INDICATIONS = [
  'FORMAT_FAILURE',
  'HASH_FAILURE',
  'SIG_CRYPTO_FAILURE',
  'NO_CERTIFICATE_CHAIN_FOUND',
  'EXPIRED',
  'NOT_YET_VALID',
  'REVOKED',
  'TRY_LATER',
  'CHAIN_CONSTRAINTS_FAILURE',
  'SIG_CONSTRAINTS_FAILURE',
  'SIGNED_DATA_NOT_FOUND',
] as const;
export const SubIndication = Type.Union(SUB_INDICATIONS.map((s) => Type.Literal(s)));
export type SubIndication = (typeof SUB_INDICATIONS)[number];

/** Session rejections add two codes of their own to the sub-indications. */
export const REJECTION_CODES = [...SUB_INDICATIONS, 'TCKN_MISMATCH', 'SIGNER_MISMATCH'] as const;
export type RejectionCode = (typeof REJECTION_CODES)[number];

export const Signer = Type.Object(
  {
    tckn: Type.String(),
    name: Type.String(),
    certificateSerial: Type.String(),
    issuer: Type.String(),
    notBefore: IsoTime,
    notAfter: IsoTime,
    keyAlgorithm: Type.String(),
  },
  { $id: 'Signer' },
);
export type Signer = Static<typeof Signer>;

export const Check = Type.Object({
  name: Type.String(),
  passed: Type.Boolean(),
  detail: Type.String(),
});
export type Check = Static<typeof Check>;

export const ChainEntry = Type.Object({
  subject: Type.String(),
  issuer: Type.String(),
  serial: Type.String(),
  notBefore: IsoTime,
  notAfter: IsoTime,
});
export type ChainEntry = Static<typeof ChainEntry>;

export const Revocation = Type.Object({
  source: Type.Union([Type.Literal('ocsp'), Type.Literal('crl')]),
  status: Type.Union([Type.Literal('good'), Type.Literal('revoked'), Type.Literal('unknown')]),
  producedAt: Type.Optional(IsoTime),
  revokedAt: Type.Optional(IsoTime),
});
export type Revocation = Static<typeof Revocation>;

export const Timestamp = Type.Object({
  genTime: IsoTime,
  tsa: Type.String(),
});
export type Timestamp = Static<typeof Timestamp>;

export const Report = Type.Object(
  {
    indication: Indication,
    subIndication: Type.Optional(SubIndication),
    checks: Type.Array(Check),
    signer: Type.Optional(Signer),
    signingTime: Type.Optional(IsoTime),
    timestamp: Type.Optional(Timestamp),
    chain: Type.Array(ChainEntry),
    revocation: Type.Optional(Revocation),
  },
  { $id: 'Report' },
);
export type Report = Static<typeof Report>;

export const Rejection = Type.Object({
  code: Type.String(),
  message: Type.String(),
});
export type Rejection = Static<typeof Rejection>;
