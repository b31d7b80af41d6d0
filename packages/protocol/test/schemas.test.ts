import { Value } from '@sinclair/typebox/value';
import { describe, expect, it } from 'vitest';
import { Challenge, CreateSessionRequest, Report, SubmitSignaturesRequest } from '../src/index.js';

describe('wire schemas', () => {
  it('accepts the examples of protocol.md', () => {
    expect(Value.Check(CreateSessionRequest, { purpose: 'login', tckn: '10000000146' })).toBe(true);
    expect(
      Value.Check(Challenge, {
        service: { name: 'NES Bireysel', origin: 'https://portal.example' },
        purpose: 'login',
        texts: [{ id: 't1', title: 'İmzalanacak Metin 1', content: '…' }],
        createdAt: '2026-11-25T10:00:00Z',
        expiresAt: '2026-11-25T10:04:45Z',
        secondsLeft: 202,
        signer: { tcknMasked: '100******46' },
      }),
    ).toBe(true);
    expect(
      Value.Check(SubmitSignaturesRequest, { signatures: [{ textId: 't1', cms: 'MIIB' }] }),
    ).toBe(true);
  });

  it('refuses unknown purposes, unknown fields and malformed TCKNs', () => {
    expect(Value.Check(CreateSessionRequest, { purpose: 'steal' })).toBe(false);
    expect(Value.Check(CreateSessionRequest, { purpose: 'login', extra: 1 })).toBe(false);
    expect(Value.Check(CreateSessionRequest, { purpose: 'login', tckn: '0123' })).toBe(false);
  });

  it('accepts a failing report with a sub-indication and refuses an unknown one', () => {
    const report = {
      indication: 'TOTAL_FAILED',
      subIndication: 'HASH_FAILURE',
      checks: [{ name: 'content', passed: false, detail: 'messageDigest differs' }],
      chain: [],
    };
    expect(Value.Check(Report, report)).toBe(true);
    expect(Value.Check(Report, { ...report, subIndication: 'SOMETHING_ELSE' })).toBe(false);
  });
});
