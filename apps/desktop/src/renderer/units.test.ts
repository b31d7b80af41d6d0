import { luhnCheckDigit } from '@eimza/protocol';
import { describe, expect, it } from 'vitest';
import { desktop as en } from '../../../../resources/locales/en.json';
import { desktop as tr } from '../../../../resources/locales/tr.json';
import { codeProblem } from './code.js';
import { countdownWarning, remainingSeconds } from './countdown.js';
import type { RetryHint } from '../shared/ipc.js';
import { formatDate, formatDateTime } from './format.js';
import { signingView } from './screen.js';

function keys(tree: object, prefix = ''): string[] {
  return Object.entries(tree).flatMap(([key, value]) =>
    typeof value === 'object' && value !== null
      ? keys(value as object, `${prefix}${key}.`)
      : [`${prefix}${key}`],
  );
}

/** The literal keys the screens pass to t(); template keys are checked by their tests' screens. */
function literalKeys(): string[] {
  const sources = import.meta.glob(['./**/*.tsx', './**/*.ts', '!./**/*.test.ts'], {
    query: '?raw',
    import: 'default',
    eager: true,
  });
  const found = new Set<string>();
  for (const source of Object.values(sources) as string[])
    for (const match of source.matchAll(/\bt\('([a-zA-Z.-]+)'/g)) found.add(match[1]!);
  return [...found];
}

describe('renderer texts', () => {
  it('has the same keys in Turkish and English', () => {
    expect(keys(en).sort()).toEqual(keys(tr).sort());
  });

  it('has every key the screens use, in both languages', () => {
    const all = new Set(keys(tr));
    const plural = (key: string) => all.has(`${key}_one`) && all.has(`${key}_other`);
    const used = literalKeys();
    expect(used.length).toBeGreaterThan(50);
    expect(used.filter((key) => !all.has(key) && !plural(key))).toEqual([]);
  });
});

describe('code entry check', () => {
  const body = '31182727218864';
  const good = body + String(luhnCheckDigit(body));
  const bad = body + String((luhnCheckDigit(body) + 1) % 10);

  it('accepts a code whose last digit is its Luhn check digit', () => {
    expect(codeProblem(good)).toBeUndefined();
  });

  it('names what is wrong: check digit, length, letters', () => {
    expect(codeProblem(bad)).toBe('checksum');
    expect(codeProblem(good.slice(0, 14))).toBe('length');
    expect(codeProblem(`${good}1`)).toBe('length');
    expect(codeProblem('31182727218864x')).toBe('digits');
  });
});

describe('countdown', () => {
  it('counts down from the snapshot by elapsed monotonic time, never below zero', () => {
    expect(remainingSeconds(285, 1000, 1000)).toBe(285);
    expect(remainingSeconds(285, 1000, 1999)).toBe(285);
    expect(remainingSeconds(285, 1000, 2001)).toBe(284);
    expect(remainingSeconds(5, 0, 5000)).toBe(0);
    expect(remainingSeconds(5, 0, 60_000)).toBe(0);
  });

  it('announces only at one minute, thirty and ten seconds', () => {
    expect(countdownWarning(120)).toBeUndefined();
    expect(countdownWarning(60)).toBe('minute');
    expect(countdownWarning(30)).toBe('half');
    expect(countdownWarning(10)).toBe('ten');
    expect(countdownWarning(0)).toBeUndefined();
  });
});

describe('dates', () => {
  it('shows the portal form dd.MM.yyyy @HH:mm:ss in local time', () => {
    const local = new Date(2019, 11, 25, 14, 27, 2).toISOString();
    expect(formatDateTime(local)).toBe('25.12.2019 @14:27:02');
    expect(formatDate(local)).toBe('25.12.2019');
    expect(formatDateTime('not a date')).toBe('not a date');
  });
});

describe('signing screen choice', () => {
  const challenge = {
    verificationCode: '311827272188648',
    apiOrigin: 'https://portal.example',
    service: { name: 'NES', origin: 'https://portal.example' },
    purpose: 'login' as const,
    texts: [{ id: 't1', title: 'İmzalanacak Metin 1', content: 'x' }],
    createdAt: '2026-01-01T00:00:00Z',
    expiresAt: '2026-01-01T00:04:45Z',
  };
  const error = (retry: RetryHint) => ({ code: 'PIN_INCORRECT' as const, message: 'm', retry });

  it('follows the step', () => {
    expect(signingView({ step: 'idle' }, undefined).view).toBe('code');
    expect(signingView({ step: 'loading' }, undefined).view).toBe('progress');
    expect(signingView({ step: 'choosing', challenge }, 100).view).toBe('challenge');
    expect(signingView({ step: 'submitting', challenge }, 100).view).toBe('progress');
  });

  it('sends a code that never loaded back to the code field, with the reason', () => {
    expect(signingView({ step: 'failed', error: error('load') }, undefined).view).toBe(
      'code-again',
    );
  });

  it('keeps PIN and card problems on the challenge page, other failures on the outcome', () => {
    expect(signingView({ step: 'failed', challenge, error: error('sign') }, 9).view).toBe(
      'challenge',
    );
    expect(signingView({ step: 'failed', challenge, error: error('certificates') }, 9).view).toBe(
      'challenge',
    );
    expect(signingView({ step: 'failed', challenge, error: error('submit') }, 9).view).toBe(
      'outcome',
    );
    expect(
      signingView({ step: 'failed', challenge, declined: true, error: error('none') }, 9).view,
    ).toBe('outcome');
  });

  it('expires at zero while the user still has to act, never after the signature', () => {
    expect(signingView({ step: 'choosing', challenge }, 0)).toEqual({
      view: 'challenge',
      expired: true,
    });
    expect(signingView({ step: 'expired', challenge }, 3).expired).toBe(true);
    expect(signingView({ step: 'done', challenge }, 0)).toEqual({
      view: 'outcome',
      expired: false,
    });
  });
});
