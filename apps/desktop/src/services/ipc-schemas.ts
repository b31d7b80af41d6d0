import { Type, type TSchema } from '@sinclair/typebox';
import type { Channel } from '../shared/ipc.js';
import { SettingsUpdateSchema } from './settings.js';

const Nothing = Type.Union([Type.Undefined(), Type.Null()]);
/** PINs and PUKs: bounded, the token judges the rest. */
const Secret = Type.String({ minLength: 1, maxLength: 64 });
const Serial = Type.String({ minLength: 1, maxLength: 64 });
const Code = Type.String({ minLength: 1, maxLength: 64 });
const Origin = Type.String({ minLength: 1, maxLength: 2048 });
const CertificateId = Type.String({ minLength: 1, maxLength: 256 });

const strict = { additionalProperties: false } as const;

/** The shape every channel's request must have; anything else is INVALID_REQUEST. */
export const REQUEST_SCHEMAS: Record<Channel, TSchema> = {
  'app:info': Nothing,
  'settings:get': Nothing,
  'settings:update': SettingsUpdateSchema,
  'origins:check': Type.Object({ origin: Origin }, strict),
  'signing:start': Type.Object(
    { code: Code, apiOrigin: Origin, confirmedOrigin: Type.Optional(Type.Boolean()) },
    strict,
  ),
  'signing:snapshot': Nothing,
  'signing:refresh': Nothing,
  'signing:select': Type.Object({ certificateId: CertificateId }, strict),
  'signing:accept': Nothing,
  'signing:decline': Nothing,
  'signing:sign': Type.Object(
    { certificateId: CertificateId, pin: Type.Union([Secret, Type.Null()]) },
    strict,
  ),
  'signing:resubmit': Nothing,
  'signing:cancel': Nothing,
  'signing:reset': Nothing,
  'tokens:list': Nothing,
  'pin:change': Type.Object({ tokenSerial: Serial, oldPin: Secret, newPin: Secret }, strict),
  'pin:unlock': Type.Object({ tokenSerial: Serial, puk: Secret, newPin: Secret }, strict),
  'pin:change-puk': Type.Object({ tokenSerial: Serial, oldPuk: Secret, newPuk: Secret }, strict),
  'diagnostics:run': Nothing,
  'diagnostics:save-bundle': Nothing,
};
