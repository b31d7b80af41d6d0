import { luhnCheckDigit } from '@eimza/protocol';
import { describe, expect, it } from 'vitest';
import { desktop as en } from '../../../../resources/locales/en.json';
import { desktop as tr } from '../../../../resources/locales/tr.json';
import { codeProblem } from './code.js';
import { countdownWarning, remainingSeconds } from './countdown.js';
import { formatDate, formatDateTime } from './format.js';

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
