import { describe, expect, it } from 'vitest';
import { TokenError } from '../errors.js';
import { toTokenError } from './ckr.js';

const native = (name: string) =>
  Object.assign(new Error(name), { code: 1, method: 'C_Login', nativeStack: 'at PKCS11.C_Login' });

describe('toTokenError', () => {
  it.each([
    ['CKR_PIN_INCORRECT', 'user', 'PIN_INCORRECT'],
    ['CKR_PIN_INCORRECT', 'so', 'SO_PIN_INCORRECT'],
    ['CKR_PIN_LOCKED', 'user', 'PIN_LOCKED'],
    ['CKR_PIN_LOCKED', 'so', 'SO_PIN_LOCKED'],
    ['CKR_PIN_LEN_RANGE', 'user', 'PIN_LEN_RANGE'],
    ['CKR_PIN_INVALID', 'user', 'PIN_INVALID'],
    ['CKR_PIN_EXPIRED', 'user', 'PIN_EXPIRED'],
    ['CKR_FUNCTION_CANCELED', 'user', 'CANCELLED'],
    ['CKR_MECHANISM_INVALID', 'none', 'MECHANISM_UNSUPPORTED'],
    ['CKR_TOKEN_NOT_PRESENT', 'none', 'TOKEN_NOT_PRESENT'],
    ['CKR_DEVICE_ERROR', 'none', 'DEVICE_ERROR'],
    ['CKR_GENERAL_ERROR', 'none', 'DEVICE_ERROR'],
  ] as const)('%s as %s is %s', (ckr, role, code) => {
    const error = toTokenError(native(ckr), { role, fn: 'C_Login' });
    expect(error).toBeInstanceOf(TokenError);
    expect(error.code).toBe(code);
    expect(error.detail).toEqual({ ckr, fn: 'C_Login' });
    expect(error.message).not.toContain('CKR_');
  });

  it('turns a vanished token into TOKEN_REMOVED inside a session', () => {
    expect(toTokenError(native('CKR_DEVICE_REMOVED'), { inSession: true }).code).toBe(
      'TOKEN_REMOVED',
    );
    expect(toTokenError(native('CKR_SESSION_HANDLE_INVALID'), { inSession: true }).code).toBe(
      'TOKEN_REMOVED',
    );
  });

  it('keeps nothing of a non-PKCS#11 error but the fact', () => {
    const error = toTokenError(new Error('segfault near 0xdead'));
    expect(error.code).toBe('DEVICE_ERROR');
    expect(JSON.stringify(error)).not.toContain('0xdead');
  });
});
