import { Type, type Static } from '@sinclair/typebox';

/** Every time on the wire is ISO 8601 UTC. */
export const IsoTime = Type.String({ format: 'date-time', description: 'ISO 8601 UTC' });

export const VerificationCode = Type.String({
  pattern: '^[0-9]{15}$',
  description: '15 decimal digits, the last one a Luhn check digit',
});

export const Tckn = Type.String({
  pattern: '^[1-9][0-9]{10}$',
  description: 'T.C. Kimlik No: 11 digits with its two checksum digits',
});

export const Base64 = Type.String({
  pattern: '^[A-Za-z0-9+/]*={0,2}$',
  description: 'base64 (standard alphabet)',
});

export const ErrorBody = Type.Object(
  {
    error: Type.Object({
      code: Type.String(),
      message: Type.String(),
    }),
  },
  {
    $id: 'ErrorBody',
    description: 'The one error format of every non-2xx answer without its own body',
  },
);
export type ErrorBody = Static<typeof ErrorBody>;
