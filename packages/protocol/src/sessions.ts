import { Type, type Static } from '@sinclair/typebox';
import { IsoTime, Tckn, VerificationCode } from './common.js';
import { Rejection, Signer } from './report.js';

export const PURPOSES = ['login', 'e-onay-accept', 'e-onay-cancel', 'application'] as const;
export const Purpose = Type.Union(PURPOSES.map((p) => Type.Literal(p)));
export type Purpose = (typeof PURPOSES)[number];

/** The renewal form ("Başvuru") travels as flat string fields that become part of the signed text. */
export const ApplicationForm = Type.Record(
  Type.String({ maxLength: 64 }),
  Type.String({ maxLength: 2000 }),
);
export type ApplicationForm = Static<typeof ApplicationForm>;

export const CreateSessionRequest = Type.Object(
  {
    purpose: Purpose,
    tckn: Type.Optional(Tckn),
    form: Type.Optional(ApplicationForm),
  },
  { $id: 'CreateSessionRequest', additionalProperties: false },
);
export type CreateSessionRequest = Static<typeof CreateSessionRequest>;

export const CreateSessionResponse = Type.Object(
  {
    sessionId: Type.String({ format: 'uuid' }),
    verificationCode: VerificationCode,
    expiresAt: IsoTime,
    secondsLeft: Type.Integer({ minimum: 0 }),
    browserToken: Type.String(),
  },
  { $id: 'CreateSessionResponse' },
);
export type CreateSessionResponse = Static<typeof CreateSessionResponse>;

export const SESSION_STATES = ['pending', 'signed', 'rejected', 'expired'] as const;
export const SessionState = Type.Union(SESSION_STATES.map((s) => Type.Literal(s)));
export type SessionState = (typeof SESSION_STATES)[number];

/** The body of `GET /sessions/{id}` and of every SSE `state` event. */
export const SessionStatus = Type.Object(
  {
    state: SessionState,
    secondsLeft: Type.Integer({ minimum: 0 }),
    signer: Type.Optional(Signer),
    rejection: Type.Optional(Rejection),
  },
  { $id: 'SessionStatus' },
);
export type SessionStatus = Static<typeof SessionStatus>;
