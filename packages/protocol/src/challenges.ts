import { Type, type Static } from '@sinclair/typebox';
import { Base64, IsoTime } from './common.js';
import { Purpose } from './sessions.js';
import { Rejection, Report, Signer } from './report.js';

export const ChallengeText = Type.Object({
  id: Type.String(),
  title: Type.String(),
  content: Type.String({ description: 'exactly the text to be signed, as UTF-8 bytes' }),
});
export type ChallengeText = Static<typeof ChallengeText>;

export const Challenge = Type.Object(
  {
    service: Type.Object({ name: Type.String(), origin: Type.String() }),
    purpose: Purpose,
    texts: Type.Array(ChallengeText, { minItems: 1 }),
    createdAt: IsoTime,
    expiresAt: IsoTime,
    secondsLeft: Type.Integer({ minimum: 0 }),
    signer: Type.Optional(Type.Object({ tcknMasked: Type.String() })),
  },
  { $id: 'Challenge' },
);
export type Challenge = Static<typeof Challenge>;

export const SubmitSignaturesRequest = Type.Object(
  {
    signatures: Type.Array(
      Type.Object({ textId: Type.String(), cms: Base64 }, { additionalProperties: false }),
      { minItems: 1 },
    ),
  },
  { $id: 'SubmitSignaturesRequest', additionalProperties: false },
);
export type SubmitSignaturesRequest = Static<typeof SubmitSignaturesRequest>;

export const SignaturesAccepted = Type.Object(
  { state: Type.Literal('signed'), signer: Signer, report: Report },
  { $id: 'SignaturesAccepted' },
);
export type SignaturesAccepted = Static<typeof SignaturesAccepted>;

export const SignaturesRejected = Type.Object(
  { state: Type.Literal('rejected'), rejection: Rejection, report: Report },
  { $id: 'SignaturesRejected' },
);
export type SignaturesRejected = Static<typeof SignaturesRejected>;

export const VerifyRequest = Type.Object(
  { cms: Base64, content: Type.Optional(Base64) },
  { $id: 'VerifyRequest', additionalProperties: false },
);
export type VerifyRequest = Static<typeof VerifyRequest>;
